"""Errors a command reports as one sentence and an exit code, never a traceback.

    UsageError         the command was given something it cannot use (exit 2)
    SettingsError      a plug-in's environment variables are set but unusable (exit 2)

Library code raises them; only `supportbot.cli` turns them into exit codes. Their `str()` says
what was wrong and what to do.
"""

from __future__ import annotations


class UsageError(Exception):
    """An option, argument or file a command was pointed at cannot be used."""


class SettingsError(Exception):
    """An adapter's settings from the environment are incomplete or contradictory.

    Adapters subclass it (`SlackSettingsError`, `TeamsSettingsError`) so the command line can
    print them as sentences without knowing any adapter."""
