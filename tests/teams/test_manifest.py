"""The Teams app package and the `supportbot teams manifest` command."""

from __future__ import annotations

import argparse
import io
import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest
from supportbot_teams.cli import add_commands
from supportbot_teams.icons import color_icon, outline_icon
from supportbot_teams.manifest import BotCommand, ManifestError, TeamsApp, app_package

BOT_ID = "00000000-1111-2222-3333-444444444444"


def _read(package: bytes) -> tuple[dict[str, Any], zipfile.ZipFile]:
    archive = zipfile.ZipFile(io.BytesIO(package))
    return json.loads(archive.read("manifest.json")), archive


def test_package_names_the_bot_and_its_commands() -> None:
    app = TeamsApp(bot_id=BOT_ID, commands=[BotCommand("claim", "claim [#number]")], name="Desk")
    manifest, archive = _read(app_package(app))
    assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
    assert manifest["id"] == BOT_ID
    (bot,) = manifest["bots"]
    assert bot["botId"] == BOT_ID
    assert bot["commandLists"][0]["commands"] == [
        {"title": "claim", "description": "claim [#number]"}
    ]
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}


def test_a_bot_id_that_is_not_a_guid_is_refused() -> None:
    with pytest.raises(ManifestError, match="GUID"):
        app_package(TeamsApp(bot_id="my-bot", commands=[]))


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


def test_supportbot_teams_manifest_writes_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from supportbot.cli import main  # the core CLI finds us through the supportbot.cli group

    monkeypatch.setenv("MICROSOFT_APP_ID", BOT_ID)
    out = tmp_path / "app.zip"
    argv = [
        "teams",
        "manifest",
        "-o",
        str(out),
        "--name",
        "Acme",
        "--public-url",
        "https://bot.example/",
    ]
    assert main(argv) == 0
    manifest, _ = _read(out.read_bytes())
    assert manifest["bots"][0]["botId"] == BOT_ID
    assert manifest["name"]["short"] == "Acme"
    assert manifest["validDomains"] == ["bot.example"]
    commands = manifest["bots"][0]["commandLists"][0]["commands"]
    assert [c["title"] for c in commands][:3] == ["help", "new", "claim"]
    assert len(commands) == 10


def test_names_and_url_default_to_the_config(tmp_path: Path) -> None:
    config = tmp_path / "supportbot.yaml"
    config.write_text("desk_name: Desk From Config\npublic_url: https://desk.example/\n")
    out = tmp_path / "app.zip"
    argv = ["--config", str(config), "teams", "manifest", "--bot-id", BOT_ID, "-o", str(out)]
    from supportbot.cli import main

    assert main(argv) == 0
    manifest, _ = _read(out.read_bytes())
    assert (manifest["name"]["short"], manifest["validDomains"]) == (
        "Desk From Config",
        ["desk.example"],
    )


def test_cli_without_a_bot_id_explains_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("MICROSOFT_APP_ID", raising=False)
    parser = argparse.ArgumentParser(prog="supportbot")
    add_commands(parser.add_subparsers())
    out = tmp_path / "app.zip"
    args = parser.parse_args(
        ["teams", "manifest", "--name", "A", "--public-url", "https://x/", "-o", str(out)]
    )
    assert args.handler(args) == 2
    assert "Microsoft App ID" in capsys.readouterr().err
    assert not out.exists()
