"""`supportbot teams manifest`: write the Teams app package for this bot.

The core CLI finds `add_commands` through the `supportbot.cli` entry point and passes it its
subparsers; leaf parsers set `handler(args) -> int` (the exit code), as the core dispatches.
A setting Teams would refuse is a sentence on stderr and exit code 2, and no file is written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from supportbot import markup
from supportbot.templates import Templates
from supportbot_teams.manifest import (
    DEFAULT_LANGUAGE,
    BotCommand,
    Developer,
    Listing,
    ManifestError,
    TeamsApp,
    app_package,
    domain_of,
    https_problem,
)

# The ten Teams can list, most used first; the rest still work when typed.
LISTED_COMMANDS = (
    "help", "new", "claim", "queue", "mine", "show", "reply", "escalate", "handoff", "resolve"
)  # fmt: skip
# Each catalog language, and the tag Teams knows it by.
LANGUAGES = {"en": DEFAULT_LANGUAGE, "ja": "ja"}
USAGE_ERROR = 2


def add_commands(subparsers: Any) -> None:
    """Add `teams manifest` (`subparsers` from `ArgumentParser.add_subparsers`)."""
    teams = subparsers.add_parser("teams", help="Microsoft Teams adapter tools")
    actions = teams.add_subparsers(metavar="ACTION")
    build = actions.add_parser(
        "manifest",
        help="build the Teams app package (manifest.json, Japanese strings and icons, zipped)",
        description="Write the zip to upload in Teams (Apps › Manage your apps › Upload an app).",
    )
    build.add_argument("--bot-id", help="the bot's Microsoft App ID (default: $MICROSOFT_APP_ID)")
    build.add_argument("--name", help="the app's name in Teams (default: the config's desk_name)")
    build.add_argument("--public-url", help="the desk's public URL (default: the config's)")
    build.add_argument("--developer", help="who publishes the app (default: the app's name)")
    build.add_argument("--website-url", help="your support page (default: the public URL)")
    build.add_argument("--privacy-url", help="your privacy statement (https; required)")
    build.add_argument("--terms-url", help="your terms of use (https; required)")
    build.add_argument("--app-version", default="1.0.0", help="raise it for each new upload")
    build.add_argument(
        "--no-rsc",
        dest="rsc",
        action="store_false",
        help="do not ask for resource-specific consent (then run with SUPPORTBOT_TEAMS_RSC=off)",
    )
    build.add_argument(
        "-o", "--output", type=Path, default=Path("supportbot-teams.zip"), help="the zip to write"
    )
    build.set_defaults(handler=write_package)


def write_package(args: argparse.Namespace) -> int:
    templates, name, public_url = _desk_settings(args)
    problems = flag_problems(args, public_url)
    if problems:
        for problem in problems:
            print(f"supportbot teams manifest: {problem}", file=sys.stderr)
        return USAGE_ERROR
    listings = [listing(templates, locale) for locale in LANGUAGES]
    app = TeamsApp(
        bot_id=(args.bot_id or os.environ.get("MICROSOFT_APP_ID", "")).strip(),
        name=name,
        developer=Developer(
            name=args.developer or name,
            website_url=args.website_url or public_url,
            privacy_url=args.privacy_url,
            terms_url=args.terms_url,
        ),
        listing=listings[0],
        translations=listings[1:],
        version=args.app_version,
        valid_domains=(domain_of(public_url),),
        rsc=args.rsc,
    )
    try:
        package = app_package(app)
    except ManifestError as exc:
        print(f"supportbot teams manifest: {exc}", file=sys.stderr)
        return USAGE_ERROR
    args.output.write_bytes(package)
    print(f"wrote {args.output}: upload it in Teams under Apps › Manage your apps › Upload an app")
    return 0


def flag_problems(args: argparse.Namespace, public_url: str) -> list[str]:
    """Every flag Teams would refuse, as sentences that say what to pass instead."""
    problems = []
    for flag, value in (("--privacy-url", args.privacy_url), ("--terms-url", args.terms_url)):
        if not value:
            problems.append(
                f"{flag} is required: Teams shows it to everyone who installs the app"
                " (an https:// page of your organisation)"
            )
        elif problem := https_problem(value):
            problems.append(f"{flag} {problem}")
    website = args.website_url or public_url
    flag = "--website-url" if args.website_url else "--public-url (the default website)"
    if not website:
        problems.append("--website-url is required when the config has no public_url")
    elif problem := https_problem(website):
        problems.append(f"{flag} {problem}")
    return problems


def listing(templates: Templates, locale: str) -> Listing:
    """The app's description and command descriptions in one catalog language."""

    def text(name: str) -> str:
        return markup.to_plain(templates.render(name, locale))

    return Listing(
        language=LANGUAGES[locale],
        description_short=text("teams.app.description.short"),
        description_full=text("teams.app.description.full"),
        commands=[BotCommand(c, text(f"teams.command.{c}")) for c in LISTED_COMMANDS],
    )


def _desk_settings(args: argparse.Namespace) -> tuple[Templates, str, str]:
    """The catalogs (with the admin's overrides), the app's name and the public URL."""
    name, public_url = args.name, args.public_url
    folders: list[Path] = []
    if name is None or public_url is None:
        from supportbot.cli import read_config  # the core's config lookup (--config, env)

        config = read_config(args)
        name, public_url = name or config.desk_name, public_url or config.public_url
        folders.append(Path(config.workflows_dir, "templates"))
    return Templates.from_folders(*folders), name, public_url
