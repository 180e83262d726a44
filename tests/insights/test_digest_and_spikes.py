"""Insights in workflows, on the whole desk with the default workflows: the Monday digest and
`trend.spike` alerts in the leads channel. Spike checks run on SQLite and PostgreSQL (`db_url`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from supportbot.clock import FrozenClock
from supportbot.config import Config, load_config
from supportbot.happenings import Happening, Turn
from supportbot.insights.spike_watch import KIND, SpikeWatch, next_slot
from supportbot.markup import to_plain
from supportbot.messages import Message
from supportbot.store.models import TicketEvent, Timer
from supportbot.testing import DeskHarness, MemoryAdapter
from supportbot.tickets.service import NewTicket
from supportbot.workflows.engine import StepRecord
from supportbot.workflows.sandbox import customer

REPO = Path(__file__).resolve().parents[2]
MONDAY_NOON_TOKYO = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
TUESDAY_NOON_TOKYO = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)


def desk_config() -> Config:
    """The shipped config, with its channels also on the in-memory platform `chat`."""
    config = load_config(REPO / "config" / "supportbot.yaml", {})
    intake = config.intake_channels[0].model_copy(
        update={"platform": "chat", "channel": "customers"}
    )
    return config.model_copy(
        update={
            "intake_channels": [*config.intake_channels, intake],
            "leads_channel": {**config.leads_channel, "chat": "leads"},
            "support_channel": {**config.support_channel, "chat": "support"},
        }
    )


@asynccontextmanager
async def desk(
    tmp_path: Path,
    now: datetime,
    *,
    workflows: Path = REPO / "workflows",
    locale: str = "en",
    database_url: str | None = None,
) -> AsyncIterator[DeskHarness]:
    config = desk_config().model_copy(update={"locale": locale})
    async with DeskHarness.start(
        config,
        tmp_path,
        clock=FrozenClock(now),
        workflows_dir=workflows,
        database_url=database_url,
    ) as h:
        yield h


def workflows_folder(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "custom.yaml").write_text(text, encoding="utf-8")
    return folder


async def run_all_timers(h: DeskHarness) -> None:
    while await h.run_timers():
        pass


def plain_fields(message: Message) -> dict[str, str]:
    return {to_plain(f.label): to_plain(f.value) for f in message.fields}


def spike_alerts(h: DeskHarness) -> list[str]:
    return [
        to_plain(s.message.text)
        for s in h.chat.messages(kind="workflow.post", channel="leads")
        if s.message and "Spike" in s.message.text
    ]


async def spike_rows(h: DeskHarness) -> int:
    async with h.desk.db.sessions() as s:
        query = select(func.count()).where(TicketEvent.kind == "trend.spike")
        return int(await s.scalar(query) or 0)


# -- the weekly digest ---------------------------------------------------------------------------
async def test_the_monday_digest_posts_the_weeks_figures_to_the_leads_channel(
    tmp_path: Path,
) -> None:
    async with desk(tmp_path, MONDAY_NOON_TOKYO) as h:
        await h.desk.engine.start()  # what the server's background task does: plan schedules
        await h.say("customers", "cust1", "My invoice is wrong")
        await h.say("customers", "cust2", "I was charged twice, please refund")
        await h.say("customers", "cust3", "How do I export a report?")
        await h.desk.tickets.resolve(ticket_id=3, actor="lena", source="test")

        h.clock.advance(timedelta(days=3))
        await run_all_timers(h)
        assert h.chat.messages(kind="digest") == []  # Thursday: not yet

        h.clock.current = datetime(2026, 3, 9, 0, 1, tzinfo=UTC)  # Monday 9:01 in Tokyo
        await run_all_timers(h)
        [digest] = h.chat.messages(kind="digest")
        assert digest.message is not None and digest.ref is not None
        assert digest.ref.channel_id == "leads"
        title = to_plain(digest.message.title)
        assert (
            "Acme Support" in title and "2026-03-02 → 2026-03-09" in title
        )  # Monday 9:00 to Monday 9:00
        fields = plain_fields(digest.message)
        assert fields["Tickets created"] == "3"
        assert fields["Resolved"].startswith("1 ")

        h.clock.advance(timedelta(hours=2))
        await run_all_timers(h)
        assert len(h.chat.messages(kind="digest")) == 1  # one occurrence, one digest


JA_DIGEST = """\
version: 1
workflows:
  - name: friday-digest
    trigger: schedule
    cron: "0 18 * * fri"
    steps:
      - action: post_report
        with: {channel: leads_channel, period: 1d, locale: ja}
"""


async def test_a_report_goes_to_every_platform_that_runs_in_the_chosen_language(
    tmp_path: Path,
) -> None:
    folder = workflows_folder(tmp_path, JA_DIGEST)
    async with desk(tmp_path, MONDAY_NOON_TOKYO, workflows=folder) as h:
        teams = MemoryAdapter(platform="teams")
        h.desk.adapters["teams"] = teams
        await h.desk.engine.start()
        h.clock.current = datetime(2026, 3, 6, 9, 5, tzinfo=UTC)  # Friday 18:05 in Tokyo
        await run_all_timers(h)

        [on_chat] = h.chat.messages(kind="digest")
        [on_teams] = teams.messages(kind="digest")
        assert on_chat.ref is not None and on_chat.ref.channel_id == "leads"
        assert on_teams.ref is not None and on_teams.ref.channel_id == "19:leads@thread.tacv2"
        assert on_chat.message is not None
        assert "ダイジェスト: 2026-03-05 → 2026-03-06" in to_plain(on_chat.message.title)


# -- spikes --------------------------------------------------------------------------------------
async def test_a_burst_of_billing_tickets_alerts_the_leads_once(
    tmp_path: Path, db_url: str
) -> None:
    async with desk(tmp_path, TUESDAY_NOON_TOKYO, database_url=db_url) as h:
        steps: list[StepRecord] = []
        h.desk.engine.observe(steps.append)
        watch = SpikeWatch()
        await watch.arm(h.desk)  # what the server does at start
        await SpikeWatch().arm(h.desk)  # a second replica plans the same slot: still one timer
        assert await pending_checks(h) == 1
        for n in range(6):
            await h.say("customers", f"cust{n}", f"Invoice {n} was charged twice")
            h.clock.advance(timedelta(minutes=1))

        h.clock.current = next_slot(h.clock.now())
        await run_all_timers(h)
        [alert] = spike_alerts(h)
        assert "billing: 6 tickets in the last 1 hour" in alert
        assert "about 0.1 are usual" in alert
        assert "#1, #2, #3, #4, #5, #6" in alert
        spikes = [s for s in steps if s.trigger == "trend.spike" and s.error is None]
        assert [s.workflow for s in spikes] == ["insights-spike-alert"]

        h.clock.advance(timedelta(minutes=15))  # the next check still sees the burst
        await run_all_timers(h)
        assert len(spike_alerts(h)) == 1
        assert await spike_rows(h) == 1
        assert await pending_checks(h) == 1  # the chain of checks goes on


async def test_normal_traffic_raises_no_spike(tmp_path: Path, db_url: str) -> None:
    async with desk(tmp_path, TUESDAY_NOON_TOKYO, database_url=db_url) as h:
        await billing_every_hour_for_a_week(h)  # the usual rate: about one an hour
        watch = SpikeWatch()
        await watch.arm(h.desk)
        for n in range(5):  # five in an hour is not unusual at that rate
            await h.say("customers", f"cust{n}", f"Question about invoice {n}")
            h.clock.advance(timedelta(minutes=5))
        h.clock.current = next_slot(h.clock.now())
        await run_all_timers(h)

        assert spike_alerts(h) == []
        assert await spike_rows(h) == 0
        assert await pending_checks(h) == 1  # it did check, and planned the next one


async def billing_every_hour_for_a_week(h: DeskHarness) -> None:
    start = h.clock.now()
    handle = await customer(h.desk, "chat", "regular", name="Regular Customer")
    tickets = h.desk.tickets
    for hours in range(7 * 24, 0, -1):
        h.clock.current = start - timedelta(hours=hours)
        new = NewTicket(requester=handle, subject="Invoice", body="", origin_platform="chat")
        number = (await tickets.create(new, source="test")).ticket.number
        await tickets.set_category(ticket_id=number, category="billing", actor=None, source="test")
    h.clock.current = start


async def pending_checks(h: DeskHarness) -> int:
    async with h.desk.db.sessions() as s:
        query = select(func.count()).where(Timer.kind == KIND, Timer.status == "pending")
        return int(await s.scalar(query) or 0)


NARROW_ALERT = """\
version: 1
workflows:
  - name: big-billing-spike
    trigger: trend.spike
    if: {spike.category: billing, spike.count: {gte: 10}}
    steps:
      - action: post
        with: {channel: leads_channel, template: insights.spike_alert}
"""


async def test_conditions_and_templates_read_the_spike_in_the_desks_language(
    tmp_path: Path,
) -> None:
    folder = workflows_folder(tmp_path, NARROW_ALERT)
    async with desk(tmp_path, TUESDAY_NOON_TOKYO, workflows=folder, locale="ja") as h:
        for category, count in (("billing", 12), ("billing", 6), ("account", 12)):
            ids = list(range(1, count + 1))
            data = {"category": category, "count": count, "expected": 0.4, "window": "1h"}
            turn = Turn(source="test")
            turn.happened(Happening("trend.spike", None, None, {**data, "ticket_ids": ids}))
            await h.desk.finish(turn)

        [alert] = [to_plain(s.message.text) for s in h.chat.messages(kind="workflow.post")]
        assert alert.startswith("📈 billingの問い合わせが急増しています")
        assert "直近 1 時間で 12 件（通常は約 0.4 件）" in alert
        assert "#1, #2" in alert and "#10 ほか 2 件" in alert
