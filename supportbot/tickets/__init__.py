"""Tickets: the service that alone writes them, its state machine and its errors.

The names below load on first use, so low modules (people, views) can import
`supportbot.tickets.view` or `.errors` without pulling in the service.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from supportbot.tickets.errors import TicketError
    from supportbot.tickets.service import TicketChange, TicketService
    from supportbot.tickets.view import TicketView

__all__ = ["TicketChange", "TicketError", "TicketService", "TicketView"]
_HOMES = {
    "TicketChange": "supportbot.tickets.service",
    "TicketService": "supportbot.tickets.service",
    "TicketError": "supportbot.tickets.errors",
    "TicketView": "supportbot.tickets.view",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        found = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = found  # the next look-up finds it without coming here
        return found
    raise AttributeError(f"module 'supportbot.tickets' has no attribute {name!r}")
