"""Message templates: both languages, escaped values, admin overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportbot import markup
from supportbot.errors import IllegalTransitionError
from supportbot.templates import TemplateError, Templates


def test_a_refusal_reads_naturally_in_japanese_and_english() -> None:
    templates = Templates.from_folders()
    error = IllegalTransitionError("cannot claim #3: it is resolved", number=3, step="claim",
                                   status="resolved")  # fmt: skip
    values = {"message": str(error), "values": error.values}
    assert templates.render(error.template, "ja", **values) == (
        "#3 は現在「解決済み」のため、担当できません。"
    )
    assert templates.render(error.template, "en", **values).endswith(
        "cannot claim #3: it is resolved"
    )


def test_values_are_escaped_unless_the_desk_marked_them_as_markup() -> None:
    templates = Templates.from_folders()
    text = templates.render("relay.customer", "en", name="**Eve** <!here>", text="[x](https://a.b)")
    assert markup.parse(text)[0] == markup.Plain("💬 **Eve** <!here> (requester): [x](https://a.b)")


def test_admins_override_a_template_and_unknown_ones_are_errors(tmp_path: Path) -> None:
    (tmp_path / "desk.en.yaml").write_text('ack.created: "Hi {{ name }}, #{{ number }} is ours."\n',
                                           encoding="utf-8")  # fmt: skip
    templates = Templates.from_folders(tmp_path)
    assert templates.render("ack.created", "en", name="Kim", number=4) == "Hi Kim, #4 is ours."
    assert "チケット #4" in templates.render("ack.created", "ja", name="Kim", number=4)
    with pytest.raises(TemplateError, match="unknown template 'nope'"):
        templates.render("nope", "en")
