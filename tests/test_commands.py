"""The /support grammar: one parser for every platform."""

from __future__ import annotations

import pytest

from supportbot.commands import Command, CommandError, parse

DEPTS = ("engineering", "sales", "marketing")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Command("help")),
        ("claim 42", Command("claim", 42)),
        ("claim #42", Command("claim", 42)),
        ("assign 7 <@U0BEN|ben>", Command("assign", 7, person="U0BEN")),
        ("assign 7 @ben", Command("assign", 7, person="ben")),
        ("priority 3 p1", Command("priority", 3, option="P1")),
        (
            "escalate 5 engineering DB is down",
            Command("escalate", 5, text="DB is down", option="engineering"),
        ),
        ("escalate 5 customer is angry", Command("escalate", 5, text="customer is angry")),
        (
            "handoff 9 sales wants a quote",
            Command("handoff", 9, option="sales", text="wants a quote"),
        ),
        ("deny 4 not needed", Command("deny", 4, text="not needed")),
        ("kudos @aiko saved the day", Command("kudos", person="aiko", text="saved the day")),
        ("leaderboard month", Command("leaderboard", option="month")),
        ("queue tier2", Command("queue", option="tier2")),
        ("admin reload", Command("admin", option="reload")),
        ("resolve 12", Command("resolve", 12)),
        ("resolve #12 anyway", Command("resolve", 12, option="anyway")),
        ("resolve 12 FORCE", Command("resolve", 12, option="anyway")),
        ("handoff 12 done", Command("handoff", 12, option="done")),
        ("handoff 12 done Sales", Command("handoff", 12, option="done", text="sales")),
    ],
)
def test_commands_parse_into_typed_commands(text: str, expected: Command) -> None:
    assert parse(text, departments=DEPTS) == expected


def test_in_a_thread_the_number_may_be_left_out() -> None:
    assert parse("resolve", thread_ticket=12) == Command("resolve", 12)
    assert parse("resolve anyway", thread_ticket=12) == Command("resolve", 12, option="anyway")
    assert parse("handoff done", thread_ticket=12) == Command("handoff", 12, option="done")


def test_a_department_called_done_is_still_a_department() -> None:
    assert parse("handoff 3 done the quote", departments=("done",)) == (
        Command("handoff", 3, option="done", text="the quote")
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("calim 4", "did you mean 'claim'"),
        ("claim", "which ticket?"),
        ("priority 4 urgent", "priority #number P1|P2|P3|P4"),
        ("handoff 4 enginering", "did you mean 'engineering'"),
        ("deny 4", "deny #number reason"),
        ("leaderboard year", "`week` or `month`"),
    ],
)
def test_mistakes_get_a_helpful_message(text: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        parse(text, departments=DEPTS)


@pytest.mark.parametrize(
    ("text", "template", "values"),
    [
        ("calim 4", "error.command.unknown", {"command": "calim", "suggestion": "claim"}),
        ("zzz", "error.command.unknown", {"command": "zzz", "suggestion": ""}),
        ("claim", "error.command.which_ticket", {"command": "claim"}),
        ("priority 4 urgent", "error.command.usage", {"command": "priority"}),
        ("kudos", "error.command.usage", {"command": "kudos"}),
        ("leaderboard year", "error.command.period", {"command": "leaderboard", "period": "year"}),
        ("admin", "error.command.admin_usage", {}),
        (
            "handoff 4 enginering",
            "error.unknown_department",
            {
                "department": "enginering",
                "suggestion": "engineering",
                "known": "engineering, sales, marketing",
            },
        ),
    ],
)
def test_mistakes_name_the_template_the_user_reads(
    text: str, template: str, values: dict[str, str]
) -> None:
    """The user reads the template in their language; the English text is for logs."""
    with pytest.raises(CommandError) as caught:
        parse(text, departments=DEPTS)
    assert (caught.value.template, caught.value.values) == (template, values)
