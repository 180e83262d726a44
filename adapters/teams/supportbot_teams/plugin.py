"""The `teams` entry point: builds a `TeamsAdapter` when Teams is configured.

Enabled when `MICROSOFT_APP_ID` is set (a registered Azure bot, requests authenticated) or when
`SUPPORTBOT_TEAMS=1` (no app id: the Bot Framework Emulator's unauthenticated mode).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from supportbot import markup
from supportbot.adapter import AdapterContext
from supportbot.templates import TemplateError, Templates
from supportbot_teams.settings import TeamsSettings

if TYPE_CHECKING:
    from botframework.connector.auth import BotFrameworkAuthentication

    from supportbot_teams.adapter import TeamsAdapter
    from supportbot_teams.answer import Texts


class TeamsPlugin:
    name = "teams"

    def __init__(self, authentication: BotFrameworkAuthentication | None = None) -> None:
        # Tests inject their own authentication; the entry point passes none.
        self.authentication = authentication

    def create(self, ctx: AdapterContext) -> TeamsAdapter | None:
        settings = TeamsSettings.from_env(ctx.env)
        if settings is None:
            return None
        from supportbot_teams.adapter import TeamsAdapter  # botbuilder: only when configured
        from supportbot_teams.hints import MentionHints

        templates = ctx.templates or Templates.from_folders(
            Path(ctx.config.workflows_dir, "templates")
        )
        adapter = TeamsAdapter(
            settings=settings,
            sink=ctx.sink,
            directory=ctx.directory,
            sessions=ctx.sessions,
            texts=catalog_texts(templates),
            hints=MentionHints(templates, ctx.config.locale),
            app_name=ctx.config.desk_name,
            authentication=self.authentication,
        )
        adapter.mount(ctx.app)
        return adapter


def catalog_texts(templates: Templates) -> Texts:
    """Plain text from the template catalogs (Teams shows invoke messages verbatim)."""

    def text(name: str, locale: str | None) -> str:
        try:
            return markup.to_plain(templates.render(name, locale))
        except TemplateError:
            return name

    return text
