"""`supportbot teams manifest`: write the Teams app package for this bot.

The core CLI finds `add_commands` through the `supportbot.cli` entry point and passes it its
subparsers; leaf parsers set `handler(args) -> int` (the exit code), as the core dispatches.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from supportbot import commands
from supportbot_teams.manifest import BotCommand, ManifestError, TeamsApp, app_package, domain_of

# The ten Teams can list, most used first; the rest still work when typed.
LISTED_COMMANDS = (
    "help", "new", "claim", "queue", "mine", "show", "reply", "escalate", "handoff", "resolve"
)  # fmt: skip


def add_commands(subparsers: Any) -> None:
    """Add `teams manifest` (`subparsers` from `ArgumentParser.add_subparsers`)."""
    teams = subparsers.add_parser("teams", help="Microsoft Teams adapter tools")
    actions = teams.add_subparsers(metavar="ACTION")
    build = actions.add_parser(
        "manifest",
        help="build the Teams app package (manifest.json and icons, zipped)",
        description="Write the zip to upload in Teams (Apps › Manage your apps › Upload an app).",
    )
    build.add_argument("--bot-id", help="the bot's Microsoft App ID (default: $MICROSOFT_APP_ID)")
    build.add_argument("--name", help="the app's name in Teams (default: the config's desk_name)")
    build.add_argument("--public-url", help="the desk's public URL (default: the config's)")
    build.add_argument("--app-version", default="1.0.0", help="raise it for each new upload")
    build.add_argument(
        "-o", "--output", type=Path, default=Path("supportbot-teams.zip"), help="the zip to write"
    )
    build.set_defaults(handler=write_package)


def bot_commands() -> list[BotCommand]:
    return [
        BotCommand(name, commands.USAGE.get(name, name))
        for name in LISTED_COMMANDS
        if name in commands.NAMES
    ]


def write_package(args: argparse.Namespace) -> int:
    name, public_url = args.name, args.public_url
    if name is None or public_url is None:
        from supportbot.cli import read_config  # the core's config lookup (--config, env)

        config = read_config(args)
        name, public_url = name or config.desk_name, public_url or config.public_url
    app = TeamsApp(
        bot_id=(args.bot_id or os.environ.get("MICROSOFT_APP_ID", "")).strip(),
        commands=bot_commands(),
        name=name,
        version=args.app_version,
        valid_domains=(domain_of(public_url),),
    )
    try:
        package = app_package(app)
    except ManifestError as exc:
        print(f"supportbot teams manifest: {exc}", file=sys.stderr)
        return 2
    args.output.write_bytes(package)
    print(f"wrote {args.output}: upload it in Teams under Apps › Manage your apps › Upload an app")
    return 0
