"""Tickets: the service that alone writes them, and its state machine.

The names below load on first use, so low modules (people, views) can import
`supportbot.tickets.view` without pulling in the service. Its refusals are
`supportbot.errors.TicketError`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from supportbot.tickets.service import TicketChange, TicketService
    from supportbot.tickets.view import TicketView

__all__ = ["TicketChange", "TicketService", "TicketView"]
_HOMES = {
    "TicketChange": "supportbot.tickets.service",
    "TicketService": "supportbot.tickets.service",
    "TicketView": "supportbot.tickets.view",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        found = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = found  # the next look-up finds it without coming here
        return found
    raise AttributeError(f"module 'supportbot.tickets' has no attribute {name!r}")
