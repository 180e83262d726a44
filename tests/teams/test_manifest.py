"""The Teams app package and `supportbot teams manifest`: valid against Microsoft's own
manifest schema (vendored in `schemas/`, see its SOURCE.md), asking for resource-specific
consent, with real URLs, real command descriptions and a Japanese translation."""

from __future__ import annotations

import argparse
import io
import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from supportbot_teams.cli import add_commands
from supportbot_teams.icons import color_icon, outline_icon
from supportbot_teams.manifest import (
    BotCommand,
    Developer,
    Listing,
    ManifestError,
    TeamsApp,
    app_package,
)

BOT_ID = "00000000-1111-2222-3333-444444444444"
SCHEMAS = Path(__file__).parent / "schemas"
URLS = [
    "--public-url", "https://desk.example/",
    "--privacy-url", "https://acme.example/privacy",
    "--terms-url", "https://acme.example/terms",
]  # fmt: skip


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    return loaded


def assert_valid(document: dict[str, Any], schema_file: str) -> None:
    validator = jsonschema.Draft4Validator(schema(schema_file))
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(document)
    ]
    assert errors == []


def read_package(package: bytes) -> tuple[dict[str, Any], zipfile.ZipFile]:
    archive = zipfile.ZipFile(io.BytesIO(package))
    return json.loads(archive.read("manifest.json")), archive


def build(tmp_path: Path, *flags: str) -> tuple[int, Path]:
    from supportbot.cli import main  # the core CLI finds us through the supportbot.cli group

    out = tmp_path / "app.zip"
    return main(["teams", "manifest", "--bot-id", BOT_ID, "-o", str(out), *flags]), out


def app(**changes: Any) -> TeamsApp:
    listing = Listing("en-us", "A desk.", "A desk in Teams.", [BotCommand("claim", "Take it")])
    developer = Developer("Acme", "https://a.example", "https://a.example/p", "https://a.example/t")
    return TeamsApp(**{"bot_id": BOT_ID, "name": "Desk", "developer": developer,
                       "listing": listing, **changes})  # fmt: skip


def test_the_package_passes_the_official_schemas(tmp_path: Path) -> None:
    code, out = build(tmp_path, "--name", "Acme Support", *URLS)
    assert code == 0
    manifest, archive = read_package(out.read_bytes())
    assert sorted(archive.namelist()) == ["color.png", "ja.json", "manifest.json", "outline.png"]
    assert_valid(manifest, "MicrosoftTeams.schema.json")
    assert_valid(json.loads(archive.read("ja.json")), "MicrosoftTeams.Localization.schema.json")


def test_the_package_asks_for_resource_specific_consent(tmp_path: Path) -> None:
    _code, out = build(tmp_path, "--name", "Acme Support", *URLS)
    manifest, _ = read_package(out.read_bytes())
    assert manifest["manifestVersion"] == "1.17"
    assert manifest["authorization"]["permissions"]["resourceSpecific"] == [
        {"name": "ChannelMessage.Read.Group", "type": "Application"},
        {"name": "ChatMessage.Read.Chat", "type": "Application"},
    ]
    assert manifest["webApplicationInfo"]["id"] == BOT_ID


def test_without_rsc_the_package_asks_for_no_consent(tmp_path: Path) -> None:
    _code, out = build(tmp_path, "--name", "Acme Support", "--no-rsc", *URLS)
    manifest, _ = read_package(out.read_bytes())
    assert "authorization" not in manifest and "webApplicationInfo" not in manifest
    assert_valid(manifest, "MicrosoftTeams.schema.json")


def test_the_schema_check_is_a_real_one() -> None:
    """What the official schema rejects, our assertion rejects too (so passing means much)."""
    broken = json.loads(app_package_json(app()))
    broken["authorization"] = {"permissions": {"resourceSpecific": [{"name": "x"}]}}
    with pytest.raises(AssertionError, match="type"):
        assert_valid(broken, "MicrosoftTeams.schema.json")


def app_package_json(teams_app: TeamsApp) -> bytes:
    return zipfile.ZipFile(io.BytesIO(app_package(teams_app))).read("manifest.json")


def test_developer_and_urls_come_from_the_flags(tmp_path: Path) -> None:
    flags = ["--name", "Acme Support", "--developer", "Acme Inc.",
             "--website-url", "https://acme.example/help", *URLS]  # fmt: skip
    _code, out = build(tmp_path, *flags)
    manifest, _ = read_package(out.read_bytes())
    assert manifest["developer"] == {
        "name": "Acme Inc.",
        "websiteUrl": "https://acme.example/help",
        "privacyUrl": "https://acme.example/privacy",
        "termsOfUseUrl": "https://acme.example/terms",
    }
    assert manifest["validDomains"] == ["desk.example"]


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--public-url", "https://desk.example/"],
         "--privacy-url is required: Teams shows it to everyone who installs the app"),
        ([*URLS, "--privacy-url", "http://acme.example/privacy"],
         "--privacy-url must be an https:// address, not 'http://acme.example/privacy'"),
        ([*URLS, "--website-url", "acme.example"],
         "--website-url must be an https:// address, not 'acme.example'"),
        ([*URLS, "--developer", "A" * 40], "the developer name must have 1 to 32 characters"),
        ([*URLS, "--app-version", "2"], "the app version must look like 1.0.0, not '2'"),
        ([*URLS, "--name", "A name far too long for Teams to show"],
         "the app name must have 1 to 30 characters"),
    ],
)  # fmt: skip
def test_bad_flags_are_a_sentence_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], said: str
) -> None:
    code, out = build(tmp_path, "--name", "Acme", *flags)
    assert code == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err
    assert not out.exists()


def test_commands_have_real_descriptions_in_english_and_japanese(tmp_path: Path) -> None:
    _code, out = build(tmp_path, "--name", "Acme Support", *URLS)
    manifest, archive = read_package(out.read_bytes())
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    assert [c["title"] for c in commands][:3] == ["help", "new", "claim"]
    assert len(commands) == 10
    claim = commands[2]["description"]
    assert claim.startswith("Take a ticket") and "[#number]" not in claim  # not the syntax again
    assert all(c["description"] != c["title"] for c in commands)
    japanese = json.loads(archive.read("ja.json"))
    assert japanese["bots[0].commandLists[0].commands[2].description"].startswith("チケットを担当")
    assert japanese["description.short"].startswith("Teams の中のサポートデスク")
    assert manifest["localizationInfo"] == {
        "defaultLanguageTag": "en-us",
        "additionalLanguages": [{"languageTag": "ja", "file": "ja.json"}],
    }


def test_admins_override_the_descriptions_from_their_templates(tmp_path: Path) -> None:
    templates = tmp_path / "workflows" / "templates"
    templates.mkdir(parents=True)
    (templates / "desk.ja.yaml").write_text(
        'teams.command.claim: "担当する（社内版）"\n', encoding="utf-8"
    )
    config = tmp_path / "supportbot.yaml"
    config.write_text(
        f"desk_name: Desk From Config\npublic_url: https://desk.example/\n"
        f"workflows_dir: {tmp_path / 'workflows'}\n",
        encoding="utf-8",
    )
    from supportbot.cli import main

    out = tmp_path / "app.zip"
    argv = ["--config", str(config), "teams", "manifest", "--bot-id", BOT_ID, "-o", str(out),
            "--privacy-url", "https://a.example/p",
            "--terms-url", "https://a.example/t"]  # fmt: skip
    assert main(argv) == 0
    manifest, archive = read_package(out.read_bytes())
    assert (manifest["name"]["short"], manifest["validDomains"]) == (
        "Desk From Config",
        ["desk.example"],
    )
    japanese = json.loads(archive.read("ja.json"))
    assert japanese["bots[0].commandLists[0].commands[2].description"] == "担当する（社内版）"


def test_a_bot_id_that_is_not_a_guid_is_refused() -> None:
    with pytest.raises(ManifestError, match="GUID"):
        app_package(app(bot_id="my-bot"))


def test_cli_without_a_bot_id_explains_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)
    parser = argparse.ArgumentParser(prog="supportbot")
    add_commands(parser.add_subparsers())
    out = tmp_path / "app.zip"
    args = parser.parse_args(["teams", "manifest", "--name", "A", *URLS, "-o", str(out)])
    assert args.handler(args) == 2
    assert "Microsoft App ID" in capsys.readouterr().err
    assert not out.exists()


def test_the_bot_id_may_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supportbot.cli import main

    monkeypatch.setenv("MICROSOFT_APP_ID", BOT_ID)
    out = tmp_path / "app.zip"
    assert main(["teams", "manifest", "--name", "Acme", *URLS, "-o", str(out)]) == 0
    assert read_package(out.read_bytes())[0]["bots"][0]["botId"] == BOT_ID


@pytest.mark.parametrize(("png", "size"), [(color_icon(), 192), (outline_icon(), 32)])
def test_icons_are_valid_png_of_the_sizes_teams_wants(png: bytes, size: int) -> None:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", png[8:16])
    width, height, depth, colour = struct.unpack(">IIBB", png[16:26])
    assert (kind, width, height, depth, colour) == (b"IHDR", size, size, 8, 6)
    crc = struct.unpack(">I", png[16 + length : 20 + length])[0]
    assert crc == zlib.crc32(png[12 : 16 + length]) & 0xFFFFFFFF
    raw = zlib.decompress(png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8])
    assert len(raw) == size * (1 + 4 * size)


def test_outline_icon_is_white_on_transparent() -> None:
    png = outline_icon()
    raw = zlib.decompress(png[png.index(b"IDAT") + 4 : png.index(b"IEND") - 8])
    pixels = {raw[i : i + 4] for row in range(32) for i in range(row * 129 + 1, row * 129 + 129, 4)}
    assert pixels == {b"\xff\xff\xff\xff", b"\x00\x00\x00\x00"}
