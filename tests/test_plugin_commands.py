"""A feature's `/support` command in `help` and in usage errors, in the user's language.

The feature registers `lookup` (takes a ticket) with a catalog of its own: `usage.lookup` and
`help.command.lookup`, in English and Japanese. Aiko reads Japanese, Ben English.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from supportbot.commands import Command
from supportbot.config import Config
from supportbot.context import TurnContext
from supportbot.plugins import Hooks, discover_features
from supportbot.testing import DeskHarness

from .collab.conftest import chat_config


class Lookup:
    name = "lookup"

    def __init__(self, catalog: Path | None) -> None:
        self.catalog = catalog

    def setup(self, hooks: Hooks) -> None:
        hooks.command("lookup", _lookup, usage="lookup #number", takes_ticket=True)
        if self.catalog is not None:
            hooks.templates(self.catalog)


async def _lookup(ctx: TurnContext, cmd: Command) -> None:
    raise AssertionError("not reached in these tests")


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    folder = tmp_path / "lookup-templates"
    folder.mkdir()
    (folder / "lookup.en.yaml").write_text(
        'usage.lookup: "`lookup #number`"\n'
        "help.command.lookup: finds the customer's order in the shop\n",
        encoding="utf-8",
    )
    (folder / "lookup.ja.yaml").write_text(
        'usage.lookup: "`lookup #番号`"\nhelp.command.lookup: ショップで注文を探します\n',
        encoding="utf-8",
    )
    return folder


async def _desk(tmp_path: Path, catalog: Path | None) -> AsyncIterator[DeskHarness]:
    config: Config = chat_config()
    features = [*discover_features(), Lookup(catalog)]
    async with DeskHarness.start(config, tmp_path, features=features) as h:
        yield h


@pytest.fixture
async def desk(tmp_path: Path, catalog: Path) -> AsyncIterator[DeskHarness]:
    async for h in _desk(tmp_path, catalog):
        yield h


def answer(h: DeskHarness, user: str) -> str:
    return h.chat.ephemerals(user)[-1].message.text


async def test_help_lists_a_features_command_in_each_language(desk: DeskHarness) -> None:
    await desk.command("ben", "help")
    english = answer(desk, "ben")
    assert "**More commands on this desk**" in english
    assert "`lookup #number` finds the customer's order in the shop" in english
    await desk.command("aiko", "help")
    japanese = answer(desk, "aiko")
    assert "**このデスクのその他のコマンド**" in japanese
    assert "`lookup #番号` ショップで注文を探します" in japanese
    assert "/support コマンド" in japanese  # the core's own, in Japanese too


async def test_a_features_usage_error_comes_from_its_template(desk: DeskHarness) -> None:
    await desk.command("aiko", "lookup")  # no number, not in a ticket's thread
    assert answer(desk, "aiko") == "どのチケットですか？ 使い方: `lookup #番号`"
    await desk.command("ben", "lookup")
    assert answer(desk, "ben") == "Which ticket? Usage: `lookup #number`"


async def test_without_a_template_the_registered_usage_is_shown(tmp_path: Path) -> None:
    async for h in _desk(tmp_path, None):
        await h.command("aiko", "lookup")
        assert answer(h, "aiko") == "どのチケットですか？ 使い方: `lookup #number`"
        await h.command("ben", "help")
        assert "`lookup #number`" in answer(h, "ben")


async def test_an_unknown_command_suggests_a_features_one(desk: DeskHarness) -> None:
    await desk.command("aiko", "lookpu 3")
    assert answer(desk, "aiko") == (
        "`lookpu` というコマンドはありません。`lookup` のことですか？"
        "`help` でコマンドの一覧を表示できます。"
    )
