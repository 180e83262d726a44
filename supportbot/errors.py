"""Refusals of the desk, raised by the ticket service before it changes anything. Each carries
a template name and values, so the desk can tell the user what went wrong in their language;
`str()` gives the English text for logs.

Each raise site names its own template (`errors.en.yaml` / `errors.ja.yaml`), which renders from
`{{ values.* }}`: `InvalidValueError("a note needs some text", "error.note.empty")`. The class's
template is the fallback for a site that names none (tests/test_i18n.py keeps every site naming
one).

    TicketError
     ├── TicketNotFoundError        no such ticket / escalation / hand-off / poll
     ├── IllegalTransitionError     the ticket's state does not allow the step
     │    └── AlreadyClaimedError   someone else has it (names who)
     ├── NotAllowedError            the actor's role does not allow the step
     └── InvalidValueError          a bad priority, empty reason, unknown team, …
"""

from __future__ import annotations

from typing import Any


class TicketError(Exception):
    template = "error.generic"

    def __init__(self, english: str, template: str | None = None, /, **values: Any) -> None:
        super().__init__(english)
        if template is not None:
            self.template = template
        self.values = values


class TicketNotFoundError(TicketError):
    template = "error.not_found"


class IllegalTransitionError(TicketError):
    template = "error.illegal"


class AlreadyClaimedError(IllegalTransitionError):
    template = "error.already_claimed"


class NotAllowedError(TicketError):
    template = "error.not_allowed"


class InvalidValueError(TicketError):
    template = "error.invalid"


def is_refusal(exc: BaseException) -> bool:
    """A `TicketError`: raised before the service changed anything."""
    return isinstance(exc, TicketError)
