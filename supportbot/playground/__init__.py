"""The playground: a local chat workspace in the browser, served at `/playground`.

It is a third chat platform, built in: channels, threads, DMs and ticket cards rendered from the
same `Message` model as Slack and Teams, with a persona switcher to act as a customer, an agent,
a lead or an engineer. It is meant for demos and development, and anyone who can use it can act
as anyone: so it is off unless asked for (`SUPPORTBOT_PLAYGROUND=on`; `supportbot demo` asks), and
then it answers only requests carrying the access token printed at start-up (`access.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from supportbot.adapter import AdapterContext, ChatAdapter
from supportbot.config import Config
from supportbot.playground import mail
from supportbot.playground.access import Access, is_on
from supportbot.playground.actions import Actions
from supportbot.playground.adapter import PlaygroundAdapter
from supportbot.playground.personas import PLATFORM, personas_from
from supportbot.playground.routes import mount
from supportbot.playground.sqlstore import SqlMessageStore
from supportbot.playground.store import MessageStore
from supportbot.templates import Templates

log = logging.getLogger(__name__)
DEFAULT_CHANNELS = ("customers", "support", "engineering", "sales", "marketing", "kudos")

__all__ = ["PLAYGROUND", "PLAYGROUND_ACCESS", "Actions", "PlaygroundAdapter", "PlaygroundPlugin"]

# The playground's inbound side on the app, for the demo's scripted story (it acts like a visitor).
PLAYGROUND = web.AppKey("supportbot.playground", Actions)
# Its access token, for whoever prints the link (the demo) and tests.
PLAYGROUND_ACCESS = web.AppKey("supportbot.playground.access", Access)


class PlaygroundPlugin:
    name = PLATFORM

    def create(self, ctx: AdapterContext) -> ChatAdapter | None:
        if not is_on(ctx.env):
            return None
        templates = Templates.from_folders(Path(ctx.config.workflows_dir) / "templates")
        adapter = PlaygroundAdapter(
            store=make_store(ctx),
            directory=ctx.directory,
            personas=personas_from(ctx.config),
            channels=channels_from(ctx.config),
            bot_name=ctx.config.desk_name,
            templates=templates,
        )
        actions = Actions(adapter, ctx.sink)
        access = Access.from_env(ctx.env, templates)
        mount(ctx.app, adapter, actions, access=access)
        mail.mount(ctx.app, access, templates, ctx.config.locale)  # needs EMAIL_RELAY=playground
        ctx.app[PLAYGROUND] = actions
        ctx.app[PLAYGROUND_ACCESS] = access
        ctx.app.on_shutdown.append(_close_pages(adapter))
        log.warning(
            "the playground is on; anyone with this link can act as anyone: %s",
            access.link(ctx.public_url),
        )
        return adapter


def make_store(ctx: AdapterContext) -> MessageStore:
    """The desk's database (table `playground_messages`), so history survives a restart."""
    return SqlMessageStore(ctx.sessions)


def channels_from(config: Config) -> tuple[str, ...]:
    """The default workspace's channels plus any the config names for the playground."""
    named = [config.support_channel, config.kudos_channel, config.leads_channel]
    named += [d.channel for d in config.departments]
    found = [ids[PLATFORM] for ids in named if PLATFORM in ids]
    found += [c.channel for c in config.intake_channels if c.platform == PLATFORM]
    return tuple(dict.fromkeys([*DEFAULT_CHANNELS, *found]))


def _close_pages(adapter: PlaygroundAdapter) -> Callable[[web.Application], Awaitable[None]]:
    """Open pages hold WebSockets; close them first or the server waits for them at shutdown."""

    async def close(_: web.Application) -> None:
        await adapter.hub.close_all()

    return close
