"""`supportbot teams manifest`: write the Teams app package for this bot.

The core CLI calls `add_commands(subparsers)`; the chosen sub-command's `func(args)` returns
the exit code.
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


def add_commands(subparsers: argparse._SubParsersAction[Any]) -> None:
    teams = subparsers.add_parser("teams", help="Microsoft Teams tools")
    actions = teams.add_subparsers(dest="teams_command", required=True, metavar="COMMAND")
    build = actions.add_parser(
        "manifest", help="build the Teams app package (manifest.json and icons, zipped)"
    )
    build.add_argument("--bot-id", help="the bot's Microsoft App ID (default: $MICROSOFT_APP_ID)")
    build.add_argument("--name", default="Support", help="the app's name in Teams")
    build.add_argument("--app-version", default="1.0.0", help="raise it for each new upload")
    build.add_argument("--public-url", help="the bot's URL (default: $SUPPORTBOT_PUBLIC_URL)")
    build.add_argument(
        "-o", "--output", type=Path, default=Path("supportbot-teams.zip"), help="the zip to write"
    )
    build.set_defaults(func=run_manifest)


def bot_commands() -> list[BotCommand]:
    return [
        BotCommand(name, commands.USAGE.get(name, name))
        for name in LISTED_COMMANDS
        if name in commands.NAMES
    ]


def run_manifest(args: argparse.Namespace) -> int:
    public_url = args.public_url or os.environ.get("SUPPORTBOT_PUBLIC_URL", "")
    app = TeamsApp(
        bot_id=(args.bot_id or os.environ.get("MICROSOFT_APP_ID", "")).strip(),
        commands=bot_commands(),
        name=args.name,
        version=args.app_version,
        valid_domains=(domain_of(public_url),) if public_url else (),
    )
    try:
        package = app_package(app)
    except ManifestError as exc:
        print(f"supportbot teams manifest: {exc}", file=sys.stderr)
        return 2
    args.output.write_bytes(package)
    print(f"wrote {args.output}: upload it in Teams under Apps › Manage your apps › Upload an app")
    return 0
