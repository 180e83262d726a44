"""The Teams app package: `manifest.json`, its translations and two icons, zipped, ready to upload.

Pure: `app_package(app)` returns the zip's bytes; the CLI gathers the settings and writes them.

The manifest asks for resource-specific consent (RSC): `ChannelMessage.Read.Group` and
`ChatMessage.Read.Chat`, so that once a team owner consents at install Teams delivers every
message in the team's channels (and in group chats) to the bot, not only those that @mention
it. That is what lets the desk hear replies in a ticket's thread (`reply:`, `dept:`, notes) and
an engineer's answer in a hand-off thread. Teams requires a `webApplicationInfo` beside it.
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
SCHEMA_BASE = f"https://developer.microsoft.com/en-us/json-schemas/teams/v{MANIFEST_VERSION}"
SCHEMA = f"{SCHEMA_BASE}/MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA = f"{SCHEMA_BASE}/MicrosoftTeams.Localization.schema.json"
COLOR_ICON = "color.png"
OUTLINE_ICON = "outline.png"
DEFAULT_LANGUAGE = "en-us"
SCOPES = ("personal", "team", "groupChat")
MAX_COMMANDS = 10  # Teams shows at most ten commands per scope
RSC_PERMISSIONS = ("ChannelMessage.Read.Group", "ChatMessage.Read.Chat")
# Teams wants a resource next to RSC permissions but does nothing with it: any string will do.
RSC_RESOURCE = "https://RscBasedStoreApp"
LIMITS = {"name": 30, "developer": 32, "short": 80, "full": 4000, "command": 128, "url": 2048}
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")


class ManifestError(ValueError):
    """The app package cannot be built from these settings."""


@dataclass(frozen=True, slots=True)
class BotCommand:
    title: str  # what the user types after mentioning the bot, e.g. `claim`
    description: str


@dataclass(frozen=True, slots=True)
class Listing:
    """What Teams shows about the app in one language."""

    language: str  # a language tag: "en-us", "ja"
    description_short: str
    description_full: str
    commands: Sequence[BotCommand]  # the titles are the same in every language


@dataclass(frozen=True, slots=True)
class Developer:
    name: str
    website_url: str
    privacy_url: str
    terms_url: str


@dataclass(frozen=True, slots=True)
class TeamsApp:
    bot_id: str  # the Azure bot's Microsoft App ID (MICROSOFT_APP_ID)
    name: str
    developer: Developer
    listing: Listing  # in DEFAULT_LANGUAGE
    translations: Sequence[Listing] = ()
    version: str = "1.0.0"
    app_id: str = ""  # the Teams app's own id; defaults to the bot id
    valid_domains: Sequence[str] = field(default_factory=tuple)
    rsc: bool = True  # ask for resource-specific consent (see the module doc)


def manifest(app: TeamsApp) -> dict[str, Any]:
    """The manifest (schema 1.17) naming the bot, its commands, permissions and languages."""
    check(app)
    commands = [
        {"title": c.title, "description": c.description}
        for c in app.listing.commands[:MAX_COMMANDS]
    ]
    document: dict[str, Any] = {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": app.version,
        "id": app.app_id or app.bot_id,
        "developer": {
            "name": app.developer.name,
            "websiteUrl": app.developer.website_url,
            "privacyUrl": app.developer.privacy_url,
            "termsOfUseUrl": app.developer.terms_url,
        },
        "localizationInfo": _localization_info(app),
        "name": {"short": app.name, "full": app.name},
        "description": _description(app.listing),
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
    if app.rsc:
        document["webApplicationInfo"] = {"id": app.bot_id, "resource": RSC_RESOURCE}
        permissions = [{"name": name, "type": "Application"} for name in RSC_PERMISSIONS]
        document["authorization"] = {"permissions": {"resourceSpecific": permissions}}
    return document


def translation(app: TeamsApp, listing: Listing) -> dict[str, Any]:
    """One language file in Teams' localization format (keys name the manifest's fields)."""
    strings: dict[str, Any] = {
        "$schema": LOCALIZATION_SCHEMA,
        "name.short": app.name,
        "name.full": app.name,
        "description.short": listing.description_short,
        "description.full": listing.description_full,
    }
    for index, command in enumerate(listing.commands[:MAX_COMMANDS]):
        strings[f"bots[0].commandLists[0].commands[{index}].description"] = command.description
    return strings


def translation_file(listing: Listing) -> str:
    return f"{listing.language}.json"


def app_package(app: TeamsApp) -> bytes:
    """The zip Teams accepts under Apps › Manage your apps › Upload an app."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("manifest.json", _json(manifest(app)))
        for listing in app.translations:
            package.writestr(translation_file(listing), _json(translation(app, listing)))
        package.writestr(COLOR_ICON, color_icon())
        package.writestr(OUTLINE_ICON, outline_icon())
    return buffer.getvalue()


def domain_of(url: str) -> str:
    """The host of the bot's public URL, for `validDomains`."""
    return urlsplit(url).hostname or ""


def https_problem(url: str) -> str | None:
    """Why `url` is not a page Teams can link to, or None."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return f"must be an https:// address, not {url!r}"
    if len(url) > LIMITS["url"]:
        return f"is longer than {LIMITS['url']} characters"
    return None


def check(app: TeamsApp) -> None:
    """Raise ManifestError naming the first setting Teams would refuse."""
    for label, value in (("bot id", app.bot_id), ("app id", app.app_id or app.bot_id)):
        if not _GUID.match(value):
            raise ManifestError(
                f"the {label} must be a GUID like 00000000-0000-0000-0000-000000000000,"
                f" not {value!r} (use the Microsoft App ID of the Azure bot)"
            )
    if not _SEMVER.match(app.version):
        raise ManifestError(f"the app version must look like 1.0.0, not {app.version!r}")
    lengths = [("app name", app.name, "name"), ("developer name", app.developer.name, "developer")]
    for listing in (app.listing, *app.translations):
        lengths += [
            (f"short description ({listing.language})", listing.description_short, "short"),
            (f"full description ({listing.language})", listing.description_full, "full"),
            *((f"description of {c.title}", c.description, "command") for c in listing.commands),
        ]
    for label, value, limit in lengths:
        if not value.strip() or len(value) > LIMITS[limit]:
            raise ManifestError(f"the {label} must have 1 to {LIMITS[limit]} characters: {value!r}")
    developer = app.developer
    for label, url in (("website", developer.website_url), ("privacy", developer.privacy_url),
                       ("terms of use", developer.terms_url)):  # fmt: skip
        if problem := https_problem(url):
            raise ManifestError(f"the {label} URL {problem}")


def _localization_info(app: TeamsApp) -> dict[str, Any]:
    info: dict[str, Any] = {"defaultLanguageTag": DEFAULT_LANGUAGE}
    if app.translations:
        info["additionalLanguages"] = [
            {"languageTag": listing.language, "file": translation_file(listing)}
            for listing in app.translations
        ]
    return info


def _description(listing: Listing) -> dict[str, str]:
    return {"short": listing.description_short, "full": listing.description_full}


def _json(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)
