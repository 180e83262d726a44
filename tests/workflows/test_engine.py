"""The engine on a real desk (ticket service, scheduler, database): happenings in, changes and
messages out, failures audited, loops bounded."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from supportbot.happenings import MAX_DEPTH, TRIGGERS, Happening
from supportbot.intents import PostMessage, PostToTicket, SendDirect
from supportbot.store.models import TicketEvent, Timer
from supportbot.workflows.engine import StepRecord
from supportbot.workflows.sandbox import Sandbox

from .conftest import one_workflow, open_ticket

Write = Callable[[str, str], Path]
MakeSandbox = Callable[[], Awaitable[Sandbox]]
TICKETLESS = {"schedule", "trend.spike"}


async def events(sb: Sandbox, number: int, kind: str | None = None) -> list[TicketEvent]:
    async with sb.desk.db.sessions() as s:
        q = select(TicketEvent).where(TicketEvent.ticket_id == number).order_by(TicketEvent.id)
        rows = (await s.scalars(q)).all()
    return [r for r in rows if kind is None or r.kind == kind]


def recorder(sb: Sandbox) -> list[StepRecord]:
    steps: list[StepRecord] = []
    sb.engine.observe(steps.append)
    return steps


@pytest.mark.parametrize("trigger", TRIGGERS)
async def test_every_trigger_runs_its_workflows(
    trigger: str, write: Write, sandbox: MakeSandbox
) -> None:
    if trigger in TICKETLESS:
        step = "[{action: post, with: {channel: support_channel, template: test.plain}}]"
        cron = "0 9 * * *" if trigger == "schedule" else None
        write("t.yaml", one_workflow(trigger, step, cron=cron))
    else:
        write("t.yaml", one_workflow(trigger, "[{action: add_note, with: {text: seen}}]"))
    sb = await sandbox()
    number = None if trigger in TICKETLESS else (await open_ticket(sb, "hello")).number
    steps = recorder(sb)
    await sb.happen(Happening(trigger, number, None, {"workflow": "w"}, "test"))
    assert [(s.workflow, s.trigger, s.error) for s in steps if s.depth == 0] == [
        ("w", trigger, None)
    ]
    if number is not None:
        notes = await events(sb, number, "note")
        assert notes and notes[-1].source == "workflow:w"


async def test_ticket_actions_go_through_the_service_and_the_audit_trail(
    write: Write, sandbox: MakeSandbox
) -> None:
    write(
        "t.yaml",
        one_workflow(
            "ticket.created",
            """
      - {action: set_priority, with: {priority: P2}}
      - {action: set_category, with: {category: billing}}
      - {action: add_tags, with: {tags: [vip, invoice]}}
      - {action: assign, with: {to: ben}}
      - {action: resolve, with: {note: auto-closed}}""",
            name="all-ticket-actions",
        ),
    )
    sb = await sandbox()
    number = (await open_ticket(sb, "invoice copy please")).number
    t = await sb.desk.tickets.get(number)
    assert (t.priority, t.category, t.tags, t.status) == (
        "P2",
        "billing",
        ("invoice", "vip"),
        "resolved",
    )
    assert t.assignee is not None and t.assignee.handle == "ben"
    kinds = [
        (e.kind, e.source) for e in await events(sb, number) if e.source.startswith("workflow:")
    ]
    assert [k for k, _ in kinds] == [
        "priority_changed",
        "category_changed",
        "tagged",
        "assigned",
        "note",
        "resolved",
    ]
    assert {s for _, s in kinds} == {"workflow:all-ticket-actions"}


async def test_route_round_robin_takes_turns_among_on_duty_agents(
    write: Write, sandbox: MakeSandbox
) -> None:
    write(
        "t.yaml",
        one_workflow(
            "ticket.created", "[{action: route, with: {team: tier1, assign: round_robin}}]"
        ),
    )
    sb = await sandbox()
    assignees = []
    for i in range(4):
        t = await sb.desk.tickets.get((await open_ticket(sb, f"q{i}", user=f"U{i}")).number)
        assert t.team == "tier1" and t.assignee is not None
        assignees.append(t.assignee.handle)
    agents = sb.desk.people.agents_of("tier1")  # aiko, ben, lena in config order
    assert assignees == [agents[0], agents[1], agents[2], agents[0]]


async def test_route_least_open_picks_the_least_loaded_agent(
    write: Write, sandbox: MakeSandbox
) -> None:
    write(
        "t.yaml",
        one_workflow(
            "ticket.created",
            "[{action: route, with: {team: tier1, assign: least_open}}]",
            condition="{text.contains: route me}",
        ),
    )
    sb = await sandbox()
    for i, agent in enumerate(["aiko", "aiko", "ben"]):
        t = await open_ticket(sb, f"busy {i}", user=f"B{i}")
        await sb.desk.tickets.claim(ticket_id=t.number, actor=agent, source="test")
    t = await sb.desk.tickets.get((await open_ticket(sb, "route me please")).number)
    assert t.assignee is not None and t.assignee.handle == "lena"


async def test_route_moves_team_and_leaves_assignment_alone_by_default(
    write: Write, sandbox: MakeSandbox
) -> None:
    write("t.yaml", one_workflow("ticket.created", "[{action: route, with: {team: billing}}]"))
    sb = await sandbox()
    t = await sb.desk.tickets.get((await open_ticket(sb, "hi")).number)
    assert t.team == "billing" and t.assignee is None


async def test_reply_speaks_the_requesters_language_and_escapes_their_text(
    write: Write, sandbox: MakeSandbox
) -> None:
    write(
        "t.yaml",
        one_workflow(
            "ticket.created",
            """
      - {action: reply, with: {template: test.hello}}
      - {action: reply, with: {template: test.subject}}""",
        ),
    )
    sb = await sandbox()
    ja = await open_ticket(sb, "質問です", user="UJA", name="山田", locale="ja")
    en = await open_ticket(sb, "**bold** <!channel> [x](https://evil.example)", user="UEN")
    replies = [i for i in sb.intents if isinstance(i, PostToTicket) and i.audience == "requester"]
    by_ticket = {
        n: [r.message.text for r in replies if r.ticket_id == n] for n in (ja.number, en.number)
    }
    assert by_ticket[ja.number][0] == f"山田 様、チケット #{ja.number} を受け付けました。"
    assert (
        by_ticket[en.number][1]
        == r"Subject: \*\*bold\*\* \<!channel\> \[x\]\(https://evil.example\)"
    )


async def test_post_and_notify_reach_channels_threads_and_people(
    write: Write, sandbox: MakeSandbox
) -> None:
    write(
        "t.yaml",
        one_workflow(
            "ticket.created",
            """
      - {action: post, with: {channel: leads_channel, template: test.plain}}
      - {action: post, with: {channel: thread, template: test.plain}}
      - {action: post, with: {channel: "team:tier2", template: test.plain}}
      - {action: notify, with: {to: "role:lead", template: test.plain}}
      - {action: notify, with: {to: "person:aiko", template: test.hello}}
      - {action: notify, with: {to: "department:engineering", template: test.plain}}
      - {action: assign, with: {to: ben}}
      - {action: notify, with: {to: assignee, template: test.plain}}""",
        ),
    )
    sb = await sandbox()
    t = await open_ticket(sb, "hello")
    posts = [
        (i.to.platform, i.to.channel_id, i.message.text)
        for i in sb.intents
        if isinstance(i, PostMessage) and i.message.kind.startswith("workflow")
    ]
    assert ("slack", "C0LEADS", "Plain message from w") in posts
    assert (
        "slack",
        "C0SUPPORT",
        "Plain message from w",
    ) in posts  # tier2 has no channel of its own
    assert ("slack", "C0ENG", "<@group:engineering> Plain message from w") in posts
    assert any(isinstance(i, PostToTicket) and i.audience == "internal" for i in sb.intents)
    dms = {(i.platform, i.user_id): i.message.text for i in sb.intents if isinstance(i, SendDirect)}
    assert ("slack", "U0LEAD1") in dms  # lena, a lead, on the ticket's platform
    assert ("playground", "omar") in dms  # omar has no Slack identity: his first one
    # aiko has no Slack identity either: her first one, in her own language (ja)
    assert dms[("playground", "aiko")] == f"Casey 様、チケット #{t.number} を受け付けました。"
    assert ("slack", "U0AGENT1") in dms  # ben, the assignee


async def test_a_failing_step_is_audited_and_other_workflows_still_run(
    write: Write, sandbox: MakeSandbox
) -> None:
    write(
        "a.yaml",
        one_workflow(
            "ticket.created",
            """
      - {action: resolve}
      - {action: set_priority, with: {priority: P1}}
      - {action: add_tags, with: {tags: [never]}}""",
            name="breaks",
        ),
    )
    write(
        "b.yaml",
        one_workflow(
            "ticket.created", "[{action: add_note, with: {text: still here}}]", name="later"
        ),
    )
    sb = await sandbox()
    number = (await open_ticket(sb, "hello")).number
    failed = await events(sb, number, "workflow.failed")
    assert len(failed) == 1
    assert failed[0].source == "workflow:breaks"
    assert failed[0].data["workflow"] == "breaks" and failed[0].data["step"] == 1
    assert failed[0].data["action"] == "set_priority" and "resolved" in failed[0].data["error"]
    t = await sb.desk.tickets.get(number)
    assert "never" not in t.tags
    assert [e.source for e in await events(sb, number, "note")] == ["workflow:later"]


async def test_loops_stop_at_max_depth(write: Write, sandbox: MakeSandbox) -> None:
    # Each note is a ticket.updated, which adds another note: only the depth limit ends it.
    write("t.yaml", one_workflow("ticket.updated", "[{action: add_note, with: {text: again}}]"))
    sb = await sandbox()
    steps = recorder(sb)
    number = (await open_ticket(sb, "hello")).number
    await sb.happen(Happening("ticket.updated", number, None, {}, "test"))
    assert [s.depth for s in steps] == list(range(MAX_DEPTH + 1))
    assert len(await events(sb, number, "note")) == MAX_DEPTH + 1


async def test_workflows_see_what_earlier_workflows_did(write: Write, sandbox: MakeSandbox) -> None:
    write(
        "a.yaml",
        one_workflow(
            "ticket.created", "[{action: set_priority, with: {priority: P1}}]", name="first"
        ),
    )
    write(
        "b.yaml",
        one_workflow(
            "ticket.created",
            "[{action: add_tags, with: {tags: [p1]}}]",
            condition="{priority: P1}",
            name="second",
        ),
    )
    sb = await sandbox()
    t = await sb.desk.tickets.get((await open_ticket(sb, "hello")).number)
    assert t.tags == ("p1",)


async def test_matching_is_a_dry_run(write: Write, sandbox: MakeSandbox) -> None:
    write(
        "t.yaml",
        one_workflow(
            "ticket.created",
            "[{action: set_priority, with: {priority: P1}}]",
            condition="{text.contains: 障害}",
        ),
    )
    sb = await sandbox()
    t = await open_ticket(sb, "サーバー障害")
    again: Any = await sb.desk.tickets.get(t.number)
    assert [w.name for w in sb.engine.matching(Happening("ticket.created", t.number), again)] == [
        "w"
    ]


async def test_ticketless_posts_reach_every_running_platform(
    write: Write, sandbox: MakeSandbox
) -> None:
    from supportbot.testing import MemoryAdapter

    step = "[{action: post, with: {channel: support_channel, template: test.plain}}]"
    write("t.yaml", one_workflow("trend.spike", step))
    sb = await sandbox()
    sb.desk.adapters.update(slack=MemoryAdapter("slack"), teams=MemoryAdapter("teams"))
    await sb.happen(Happening("trend.spike", None, None, {}, "test"))
    posts = [
        i for i in sb.intents if isinstance(i, PostMessage) and i.message.kind == "workflow.post"
    ]
    assert sorted((p.to.platform, p.to.channel_id) for p in posts) == [
        ("slack", "C0SUPPORT"),
        ("teams", "19:support@thread.tacv2"),
    ]


async def test_disabled_workflows_do_not_run(write: Write, sandbox: MakeSandbox) -> None:
    write(
        "t.yaml",
        one_workflow("ticket.created", "[{action: add_tags, with: {tags: [x]}}]").replace(
            "    steps:", "    enabled: false\n    description: parked for now\n    steps:"
        ),
    )
    sb = await sandbox()
    t = await open_ticket(sb, "hello")
    assert (await sb.desk.tickets.get(t.number)).tags == ()
    assert sb.engine.workflows.get("w") is not None


async def test_a_tickets_sla_is_planned_once_per_turn_from_where_the_turn_ends(
    write: Write, sandbox: MakeSandbox
) -> None:
    """Created, then raised to P1 by triage: both ask for a plan; the turn plans once, for P1,
    so no timer is planned and cancelled again within it."""
    write("a.yaml", one_workflow("ticket.created", "[{action: plan_sla}]", name="start"))
    raise_it = "[{action: set_priority, with: {priority: P1}}]"
    write("b.yaml", one_workflow("ticket.created", raise_it, name="triage"))
    write("c.yaml", one_workflow("ticket.priority_changed", "[{action: plan_sla}]", name="again"))
    sb = await sandbox()
    number = (await open_ticket(sb, "the site is down")).number
    async with sb.desk.db.sessions() as s:
        query = select(Timer.status, Timer.payload).where(Timer.ticket_id == number)
        rows = (await s.execute(query)).all()
    assert rows and {status for status, _ in rows} == {"pending"}
    ticket = await sb.desk.tickets.get(number)
    target = sb.desk.config.sla.target("P1", ticket.requester.tier)
    assert target is not None and target.first_response is not None
    first = min(datetime.fromisoformat(p["due"]) for _, p in rows if p["clock"] == "first_response")
    assert first <= ticket.created_at + target.first_response  # P1's clock, not P3's


async def test_a_failure_in_work_left_for_the_end_of_the_turn_is_that_steps(
    write: Write, sandbox: MakeSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_: object) -> None:
        raise RuntimeError("no clock today")

    monkeypatch.setattr("supportbot.collab.sla.replan", broken)
    steps = "[{action: add_note, with: {text: hi}}, {action: plan_sla}]"
    write("a.yaml", one_workflow("ticket.created", steps, name="sla"))
    sb = await sandbox()
    number = (await open_ticket(sb, "hello")).number
    failed = await events(sb, number, "workflow.failed")
    assert [(f.data["workflow"], f.data["step"], f.data["action"]) for f in failed] == [
        ("sla", 1, "plan_sla")
    ]
    assert "no clock today" in failed[0].data["error"]
    assert [e.source for e in await events(sb, number, "note")] == ["workflow:sla"]
