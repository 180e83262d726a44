"""Scenarios: a customer's message in, the tracker's requests and the chat's messages out.

The desk runs the built-in features and this one on SQLite with an in-memory chat platform;
the tracker is a real HTTP server on loopback (`mock_tracker`)."""

from __future__ import annotations

from supportbot.intents import PostEphemeral, PostMessage
from supportbot.markup import to_plain
from supportbot.testing import DeskHarness

from mock_tracker import MockTracker
from tracker_desk import TOKEN, StartDesk


async def outage(h: DeskHarness, text: str = "Checkout is down for everyone") -> int:
    outcome = await h.say("customers", "cust1", text, name="Casey Customer")
    [number] = outcome.created
    return number


def answer_to(h: DeskHarness, user: str) -> PostEphemeral:
    return h.chat.ephemerals(user)[-1]


async def test_an_outage_opens_an_issue_that_is_linked_back_to_the_ticket(
    desk: StartDesk, tracker: MockTracker
) -> None:
    h = await desk()
    number = await outage(h)
    [create] = tracker.created()  # after the turn's commit, from the outbox
    assert create.path == "/repos/acme/app/issues"
    assert create.headers["Authorization"] == f"Bearer {TOKEN}"
    assert create.body["title"] == "[P3] Checkout is down for everyone"
    assert create.body["labels"] == ["support", "outage"]
    assert "Casey Customer asked on ticket" in create.body["body"]
    assert f"#{number} (P3, team tier1)" in create.body["body"]
    assert "outage-to-tracker" in create.body["body"]
    assert "tracker:acme/app#1" not in (await h.desk.tickets.get(number)).tags

    assert await h.run_timers() == 1  # the follow-up turn
    assert "tracker:acme/app#1" in (await h.desk.tickets.get(number)).tags
    note = h.chat.last(kind="tracker.linked")
    assert isinstance(note.intent, PostMessage)
    assert note.intent.to.thread_id == h.card_ref(number).message_id  # in the ticket's thread
    assert note.message is not None
    assert "(https://tracker.example/acme/app/issues/1)" in note.message.text


async def test_the_condition_sees_the_link_and_no_second_issue_is_opened(
    desk: StartDesk, tracker: MockTracker
) -> None:
    h = await desk()
    number = await outage(h)
    await h.run_timers()
    thread = (await h.desk.tickets.get(number)).origin_thread
    assert thread is not None
    await h.reply("customers", thread, "cust1", "Still down here")
    ticket = await h.desk.tickets.get(number)
    assert "engineering-watching" in ticket.tags  # tracker.linked: acme/app held
    assert len(tracker.created()) == 1  # tracker.linked: false did not


async def test_a_question_that_turns_into_an_outage_opens_the_issue_then(
    desk: StartDesk, tracker: MockTracker
) -> None:
    h = await desk()
    number = await outage(h, "How do I change my invoice address?")
    assert tracker.calls == []
    thread = (await h.desk.tickets.get(number)).origin_thread
    assert thread is not None
    await h.reply("customers", thread, "cust1", "Now the whole site is down")
    [create] = tracker.created()
    assert create.body["title"] == "Now the whole site is down"
    assert "engineering-watching" not in (await h.desk.tickets.get(number)).tags


async def test_support_tracker_lists_the_linked_issues_privately_in_the_agents_language(
    desk: StartDesk, tracker: MockTracker
) -> None:
    h = await desk()
    number = await outage(h)
    await h.command("ben", f"tracker #{number}")
    assert f"No tracker issue is linked to #{number} yet." in answer_to(h, "ben").message.text
    await h.run_timers()
    await h.command("ben", f"tracker #{number}")
    english = answer_to(h, "ben").message
    assert english.title == f"Tracker issues of #{number}"
    link = "acme/app#1 (https://tracker.example/acme/app/issues/1)"
    assert to_plain(english.text) == f"• {link} [P3] Checkout is down for everyone"
    await h.command("aiko", f"tracker #{number}")
    assert answer_to(h, "aiko").message.title == f"#{number} のトラッカー課題"


async def test_support_tracker_is_for_staff_and_takes_only_a_ticket(
    desk: StartDesk, tracker: MockTracker
) -> None:
    h = await desk()
    number = await outage(h)
    refused = await h.command("cust1", f"tracker #{number}")
    assert refused.refusal is not None
    assert refused.refusal.text == "Only support staff can see a ticket's tracker issues."
    wrong = await h.command("ben", f"tracker #{number} please")
    assert wrong.refusal is not None and "/support tracker #number" in wrong.refusal.text
    missing = await h.command("ben", "tracker #999")
    assert missing.refusal is not None and "999" in missing.refusal.text


async def test_mentioning_the_bot_runs_the_command_too_in_the_channel_and_the_tickets_thread(
    desk: StartDesk, tracker: MockTracker
) -> None:
    h = await desk()
    number = await outage(h)
    await h.run_timers()
    asked = await h.say("support", "ben", f"tracker #{number}", mention=True)
    assert asked.created == ()  # a command, not a new internal ticket
    assert "acme/app#1" in to_plain(answer_to(h, "ben").message.text)
    card = h.card_ref(number)
    await h.reply(
        "support", card.message_id, "aiko", "tracker", mention=True
    )  # `#` from the thread
    assert answer_to(h, "aiko").message.title == f"#{number} のトラッカー課題"
