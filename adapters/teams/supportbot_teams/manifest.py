"""The Teams app package: `manifest.json` plus two icons, zipped, ready to upload to Teams.

Pure: `app_package(app)` returns the zip's bytes; the CLI writes them to a file.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from supportbot_teams.icons import color_icon, outline_icon

MANIFEST_VERSION = "1.17"
SCHEMA = (
    "https://developer.microsoft.com/en-us/json-schemas/teams/"
    f"v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
)
COLOR_ICON = "color.png"
OUTLINE_ICON = "outline.png"
SCOPES = ("personal", "team", "groupChat")
MAX_COMMANDS = 10  # Teams shows at most ten commands per scope
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")


class ManifestError(ValueError):
    """The app package cannot be built from these settings."""


@dataclass(frozen=True, slots=True)
class BotCommand:
    title: str  # what the user types after mentioning the bot, e.g. `claim`
    description: str


@dataclass(frozen=True, slots=True)
class TeamsApp:
    bot_id: str  # the Azure bot's Microsoft App ID (MICROSOFT_APP_ID)
    commands: Sequence[BotCommand]
    name: str = "Support"
    description: str = "Your support desk in Teams: tickets, threads and workflows."
    version: str = "1.0.0"
    app_id: str = ""  # the Teams app's own id; defaults to the bot id
    developer: str = "supportbot"
    website: str = "https://github.com/supportbot/supportbot"
    valid_domains: Sequence[str] = field(default_factory=tuple)


def manifest(app: TeamsApp) -> dict[str, Any]:
    """The manifest (schema 1.17) naming the bot and its commands."""
    _check(app)
    commands = [
        {"title": c.title[:32], "description": c.description[:128]}
        for c in app.commands[:MAX_COMMANDS]
    ]
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": app.version,
        "id": app.app_id or app.bot_id,
        "developer": {
            "name": app.developer,
            "websiteUrl": app.website,
            "privacyUrl": app.website,
            "termsOfUseUrl": app.website,
        },
        "name": {"short": app.name[:30], "full": app.name[:100]},
        "description": {"short": app.description[:80], "full": app.description[:4000]},
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": "#4F6BED",
        "bots": [
            {
                "botId": app.bot_id,
                "scopes": list(SCOPES),
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": list(SCOPES), "commands": commands}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [d for d in app.valid_domains if d],
    }


def app_package(app: TeamsApp) -> bytes:
    """The zip Teams accepts under Apps › Manage your apps › Upload an app."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", json.dumps(manifest(app), indent=2, ensure_ascii=False))
        package.writestr(COLOR_ICON, color_icon())
        package.writestr(OUTLINE_ICON, outline_icon())
    return buffer.getvalue()


def domain_of(url: str) -> str:
    """The host of the bot's public URL, for `validDomains`."""
    return urlsplit(url).hostname or ""


def _check(app: TeamsApp) -> None:
    for label, value in (("bot id", app.bot_id), ("app id", app.app_id or app.bot_id)):
        if not _GUID.match(value):
            raise ManifestError(
                f"the {label} must be a GUID like 00000000-0000-0000-0000-000000000000,"
                f" not {value!r} (use the Microsoft App ID of the Azure bot)"
            )
