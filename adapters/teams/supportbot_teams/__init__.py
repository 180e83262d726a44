"""Microsoft Teams adapter for supportbot (Bot Framework SDK, `POST /api/messages`)."""

from supportbot_teams.adapter import TeamsAdapter
from supportbot_teams.plugin import TeamsPlugin
from supportbot_teams.render import render, render_form
from supportbot_teams.settings import TeamsSettings, TeamsSettingsError

__all__ = [
    "TeamsAdapter",
    "TeamsPlugin",
    "TeamsSettings",
    "TeamsSettingsError",
    "render",
    "render_form",
]
