"""`supportbot demo`: the desk with the playground on SQLite, optionally playing a story.

The CLI calls `run_demo`; it runs until cancelled (Ctrl-C). The config is the default one (or
the given file) with the playground filled in where it says nothing about it, so a fresh clone
shows a working workspace: channels, people to act as, and the default workflows.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import tempfile
from pathlib import Path

from aiohttp import web

from supportbot.config import Config, load_config
from supportbot.playground import PLAYGROUND, PlaygroundPlugin
from supportbot.playground.personas import PLATFORM
from supportbot.playground.scenario import StoryError, play

log = logging.getLogger(__name__)
DEFAULT_CONFIG = Path("config/supportbot.yaml")
STORY_PAUSE = 2.5  # seconds between the story's steps, so a visitor can follow


async def run_demo(
    config_path: str | Path | None,
    host: str = "127.0.0.1",
    port: int = 8080,
    scenario: bool = False,
    history: str | None = None,
) -> None:
    """Serve the playground until cancelled.

    `history` is the SQLite file that keeps the desk and its playground between runs; without it
    every run starts afresh in a temporary database.
    """
    with tempfile.TemporaryDirectory(prefix="supportbot-demo-") as scratch:
        database = Path(history) if history else Path(scratch) / "demo.db"
        config = demo_config(_load(config_path), database, _config_dir(config_path))
        runner = web.AppRunner(_create_app(config))
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
            print(f"Playground: http://{host}:{port}/playground", flush=True)
            if scenario:
                await _play_story(runner.app)
            await asyncio.Event().wait()  # until the CLI cancels us
        finally:
            await runner.cleanup()


def _load(config_path: str | Path | None) -> Config:
    path = Path(config_path) if config_path else DEFAULT_CONFIG
    return load_config(path if path.exists() or config_path else None, os.environ)


def _config_dir(config_path: str | Path | None) -> Path:
    return (Path(config_path) if config_path else DEFAULT_CONFIG).resolve().parent


def _create_app(config: Config) -> web.Application:
    from supportbot.server import create_app  # the composition root (imports every feature)

    # The demo is the playground alone: no platform tokens, nothing leaves the machine.
    env = {**os.environ, "SUPPORTBOT_PLAYGROUND": "on"}
    plugins = {PLATFORM: PlaygroundPlugin()}
    return create_app(config, env, plugins=plugins, workflows_dir=Path(config.workflows_dir))


async def _play_story(app: web.Application) -> None:
    try:
        await play(app[PLAYGROUND], pause=STORY_PAUSE)
    except StoryError as exc:
        print(f"the scripted story stopped: {exc}", file=sys.stderr, flush=True)


def demo_config(config: Config, database: Path, config_dir: Path) -> Config:
    """The config with SQLite, absolute workflow paths and the playground's channels and people.

    Only what the config leaves unsaid is filled in: a config that already names playground
    channels and identities is used as it is.
    """
    data = config.model_dump()
    data["database_url"] = f"sqlite+aiosqlite:///{database}"
    data["workflows_dir"] = str(_workflows_dir(config.workflows_dir, config_dir))
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
    for org in data["organizations"][:1]:
        org["platform_ids"] = {PLATFORM: org["name"].lower(), **org["platform_ids"]}
    return Config.model_validate(data)


def _workflows_dir(configured: str, config_dir: Path) -> Path:
    """`workflows` relative to the working directory, else next to the config's folder."""
    for base in (Path.cwd(), config_dir.parent, config_dir):
        candidate = (base / configured).resolve()
        if candidate.is_dir():
            return candidate
    return Path(configured).resolve()
