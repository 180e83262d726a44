"""Tickets: the service that alone writes them, its state machine and its errors."""

from supportbot.tickets.errors import TicketError
from supportbot.tickets.service import TicketChange, TicketService
from supportbot.tickets.view import TicketView

__all__ = ["TicketChange", "TicketError", "TicketService", "TicketView"]
