"""The plug-in: found by entry point, off without a token, clear about missing settings."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest
from aiohttp import web
from supportbot_slack import SlackPlugin, SlackSettings, SlackSettingsError

from supportbot.adapter import ENTRY_POINT_GROUP, AdapterContext
from supportbot.config import Config

from .kit import Recorder, StubDirectory


def context(env: dict[str, str]) -> AdapterContext:
    return AdapterContext(Config(), env, web.Application(), Recorder(), StubDirectory(), None)  # type: ignore[arg-type]


def test_registered_under_the_adapter_entry_point() -> None:
    (ep,) = [e for e in entry_points(group=ENTRY_POINT_GROUP) if e.name == "slack"]
    assert ep.load() is SlackPlugin


def test_no_token_no_slack() -> None:
    assert SlackPlugin().create(context({})) is None


def test_token_without_signing_secret_says_what_to_set() -> None:
    with pytest.raises(SlackSettingsError, match="SLACK_SIGNING_SECRET"):
        SlackPlugin().create(context({"SLACK_BOT_TOKEN": "xoxb-1"}))


def test_settings_from_env() -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert SlackSettings.from_env(env) == SlackSettings(
        "xoxb-1", "s", None, "https://slack.com/api/"
    )
    env["SLACK_API_URL"] = "http://127.0.0.1:9999/api"
    settings = SlackSettings.from_env(env)
    assert settings is not None and settings.api_url == "http://127.0.0.1:9999/api/"


def test_route_is_mounted_for_http_mode() -> None:
    ctx = context({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert SlackPlugin().create(ctx) is not None
    routes = [(r.method, r.resource.canonical) for r in ctx.app.router.routes() if r.resource]
    assert routes == [("POST", "/slack/events")]
