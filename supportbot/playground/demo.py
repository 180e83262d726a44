"""`supportbot demo`: the desk with the playground on SQLite, optionally playing a story.

The CLI calls `run_demo`; it runs until cancelled (Ctrl-C). The config is the given file (or the
one in the working directory, or else the demo desk the package carries) with the playground
filled in where it says nothing about it, so a fresh clone or a bare `pip install` shows a
working workspace: channels, people to act as, and the default workflows.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from importlib.metadata import entry_points
from pathlib import Path

from aiohttp import web

from supportbot.adapter import ENTRY_POINT_GROUP, AdapterPlugin
from supportbot.config import Config, load_config
from supportbot.durations import parse_duration
from supportbot.playground import PLAYGROUND, PLAYGROUND_ACCESS, PlaygroundPlugin
from supportbot.playground.personas import PLATFORM
from supportbot.playground.scenario import StoryError, play
from supportbot.starter import demo_config as bundled_demo_config

log = logging.getLogger(__name__)
DEMO_MAIL = "support@desk.example"  # the demo's support address (mail view: /playground/mail)
STORY_PAUSE = 2.5  # seconds between the story's steps, so a visitor can follow


async def run_demo(
    config_path: str | Path | None,
    host: str = "127.0.0.1",
    port: int = 8080,
    scenario: bool = False,
    history: str | None = None,
    *,
    database: Path | None = None,
) -> None:
    """Serve the playground until cancelled, on a fresh SQLite database: `database` (replaced
    if it exists), or a file in a temporary folder.

    `history` (e.g. "90d") seeds that much realistic past activity first, so reports and
    leaderboards have something to show; `scenario` plays the scripted story once.
    """
    with tempfile.TemporaryDirectory(prefix="supportbot-demo-") as scratch:
        file = _fresh(database) if database is not None else Path(scratch) / "demo.db"
        mail = mail_plugin()
        config = demo_config(_load(config_path), file, mail=mail is not None)
        clock = DemoClock()
        runner = web.AppRunner(_create_app(config, clock, mail, Path(scratch)))
        await runner.setup()  # runs the migrations and syncs the config's people
        try:
            if history:
                await _seed(runner.app, config, parse_duration(history).days)
            await web.TCPSite(runner, host, port).start()
            link = runner.app[PLAYGROUND_ACCESS].link(f"http://{host}:{port}")
            print(f"Playground: {link}", flush=True)
            if database is not None:
                print(f"(a fresh demo database: {file})", flush=True)
            if scenario:
                await _play_story(runner.app, clock)
            await asyncio.Event().wait()  # until the CLI cancels us
        finally:
            await runner.cleanup()


async def _seed(app: web.Application, config: Config, days: int) -> None:
    from supportbot.insights.seed import seed_history
    from supportbot.server import DESK

    desk = app[DESK]
    print(f"seeding {days} days of history…", flush=True)
    async with desk.db.sessions() as session:
        summary = await seed_history(session, config, days=days, now=desk.clock.now())
    print(f"seeded {summary.tickets} past tickets", flush=True)


def _load(config_path: str | Path | None) -> Config:
    return load_config(config_path or bundled_demo_config(), os.environ)


def _fresh(database: Path) -> Path:
    """`database` made absolute, with any earlier demo's file, its WAL files and its spool
    (events an earlier demo stored but did not run) removed."""
    file = database.resolve()
    for name in (file.name, f"{file.name}.spool"):
        for suffix in ("", "-wal", "-shm"):
            file.with_name(name + suffix).unlink(missing_ok=True)
    return file


class DemoClock:
    """Real time, plus whatever the story skipped ("an hour later…") so waits end on cue."""

    def __init__(self) -> None:
        self.skipped = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.skipped

    def advance(self, delta: timedelta) -> None:
        self.skipped += delta


def _create_app(
    config: Config, clock: DemoClock, mail: AdapterPlugin | None, scratch: Path
) -> web.Application:
    from supportbot.server import create_app  # the composition root (imports every feature)

    # The demo is the playground alone: no platform tokens, nothing leaves the machine. The
    # playground still wants its token (printed with the link): a visitor cannot guess it.
    # With the e-mail adapter installed, mail too, kept in the playground (EMAIL_RELAY=playground).
    env = {**os.environ, "SUPPORTBOT_PLAYGROUND": "on"}
    plugins: dict[str, AdapterPlugin] = {PLATFORM: PlaygroundPlugin()}
    if mail is not None:
        env.update(mail_env(scratch))
        plugins["email"] = mail
    folder = Path(config.workflows_dir)
    return create_app(config, env, clock=clock, plugins=plugins, workflows_dir=folder)


async def _play_story(app: web.Application, clock: DemoClock) -> None:
    try:
        await play(app[PLAYGROUND], pause=STORY_PAUSE, fast_forward=clock.advance)
    except StoryError as exc:
        print(f"the scripted story stopped: {exc}", file=sys.stderr, flush=True)


def mail_plugin() -> AdapterPlugin | None:
    """The e-mail adapter's plug-in, when its distribution is installed."""
    for entry in entry_points(group=ENTRY_POINT_GROUP, name="email"):
        plugin: AdapterPlugin = entry.load()()
        return plugin
    return None


def mail_env(scratch: Path) -> dict[str, str]:
    """The e-mail adapter as the demo runs it: no listener, no relay, the mail view instead."""
    return {
        "EMAIL_ADDRESS": DEMO_MAIL,
        "EMAIL_RELAY": "playground",
        "EMAIL_LISTEN": "off",
        "EMAIL_TRUSTED_AUTHSERV_IDS": "playground",  # the mail view vouches for its visitors
        "EMAIL_LINK_SECRET": secrets.token_hex(16),  # CSAT links for this run of the demo
        "EMAIL_ATTACHMENTS_DIR": str(scratch / "email-attachments"),
    }


def demo_config(config: Config, database: Path, *, mail: bool = False) -> Config:
    """The config with SQLite, absolute workflow paths and the playground's channels and people.

    Only what the config leaves unsaid is filled in: a config that already names playground
    channels and identities is used as it is.
    """
    data = config.model_dump()
    data["database_url"] = f"sqlite+aiosqlite:///{database}"
    data["workflows_dir"] = str(Path(config.workflows_dir).resolve())
    data["support_channel"] = {PLATFORM: "support", **config.support_channel}
    data["kudos_channel"] = {PLATFORM: "kudos", **config.kudos_channel}
    for dept in data["departments"]:
        dept["channel"] = {PLATFORM: dept["name"], **dept["channel"]}
    for person in data["people"]:
        person["identities"] = {PLATFORM: person["id"], **person["identities"]}
    if not any(c.platform == PLATFORM for c in config.intake_channels):
        org = config.organizations[0].name if config.organizations else None
        intake = {"platform": PLATFORM, "channel": "customers", "organization": org}
        data["intake_channels"].append(intake)
    if mail and not any(c.platform == "email" for c in config.intake_channels):
        data["intake_channels"].append({"platform": "email", "channel": DEMO_MAIL})
    for org in data["organizations"][:1]:
        org["platform_ids"] = {PLATFORM: org["name"].lower(), **org["platform_ids"]}
    return Config.model_validate(data)
