"""`supportbot slack manifest`: valid YAML an admin pastes to create the Slack app."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import yaml
from supportbot_slack.cli import add_commands
from supportbot_slack.manifest import BOT_EVENTS, BOT_SCOPES, NAME_LIMIT, app_name, manifest

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
        "mpim:history",
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


def test_group_dms_are_read_so_a_ticket_reaction_there_works() -> None:
    # conversations.history on a group DM needs mpim:history (else missing_scope).
    assert "mpim:history" in BOT_SCOPES and "message.mpim" in BOT_EVENTS
    data = yaml.safe_load(manifest("https://desk.example.com", "Desk"))
    assert "message.mpim" in data["settings"]["event_subscriptions"]["bot_events"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Acme Corporation Customer Support Desk", "Acme Corporation Customer Support"),
        ("  Acme   Support  ", "Acme Support"),
        (
            "Supercalifragilisticexpialidocious-Support-Desk",
            "Supercalifragilisticexpialidocious",  # no space in reach: cut, "-" dropped
        ),
        (
            "株式会社アクメ・カスタマーサポート窓口・ヘルプデスク・お問い合わせ受付センター",
            "株式会社アクメ・カスタマーサポート窓口・ヘルプデスク",  # at the last ・
        ),
    ],
)
def test_a_long_name_is_cut_at_a_word_boundary(name: str, expected: str) -> None:
    assert app_name(name) == expected
    data = yaml.safe_load(manifest("https://desk.example.com", name))
    assert len(data["display_information"]["name"]) <= NAME_LIMIT
    assert data["features"]["bot_user"]["display_name"] == data["display_information"]["name"]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["slack", "manifest", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_a_sentence_and_exit_code_2(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, out, err = _run(capsys, "--public-url", "https://desk.example.com", "--name", name)
    assert (code, out) == (2, "")
    assert "app name is empty" in err and "Traceback" not in err


@pytest.mark.parametrize(
    "url", ["ftp://desk.example.com", "desk.example.com", "https://", "https://x.example/?a=1"]
)
def test_a_public_url_slack_cannot_call_is_refused(
    capsys: pytest.CaptureFixture[str], url: str
) -> None:
    code, out, err = _run(capsys, "--public-url", url, "--name", "Desk")
    assert (code, out) == (2, "")
    assert "public URL" in err and "Traceback" not in err


def test_an_http_public_url_gets_a_warning(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, "--public-url", "http://desk.example.com", "--name", "Desk")
    assert code == 0 and "not https" in err
    assert yaml.safe_load(out)["settings"]["event_subscriptions"]["request_url"].startswith(
        "http://desk.example.com/"
    )
    code, out, err = _run(capsys, "--public-url", "ftp://x", "--name", "Desk", "--socket-mode")
    assert (code, err) == (0, "")  # Socket Mode has no request URLs: nothing to check
