"""The playground: a local chat workspace in the browser, served at `/playground`.

It is a third chat platform, built in: channels, threads, DMs and ticket cards rendered from the
same `Message` model as Slack and Teams, with a persona switcher to act as a customer, an agent,
a lead or an engineer. It is meant for demos and development, and anyone who can reach it can act
as anyone, so when the config gives the playground a support channel it answers only clients on
this machine (loopback); `SUPPORTBOT_PLAYGROUND=on` opens it to everyone (the demo does, on
127.0.0.1 by default) and `SUPPORTBOT_PLAYGROUND=off` turns it off.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

from supportbot.adapter import AdapterContext, ChatAdapter
from supportbot.config import Config
from supportbot.playground.actions import Actions
from supportbot.playground.adapter import PlaygroundAdapter
from supportbot.playground.personas import PLATFORM, personas_from
from supportbot.playground.routes import mount
from supportbot.playground.sqlstore import SqlMessageStore
from supportbot.playground.store import MessageStore
from supportbot.templates import Templates

DEFAULT_CHANNELS = ("customers", "support", "engineering", "sales", "marketing", "kudos")
_ON = {"1", "on", "true", "yes"}
_OFF = {"0", "off", "false", "no"}

__all__ = ["PLAYGROUND", "Actions", "PlaygroundAdapter", "PlaygroundPlugin"]

# The playground's inbound side on the app, for the demo's scripted story (it acts like a visitor).
PLAYGROUND = web.AppKey("supportbot.playground", Actions)


class PlaygroundPlugin:
    name = PLATFORM

    def create(self, ctx: AdapterContext) -> ChatAdapter | None:
        mode = access(ctx.config, ctx.env.get("SUPPORTBOT_PLAYGROUND", ""))
        if mode == "off":
            return None
        adapter = PlaygroundAdapter(
            store=make_store(ctx),
            directory=ctx.directory,
            personas=personas_from(ctx.config),
            channels=channels_from(ctx.config),
            bot_name=ctx.config.desk_name,
            templates=Templates.from_folders(Path(ctx.config.workflows_dir) / "templates"),
        )
        actions = Actions(adapter, ctx.sink)
        mount(ctx.app, adapter, actions, local_only=mode == "local")
        ctx.app[PLAYGROUND] = actions
        ctx.app.on_shutdown.append(_close_pages(adapter))
        return adapter


def make_store(ctx: AdapterContext) -> MessageStore:
    """The desk's database (table `playground_messages`), so history survives a restart."""
    return SqlMessageStore(ctx.sessions)


def access(config: Config, switch: str) -> str:
    """Who may use the playground: "any" (switched on), "local" (the config names it), or "off"."""
    word = switch.strip().lower()
    if word in _OFF:
        return "off"
    if word in _ON:
        return "any"
    return "local" if PLATFORM in config.support_channel else "off"


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
