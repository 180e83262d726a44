"""The Slack app manifest: paste it at api.slack.com/apps → Create New App → From a manifest.

Scopes are the least the adapter needs; each one is explained in the adapter's README. What
Slack would reject is refused here, with a sentence (`ManifestError`): an empty name, a public
URL that is not http(s). A name longer than Slack allows is cut at a word boundary.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import yaml

from supportbot_slack.settings import EVENTS_PATH, SLASH_COMMAND

BOT_SCOPES = (
    "app_mentions:read",  # `@supportbot …` in channels → internal requests and commands
    "channels:history",  # messages in public intake channels (and Slack Connect ones); :ticket:
    "groups:history",  # the same for private channels the bot was invited to
    "im:history",  # DMs to the bot become tickets
    "mpim:history",  # group DMs the bot is in: messages, and the text of a :ticket: message
    "reactions:read",  # the :ticket: reaction turns any message into a ticket
    "chat:write",  # ticket cards, thread replies, ephemeral answers, CSAT polls
    "im:write",  # conversations.open to DM requesters and agents
    "commands",  # the /support slash command
    "users:read",  # requester names and languages (users.info)
)
BOT_EVENTS = (
    "app_mention",
    "message.channels",
    "message.groups",
    "message.im",
    "message.mpim",
    "reaction_added",
)
NAME_LIMIT = 35  # Slack's limit for the app's name and its bot's display name
_WORD_BREAK = re.compile(r"[ ・]")  # Japanese names separate their words with a middle dot


class ManifestError(ValueError):
    """A manifest Slack would reject; the message says what to change."""


def app_name(name: str) -> str:
    """The name, whitespace tidied and cut at a word boundary to `NAME_LIMIT` characters."""
    name = " ".join(name.split())
    if not name:
        raise ManifestError("the app name is empty: pass --name, or set desk_name in the config")
    if len(name) <= NAME_LIMIT:
        return name
    head = name[: NAME_LIMIT + 1]
    breaks = [found.start() for found in _WORD_BREAK.finditer(head)]
    cut = head[: breaks[-1]] if breaks and breaks[-1] > 0 else head[:NAME_LIMIT]
    return cut.rstrip(" -,.;:・")


def check_public_url(public_url: str) -> list[str]:
    """Warnings about `public_url` (http: Slack sends requests only to https); raises
    `ManifestError` when it cannot be a request URL at all."""
    parts = urlsplit(public_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ManifestError(
            f"the public URL {public_url!r} is not a web address: pass --public-url "
            "https://desk.example.com (or set public_url in the config)"
        )
    if parts.query or parts.fragment:
        raise ManifestError(
            f"the public URL {public_url!r} has a query or fragment: give only the "
            "address the desk is served at, like https://desk.example.com"
        )
    if parts.scheme != "https":
        return [
            f"the public URL {public_url} is not https: Slack sends events, commands and "
            "clicks only to https URLs (use a tunnel or a TLS proxy, or --socket-mode)"
        ]
    return []


def manifest(public_url: str, name: str, *, socket_mode: bool = False) -> str:
    """The app manifest as YAML; request URLs point at `{public_url}/slack/events`."""
    return yaml.safe_dump(manifest_data(public_url, name, socket_mode=socket_mode), sort_keys=False)


def manifest_data(public_url: str, name: str, *, socket_mode: bool = False) -> dict[str, Any]:
    name = app_name(name)
    if not socket_mode:
        check_public_url(public_url)
    url = public_url.strip().rstrip("/") + EVENTS_PATH
    command: dict[str, Any] = {
        "command": SLASH_COMMAND,
        "description": "Work the support desk: claim, queue, mine, reply, resolve, escalate",
        "usage_hint": "claim 42 | queue | mine | resolve 42 | help",
        "should_escape": True,  # mentions arrive as <@U123>: unambiguous ids
    }
    events: dict[str, Any] = {"bot_events": list(BOT_EVENTS)}
    interactivity: dict[str, Any] = {"is_enabled": True}
    if not socket_mode:  # Socket Mode apps have no request URLs
        command["url"] = url
        events["request_url"] = url
        interactivity["request_url"] = url
    return {
        "display_information": {"name": name, "description": f"{name} desk in Slack"},
        "features": {
            "app_home": {"messages_tab_enabled": True, "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }
