"""Where the tracker is and how to sign in: from the environment the desk was given, never YAML.

    SUPPORTBOT_TRACKER_URL      the REST API's base URL (https://api.github.com, or
                                https://github.example.com/api/v3 for GitHub Enterprise)
    SUPPORTBOT_TRACKER_TOKEN    a token allowed to create issues (sent as a Bearer token)
    SUPPORTBOT_TRACKER_TIMEOUT  seconds to wait for an answer (default 10)

Workflow files are in git and readable by every admin; a token there would leak. The settings
are read when the feature attaches to a desk (`desk.env`), never at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from yarl import URL

URL_VARIABLE = "SUPPORTBOT_TRACKER_URL"
TOKEN_VARIABLE = "SUPPORTBOT_TRACKER_TOKEN"
TIMEOUT_VARIABLE = "SUPPORTBOT_TRACKER_TIMEOUT"
DEFAULT_TIMEOUT = 10.0


class SettingsError(ValueError):
    """A tracker setting in the environment is missing or malformed."""


@dataclass(frozen=True, slots=True)
class TrackerSettings:
    url: URL
    token: str
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TrackerSettings:
        """The settings, or `SettingsError` saying which variable to fix and how."""
        return cls(_url(env.get(URL_VARIABLE, "")), _token(env), _timeout(env))


def _url(raw: str) -> URL:
    if not raw:
        raise SettingsError(f"{URL_VARIABLE} is not set: give the tracker API's base URL")
    url = URL(raw.rstrip("/"))
    if url.scheme not in ("http", "https") or not url.host:
        raise SettingsError(f"{URL_VARIABLE}={raw!r} is not an http(s) URL")
    return url


def _token(env: Mapping[str, str]) -> str:
    token = env.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise SettingsError(f"{TOKEN_VARIABLE} is not set: give a token that may create issues")
    return token


def _timeout(env: Mapping[str, str]) -> float:
    raw = env.get(TIMEOUT_VARIABLE, "")
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 300:
        raise SettingsError(f"{TIMEOUT_VARIABLE}={raw!r} must be a number of seconds (0-300]")
    return seconds
