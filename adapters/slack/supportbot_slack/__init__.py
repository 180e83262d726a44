"""Slack adapter for supportbot: slack-bolt inbound, the Slack Web API outbound."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from supportbot_slack.settings import EVENTS_PATH, SlackSettings, SlackSettingsError

if TYPE_CHECKING:
    from supportbot_slack.app import SlackAdapter, SlackPlugin

__all__ = ["EVENTS_PATH", "SlackAdapter", "SlackPlugin", "SlackSettings", "SlackSettingsError"]


def __getattr__(name: str) -> Any:
    # Bolt is imported on first use, so `supportbot slack manifest` (and every other CLI
    # command, which loads this package's CLI entry point) does not pay for it.
    if name in ("SlackAdapter", "SlackPlugin"):
        from supportbot_slack import app

        return getattr(app, name)
    raise AttributeError(f"module 'supportbot_slack' has no attribute {name!r}")
