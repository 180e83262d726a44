"""Message templates: both languages, escaped values, admin overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportbot import markup
from supportbot.errors import (
    IllegalTransitionError,
    InvalidValueError,
    NotAllowedError,
    TicketError,
    TicketNotFoundError,
)
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


@pytest.mark.parametrize(
    ("error", "en", "ja"),
    [
        (
            TicketNotFoundError("there is no ticket #999", "error.not_found.ticket", number=999),
            "There is no ticket #999.",
            "チケット #999 はありません。",
        ),
        (
            InvalidValueError(
                "unknown department 'legal'",
                "error.unknown_department",
                department="legal",
                suggestion="",
                known="",
            ),
            "There is no department “legal”; departments: none configured yet.",
            "部署「legal」はありません。部署はまだ設定されていません。",
        ),
        (
            NotAllowedError(
                "only admins can approve or deny this escalation",
                "error.escalation.not_approver",
                team="tier1",
                level=2,
            ),
            "Only admins can approve or deny this escalation.",
            "このエスカレーションを承認・却下できるのは管理者だけです。",
        ),
    ],
)
def test_each_refusal_renders_its_own_template_from_its_values(
    error: TicketError, en: str, ja: str
) -> None:
    templates = Templates.from_folders()
    values = {"message": str(error), "values": error.values}
    assert templates.render(error.template, "en", **values) == en
    assert templates.render(error.template, "ja", **values) == ja


def test_a_refusal_that_names_no_template_never_shows_english_to_a_japanese_reader() -> None:
    """A feature's own error without a template: the kind's fallback, with no English in ja."""
    templates = Templates.from_folders()
    for error in (InvalidValueError("bad tracker id"), TicketNotFoundError("no issue 4")):
        values = {"message": str(error), "values": error.values}
        assert str(error) in templates.render(error.template, "en", **values)
        assert str(error) not in templates.render(error.template, "ja", **values)
