"""Refusals of the desk, raised by the ticket service before it changes anything. Each carries
a template name and values, so the desk can tell the user what went wrong in their language;
`str()` gives the English text for logs.

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

    def __init__(self, english: str, **values: Any) -> None:
        super().__init__(english)
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
