"""The Slack app manifest: paste it at api.slack.com/apps → Create New App → From a manifest.

Scopes are the least the adapter needs; each one is explained in the adapter's README.
"""

from __future__ import annotations

from typing import Any

import yaml

from supportbot_slack.settings import EVENTS_PATH, SLASH_COMMAND

BOT_SCOPES = (
    "app_mentions:read",  # `@supportbot …` in channels → internal requests and commands
    "channels:history",  # messages in public intake channels (and Slack Connect ones); :ticket:
    "groups:history",  # the same for private channels the bot was invited to
    "im:history",  # DMs to the bot become tickets
    "reactions:read",  # the :ticket: reaction turns any message into a ticket
    "chat:write",  # ticket cards, thread replies, ephemeral answers, CSAT polls
    "im:write",  # conversations.open to DM requesters and agents
    "commands",  # the /support slash command
    "users:read",  # requester names and languages (users.info)
)
BOT_EVENTS = ("app_mention", "message.channels", "message.groups", "message.im", "reaction_added")


def manifest(public_url: str, name: str, *, socket_mode: bool = False) -> str:
    """The app manifest as YAML; request URLs point at `{public_url}/slack/events`."""
    return yaml.safe_dump(manifest_data(public_url, name, socket_mode=socket_mode), sort_keys=False)


def manifest_data(public_url: str, name: str, *, socket_mode: bool = False) -> dict[str, Any]:
    url = public_url.rstrip("/") + EVENTS_PATH
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
        "display_information": {"name": name[:35], "description": f"{name} desk in Slack"[:140]},
        "features": {
            "app_home": {"messages_tab_enabled": True, "messages_tab_read_only_enabled": False},
            "bot_user": {"display_name": name[:80], "always_online": True},
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
