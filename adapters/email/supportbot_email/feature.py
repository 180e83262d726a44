"""The `email` feature (entry point `supportbot.features: email`): what mail adds to the desk
besides the adapter, through the plug-in hooks.

* `/support email #42 address`: the conversation with the requester moves to mail
  (`handover.py`).

It registers on every desk where the distribution is installed; on a desk without e-mail
settings the command answers that mail is not set up.
"""

from __future__ import annotations

from supportbot.plugins import Hooks
from supportbot_email.handover import on_email


class EmailFeature:
    name = "email"

    def setup(self, hooks: Hooks) -> None:
        hooks.command("email", on_email, usage="email #number address", takes_ticket=True)
