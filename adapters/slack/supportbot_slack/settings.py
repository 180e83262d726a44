"""Slack settings, read from the environment the core hands the plug-in (never at import)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from supportbot.usage import SettingsError

DEFAULT_API_URL = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"  # Events API, slash commands and interactivity: one URL
SLASH_COMMAND = "/support"


class SlackSettingsError(SettingsError, ValueError):
    """The Slack environment variables are set but incomplete."""


@dataclass(frozen=True, slots=True)
class SlackSettings:
    bot_token: str
    signing_secret: str = ""
    app_token: str | None = None  # set: Socket Mode instead of the HTTP endpoint
    api_url: str = DEFAULT_API_URL

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SlackSettings | None:
        """None when `SLACK_BOT_TOKEN` is absent: the desk then runs without Slack."""
        token = env.get("SLACK_BOT_TOKEN", "").strip()
        if not token:
            return None
        secret = env.get("SLACK_SIGNING_SECRET", "").strip()
        app_token = env.get("SLACK_APP_TOKEN", "").strip() or None
        if not secret and app_token is None:
            raise SlackSettingsError(
                "SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET is not: set the signing secret "
                "(Slack app > Basic Information > App Credentials), or SLACK_APP_TOKEN for "
                "Socket Mode"
            )
        api_url = env.get("SLACK_API_URL", "").strip() or DEFAULT_API_URL
        return cls(token, secret, app_token, api_url if api_url.endswith("/") else api_url + "/")
