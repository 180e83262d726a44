"""SLA arithmetic: business hours, holidays, pauses (pure functions, no desk)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from supportbot.collab.clocks import add_active, pauses, resolved_within
from supportbot.config import BusinessHours, Config
from supportbot.tickets.view import PersonView, TicketView

HOURS = BusinessHours(
    timezone="Asia/Tokyo", start=time(9), end=time(18), holidays=[date(2026, 12, 31)]
)


def tokyo(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=HOURS.zone).astimezone(UTC)


def test_business_time_skips_nights_weekends_and_holidays() -> None:
    friday_17 = tokyo(11, 27, 17)
    assert add_active(friday_17, timedelta(hours=2), HOURS, []) == tokyo(11, 30, 10)
    wednesday_17 = tokyo(12, 30, 17)  # the 31st is a holiday
    assert add_active(wednesday_17, timedelta(hours=2), HOURS, []) == tokyo(1, 1, 10).replace(
        year=2027
    )


def test_a_pause_moves_the_deadline_by_the_business_time_it_covered() -> None:
    start = tokyo(11, 24, 16)
    paused = [(tokyo(11, 24, 16, 30), tokyo(11, 25, 10))]  # 1h30m of business time
    assert add_active(start, timedelta(hours=4), HOURS, paused) == tokyo(11, 25, 13, 30)
    assert add_active(start, timedelta(minutes=20), HOURS, paused) == tokyo(11, 24, 16, 20)


def test_an_open_pause_stops_the_clock() -> None:
    start = tokyo(11, 24, 10)
    assert add_active(start, timedelta(hours=4), HOURS, [(tokyo(11, 24, 11), None)]) is None
    assert add_active(start, timedelta(minutes=30), None, [(tokyo(11, 24, 11), None)]) == tokyo(
        11, 24, 10, 30
    )


def test_pauses_come_from_waiting_and_resolved_spells() -> None:
    at = [tokyo(11, 24, h) for h in range(10, 17)]
    events = [
        ("waiting", at[0]),
        ("message", at[1]),  # the customer answered
        ("resolved", at[2]),
        ("message", at[3]),  # a message does not reopen a resolved ticket
        ("reopened", at[4]),
        ("waiting", at[5]),
    ]
    assert pauses(events) == [(at[0], at[1]), (at[2], at[4]), (at[5], None)]


def _ticket(created: datetime, resolved: datetime, priority: str = "P1") -> TicketView:
    return TicketView(
        number=1, subject="s", body="b", status="resolved", priority=priority, category=None,
        team="tier1", tags=(), kind="customer", locale="en",
        requester=PersonView("chat:c", "C"), assignee=None, origin_platform="chat",
        origin_channel="customers", origin_thread=None, origin_message=None,
        created_at=created, updated_at=resolved, first_response_at=created,
        resolved_at=resolved, waiting_since=None, paused_seconds=0, reopen_count=0,
    )  # fmt: skip


def test_resolved_within_its_target() -> None:
    config = Config.model_validate(
        {
            "business_hours": HOURS.model_dump(),
            "sla": {"targets": {"P1": {"first_response": "15m", "resolution": "4h"}}},
        }
    )
    created = tokyo(11, 24, 16)  # 4h of business time: Wednesday 11:00
    for resolved, met in ((tokyo(11, 25, 10, 59), True), (tokyo(11, 25, 11, 1), False)):
        ticket = _ticket(created, resolved)
        assert resolved_within(ticket, config, [(resolved, None)]) is met
    assert resolved_within(_ticket(created, created, "P4"), config, []) is None
