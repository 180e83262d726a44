"""Sends `CallService("tracker", …)` intents: after the turn's commit, from the desk's outbox.

    turn (workflow step)            outbox                      tracker
    open_tracker_issue ─ emit ─▶ [CallService row] ─ deliver ─▶ find by marker / POST issue
                                                               │ 201 {number, html_url}
    follow-up turn  ◀─ timer "tracker.link" (due now) ◀────────┘ one short write
    (audit row, tag, note in the ticket's thread)

A `DeliveryError` raised here is the outbox's business: retryable ones are tried again with
back-off (and audited as `service.failed` on the ticket), final ones are audited and dropped.
Success writes ONE durable row, a timer: the follow-up runs as its own turn (so it commits with
everything it causes, on whichever replica takes it) and the outbox row is done.
"""

from __future__ import annotations

import logging

import aiohttp
from pydantic import ValidationError
from supportbot.adapter import DeliveryError
from supportbot.clock import Clock
from supportbot.intents import CallService
from supportbot.scheduler import Scheduler

from supportbot_tracker.client import TrackerClient, headers
from supportbot_tracker.issues import Issue, IssueRequest
from supportbot_tracker.settings import SettingsError, TrackerSettings

log = logging.getLogger(__name__)
LINK_TIMER = "tracker.link"  # the follow-up turn's timer kind


class TrackerDeliverer:
    def __init__(
        self, settings: TrackerSettings | SettingsError, timers: Scheduler, clock: Clock
    ) -> None:
        self.settings = settings
        self.timers = timers  # the desk's own, outside any turn
        self.clock = clock

    async def deliver(self, call: CallService) -> None:
        if isinstance(self.settings, SettingsError):  # audited on the ticket; not retried
            raise DeliveryError(str(self.settings), retryable=False)
        try:
            request = IssueRequest.model_validate(call.payload)
        except ValidationError as exc:
            raise DeliveryError(f"unreadable tracker request: {exc}", retryable=False) from exc
        issue = await self._open(self.settings, request)
        log.info("tracker issue %s for ticket #%s", issue.key, request.ticket)
        await self._follow_up(issue, request)

    async def _open(self, settings: TrackerSettings, request: IssueRequest) -> Issue:
        timeout = aiohttp.ClientTimeout(total=settings.timeout)
        async with aiohttp.ClientSession(timeout=timeout, headers=headers(settings.token)) as http:
            client = TrackerClient(settings.url, http)
            return await client.find(request) or await client.create(request)

    async def _follow_up(self, issue: Issue, request: IssueRequest) -> None:
        """The link back to the ticket, as a timer due now (its key: once per request)."""
        await self.timers.schedule(
            kind=LINK_TIMER,
            due_at=self.clock.now(),
            payload=issue.as_data(),
            key=f"{LINK_TIMER}:{request.request}",
            ticket_id=request.ticket,
        )
