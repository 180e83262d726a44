"""`supportbot slack manifest`: valid YAML an admin pastes to create the Slack app."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import yaml
from supportbot_slack.cli import add_commands
from supportbot_slack.manifest import BOT_SCOPES, manifest

from supportbot.cli import main


def test_manifest_is_yaml_with_the_command_and_urls() -> None:
    data = yaml.safe_load(manifest("https://desk.example.com/", "Acme Support"))
    url = "https://desk.example.com/slack/events"
    (command,) = data["features"]["slash_commands"]
    assert command["command"] == "/support" and command["url"] == url
    settings = data["settings"]
    assert settings["event_subscriptions"]["request_url"] == url
    assert settings["interactivity"] == {"is_enabled": True, "request_url": url}
    assert set(settings["event_subscriptions"]["bot_events"]) >= {
        "message.channels",
        "message.im",
        "app_mention",
        "reaction_added",
    }
    assert data["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)
    assert data["display_information"]["name"] == "Acme Support"


def test_least_scopes() -> None:
    # Nothing that reads or writes beyond what the adapter uses (no admin, files, channels:manage).
    assert set(BOT_SCOPES) == {
        "app_mentions:read",
        "channels:history",
        "groups:history",
        "im:history",
        "reactions:read",
        "chat:write",
        "im:write",
        "commands",
        "users:read",
    }


def test_socket_mode_manifest_has_no_request_urls() -> None:
    data = yaml.safe_load(manifest("https://desk.example.com", "Support", socket_mode=True))
    assert data["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in data["settings"]["event_subscriptions"]
    assert "url" not in data["features"]["slash_commands"][0]


def test_cli_prints_the_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="supportbot")
    add_commands(parser.add_subparsers(dest="command"))
    args = parser.parse_args(
        ["slack", "manifest", "--public-url", "https://desk.example.com", "--name", "Desk"]
    )
    assert args.handler(args) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert (
        data["settings"]["interactivity"]["request_url"] == "https://desk.example.com/slack/events"
    )


def test_supportbot_slack_manifest_defaults_to_the_config(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("SUPPORTBOT_PUBLIC_URL", raising=False)
    monkeypatch.delenv("SUPPORTBOT_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)  # no config/supportbot.yaml here: the defaults
    assert main(["slack", "manifest"]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data["display_information"]["name"] == "Support"
    assert data["features"]["slash_commands"][0]["url"] == "http://127.0.0.1:8080/slack/events"
