"""The `/support` grammar, shared by every platform: text in, a typed `Command` out.

    help | new | claim [#] | unclaim [#] | assign # @user | queue [team] | mine | show # | wait #
    priority # P1-P4 | note # text | reply # text | escalate # [department] reason
    approve # | deny # reason | handoff # department note | handoff # done [department]
    resolve # [anyway] | reopen # | kudos @user reason | leaderboard [week|month]
    stats [week|month] | admin reload

`#` is a ticket number (`42` or `#42`); inside a ticket's thread it may be left out. `@user` is
a platform mention (`<@U123>`), `@handle` or a plain handle.

A mistake raises `CommandError` with the English text for logs and a template the desk renders
in the user's language (`error.command.*` in errors.*.yaml; a usage error names the command, and
its syntax comes from the `usage.<command>` template, or the usage a feature registered).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from supportbot.yamldoc import did_you_mean

NAMES = (
    "help",
    "new",
    "claim",
    "unclaim",
    "assign",
    "queue",
    "mine",
    "show",
    "priority",
    "note",
    "reply",
    "escalate",
    "approve",
    "deny",
    "handoff",
    "resolve",
    "reopen",
    "wait",
    "kudos",
    "leaderboard",
    "stats",
    "admin",
)
ANYWAY = ("anyway", "force")  # `resolve #n anyway`
DONE = "done"  # `handoff #n done [department]`
_NUMBER = re.compile(r"^#?(\d+)$")
_MENTION = re.compile(r"^<@([A-Za-z0-9_.:-]+)(?:\|[^>]*)?>$|^@([\w.:-]+)$")


class CommandError(Exception):
    """The command text could not be understood; the message says how to write it.

    `str()` is English (logs, tests); `template` and `values` are what the user reads."""

    def __init__(self, english: str, template: str, /, **values: Any) -> None:
        super().__init__(english)
        self.template = template
        self.values = values


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    number: int | None = None  # the ticket
    person: str | None = None  # a mention token's id (`U123`, `aiko`)
    text: str = ""  # the free text: a reason, a note, a department
    option: str = ""  # a priority, a department, a period, a team, a sub-command


Usage = dict[str, str]
USAGE: Usage = {
    "claim": "claim [#number]",
    "unclaim": "unclaim [#number]",
    "assign": "assign #number @person",
    "show": "show #number",
    "priority": "priority #number P1|P2|P3|P4",
    "note": "note #number text",
    "reply": "reply #number text",
    "escalate": "escalate #number [department] reason",
    "approve": "approve #number",
    "deny": "deny #number reason",
    "handoff": "handoff #number department note | handoff #number done [department]",
    "resolve": "resolve #number [anyway]",
    "reopen": "reopen #number",
    "wait": "wait #number",
    "kudos": "kudos @person reason",
}


def parse(
    text: str,
    *,
    thread_ticket: int | None = None,
    departments: tuple[str, ...] = (),
    extra: Mapping[str, bool] | None = None,
) -> Command:
    """Parse command text (what follows `/support`); raise CommandError with help on mistakes.

    `extra`: commands features registered, by name: whether they take a ticket number. One the
    grammar does not know is read as `name #number text…` (or `name text…`)."""
    words = text.strip().split()
    if not words:
        return Command("help")
    name, rest = words[0].lower(), words[1:]
    extra = extra or {}
    if name not in NAMES and name in extra:
        if not extra[name]:
            return Command(name, text=" ".join(rest))
        number, rest = _number(name, rest, thread_ticket)
        return Command(name, number, text=" ".join(rest))
    if name not in NAMES:
        known = (*NAMES, *extra)
        raise CommandError(
            f"unknown command {name!r}{did_you_mean(name, known)}; try `help`",
            "error.command.unknown",
            command=name,
            suggestion=closest(name, known),
        )
    match name:
        case "help" | "new" | "mine":
            return Command(name)
        case "queue":
            return Command(name, option=rest[0] if rest else "")
        case "leaderboard" | "stats":
            period = rest[0].lower() if rest else "week"
            if period not in ("week", "month"):
                raise CommandError(
                    f"{name} takes `week` or `month`, not {period!r}",
                    "error.command.period",
                    command=name,
                    period=period,
                )
            return Command(name, option=period)
        case "admin":
            if not rest or rest[0] != "reload":
                raise CommandError("admin commands: `admin reload`", "error.command.admin_usage")
            return Command(name, option="reload")
        case "kudos":
            if not rest or (person := _person(rest[0])) is None:
                raise _usage("kudos")
            return Command(name, person=person, text=" ".join(rest[1:]))
    number, rest = _number(name, rest, thread_ticket)
    return _with_ticket(name, number, rest, departments)


def _with_ticket(name: str, number: int, rest: list[str], departments: tuple[str, ...]) -> Command:
    text = " ".join(rest)
    match name:
        case "assign":
            if not rest or (person := _person(rest[0])) is None:
                raise _usage("assign")
            return Command(name, number, person=person)
        case "priority":
            if not rest or rest[0].upper() not in ("P1", "P2", "P3", "P4"):
                raise _usage("priority")
            return Command(name, number, option=rest[0].upper())
        case "note" | "reply" | "deny":
            if not text:
                raise _usage(name)
            return Command(name, number, text=text)
        case "escalate":
            dept = rest[0].lower() if rest and rest[0].lower() in departments else ""
            reason = " ".join(rest[1:] if dept else rest)
            if not reason:
                raise _usage("escalate")
            return Command(name, number, text=reason, option=dept)
        case "handoff":
            if not rest:
                raise _usage("handoff")
            dept = rest[0].lower()
            if dept == DONE and dept not in departments:  # `handoff 12 done [department]`
                return Command(name, number, option=DONE, text=" ".join(rest[1:]).lower())
            if departments and dept not in departments:
                known = ", ".join(departments)
                raise CommandError(
                    f"unknown department {dept!r}{did_you_mean(dept, departments)}; "
                    f"departments: {known}",
                    "error.unknown_department",
                    department=dept,
                    suggestion=closest(dept, departments),
                    known=known,
                )
            return Command(name, number, option=dept, text=" ".join(rest[1:]))
        case "resolve":  # `resolve 12 anyway`: resolve although a hand-off is still open
            anyway = bool(rest) and rest[0].lower() in ANYWAY
            return Command(name, number, option=ANYWAY[0] if anyway else "")
    return Command(name, number)


def _number(name: str, rest: list[str], thread_ticket: int | None) -> tuple[int, list[str]]:
    if rest and (m := _NUMBER.match(rest[0])):
        return int(m.group(1)), rest[1:]
    if thread_ticket is not None:
        return thread_ticket, rest
    raise CommandError(
        f"which ticket? usage: {USAGE.get(name, name + ' #number')}",
        "error.command.which_ticket",
        command=name,
    )


def _usage(name: str) -> CommandError:
    return CommandError(f"usage: {USAGE[name]}", "error.command.usage", command=name)


def closest(word: str, choices: Iterable[str]) -> str:
    """The choice `word` was probably meant to be, or "" (for "did you mean …?")."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else ""


def _person(token: str) -> str | None:
    m = _MENTION.match(token)
    if m:
        return m.group(1) or m.group(2)
    return token if re.fullmatch(r"[\w.:-]+", token) else None
