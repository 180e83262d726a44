"""`tracker.linked`: does the ticket have an issue in the tracker (in one project)?

    if: {tracker.linked: false}          # no issue yet: open one
    if: {tracker.linked: acme/app}       # it has one in acme/app

Conditions are pure predicates over the turn's snapshot of the ticket (no database, no network),
so the link is kept where the snapshot shows it: the `tracker:<project>#<number>` tag the
follow-up turn adds. An issue still on its way (in the outbox) does not count yet.
"""

from __future__ import annotations

from pydantic import StrictBool
from supportbot.plugins import Hooks
from supportbot.workflows.facts import Facts
from supportbot.workflows.registry import Predicate

from supportbot_tracker.issues import TAG_PREFIX, Project


def linked(value: bool | str) -> Predicate:
    if isinstance(value, bool):
        return lambda facts: bool(_issue_tags(facts)) is value
    prefix = f"{TAG_PREFIX}{value}#"
    return lambda facts: any(tag.startswith(prefix) for tag in _issue_tags(facts))


def _issue_tags(facts: Facts) -> list[str]:
    tags = facts.ticket.tags if facts.ticket else ()
    return [tag for tag in tags if tag.startswith(TAG_PREFIX)]


def register(hooks: Hooks) -> None:
    hooks.condition(
        "tracker.linked",
        StrictBool | Project,
        "the ticket has (true) or has no (false) tracker issue; or a project: one there",
    )(linked)
