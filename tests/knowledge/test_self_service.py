"""Self-service and suggested replies on a whole desk (the in-memory platform; the wire
protocols are in tests/slack and tests/teams)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from supportbot.intents import PostMessage
from supportbot.testing import DeskHarness, Sent

from .desk import desk, open_ticket

QUESTION = "How do I export my invoices to a CSV file for Excel?"
OFF_TOPIC = "Can you recommend a good restaurant near your office for lunch?"


def to_requester(h: DeskHarness, kind: str) -> list[Sent]:
    """What reached the customer: anything outside the support channel."""
    return [s for s in h.chat.messages(kind) if channel(s) != "support"]


def channel(sent: Sent) -> str:
    assert isinstance(sent.intent, PostMessage)
    return sent.intent.to.channel_id


async def test_suggestions_then_solved(tmp_path: Path) -> None:
    async with desk(tmp_path) as h:
        number = await open_ticket(h, QUESTION)
        (card,) = h.chat.messages("kb_self_service")
        assert card.message is not None and channel(card) == "customers"
        assert "CSV" in card.message.text
        actions = [b.action for b in card.message.buttons]
        assert actions == ["kb.solved", "kb.declined"]
        await h.click("cust1", "kb.solved", str(number), on=card.ref)
        ticket = await h.desk.tickets.get(number)
        assert ticket.status == "resolved"
        rows = await h.desk.tickets.history(number, ["resolved"])
        assert rows[-1].data["self_served"] is True
        assert rows[-1].data["articles"][0] == "export-csv"


async def test_nothing_above_the_threshold_posts_nothing(tmp_path: Path) -> None:
    async with desk(tmp_path) as h:
        number = await open_ticket(h, OFF_TOPIC)
        await h.run_timers()
        assert h.chat.messages("kb_self_service") == []
        rows = await h.desk.tickets.history(number, ["kb.unanswered", "kb.suggested"])
        assert [r.kind for r in rows] == ["kb.unanswered"]


async def test_still_need_a_person_then_a_reason(tmp_path: Path) -> None:
    async with desk(tmp_path) as h:
        number = await open_ticket(h, QUESTION)
        (card,) = h.chat.messages("kb_self_service")
        await h.click("cust1", "kb.declined", str(number), on=card.ref)
        ticket = await h.desk.tickets.get(number)
        assert ticket.is_open  # the ticket goes on as normal
        updated = h.chat.last(kind="kb_self_service")
        assert updated.message is not None
        assert "declined" in updated.message.text
        reasons = [b.value for b in updated.message.buttons]
        assert reasons == [f"{number}:not_related", f"{number}:not_answered"]
        await h.click("cust1", "kb.reason", f"{number}:not_answered", on=card.ref)
        rows = await h.desk.tickets.history(number, ["kb.declined", "kb.feedback"])
        assert [r.kind for r in rows] == ["kb.declined", "kb.feedback"]
        assert rows[1].data["reason"] == "not_answered"
        final = h.chat.last(kind="kb_self_service")
        assert final.message is not None and final.message.buttons == ()


async def test_only_the_requester_answers_the_card(tmp_path: Path) -> None:
    async with desk(tmp_path) as h:
        number = await open_ticket(h, QUESTION)
        (card,) = h.chat.messages("kb_self_service")
        await h.click("someone_else", "kb.solved", str(number), on=card.ref)
        assert (await h.desk.tickets.get(number)).is_open


async def test_no_word_within_the_window_counts_as_assumed(tmp_path: Path) -> None:
    async with desk(tmp_path) as h:
        quiet = await open_ticket(h, QUESTION)
        chatty = await open_ticket(h, QUESTION, user="cust2")
        chatty_card = h.chat.messages("kb_self_service")[-1]
        assert chatty_card.ref is not None
        await h.reply(chatty_card.ref.channel_id, chatty_card.ref.thread_id or "", "cust2", "hm?")
        h.clock.advance(h.desk.config.knowledge.assume_solved_after)
        await h.run_timers()
        assumed = await h.desk.tickets.history(quiet, ["kb.assumed"])
        assert len(assumed) == 1
        assert await h.desk.tickets.history(chatty, ["kb.assumed"]) == []


async def test_an_internal_article_never_reaches_the_customer(tmp_path: Path) -> None:
    async with desk(tmp_path) as h:
        number = await open_ticket(h, "I was charged twice this month, I want a refund")
        await h.run_timers()
        (card,) = h.chat.messages("kb_self_service")
        assert card.message is not None
        shown = card.message.text + str(card.message.fields)
        assert "Internal" not in shown and "Agents only" not in shown
        (agents,) = h.chat.messages("kb_suggestions")
        assert channel(agents) == "support" and agents.message is not None
        assert any("refunds and credits" in f.label for f in agents.message.fields)
        sendable = [b.value for b in agents.message.buttons if b.action == "kb.send"]
        assert f"{number}:refund-approval-policy" not in sendable
        await h.click("ben", "kb.send", f"{number}:refund-approval-policy", on=agents.ref)
        assert h.chat.messages("kb_article") == []
        assert (await h.desk.tickets.get(number)).first_response_at is None
        assert await h.desk.tickets.history(number, ["reply"]) == []


async def test_the_agent_sends_the_drafted_reply_with_one_click(tmp_path: Path) -> None:
    async with desk(tmp_path) as h:
        number = await open_ticket(h, QUESTION)
        (draft,) = h.chat.messages("kb_draft")
        assert channel(draft) == "support"
        assert draft.message is not None
        assert [b.action for b in draft.message.buttons] == [
            "kb.draft.send", "kb.draft.edit", "kb.draft.dismiss",
        ]  # fmt: skip
        assert to_requester(h, "reply") == []  # nothing reached the customer yet
        await h.click("ben", "kb.draft.send", str(number), on=draft.ref)
        (reply,) = to_requester(h, "reply")
        assert reply.message is not None and "Export CSV" in reply.message.text
        ticket = await h.desk.tickets.get(number)
        assert ticket.first_response_at is not None
        (row,) = await h.desk.tickets.history(number, ["reply"])
        assert row.actor_id is not None and "Export CSV" in row.data["text"]
        (outcome,) = await h.desk.tickets.history(number, ["kb.draft"])
        assert outcome.data["outcome"] == "sent"
        card = h.chat.last(kind="kb_draft")
        assert card.message is not None and card.message.buttons == ()
        await h.click("ben", "kb.draft.send", str(number), on=draft.ref)  # a second click
        assert len(to_requester(h, "reply")) == 1


async def test_an_edited_draft_and_a_dismissed_one(tmp_path: Path) -> None:
    async with desk(tmp_path) as h:
        first = await open_ticket(h, QUESTION)
        second = await open_ticket(h, QUESTION, user="cust2")
        await h.run_timers()
        await h.submit(
            "ben", "kb.draft", {"text": "Reports → Export, then *Export CSV*."}, str(first)
        )
        await h.click("lena", "kb.draft.dismiss", str(second))
        (edited,) = await h.desk.tickets.history(first, ["kb.draft"])
        (dismissed,) = await h.desk.tickets.history(second, ["kb.draft"])
        assert (edited.data["outcome"], dismissed.data["outcome"]) == ("edited", "dismissed")
        (reply,) = to_requester(h, "reply")
        assert reply.message is not None and "\\*Export CSV\\*" in reply.message.text
        assert (await h.desk.tickets.get(second)).first_response_at is None


async def test_kb_commands(tmp_path: Path) -> None:
    async with desk(tmp_path, knowledge_dir=str(tmp_path / "kb")) as h:
        import shutil

        shutil.copytree(Path(__file__).parents[2] / "knowledge", tmp_path / "kb")
        number = await open_ticket(h, "My dog ate my keyboard, what now?")
        await h.command("ben", "kb export invoices csv")
        found = h.chat.last(kind="kb_search")
        assert found.message is not None and "Export" in str(found.message.fields)
        await h.command("ben", "kb zzz qqq")
        rows = await h.desk.tickets.history(number, ["kb.unanswered"])
        assert len(rows) == 1  # the ticket's own; the search's has no ticket
        await h.command("ben", f"kb send # {number} export-csv")
        (article,) = h.chat.messages("kb_article")
        assert article.message is not None and "Export CSV" in article.message.text
        await h.command("ben", f"kb send #{number} refund-approval-policy")  # internal
        assert len(h.chat.messages("kb_article")) == 1
        assert "internal article" in h.chat.last(kind="error").message.text
        await h.command("ben", f"kb draft #{number}")
        drafts = list((tmp_path / "kb" / "drafts").glob("*.md"))
        assert len(drafts) == 1 and "draft: true" in drafts[0].read_text()


async def test_agents_see_similar_resolved_tickets_and_how_they_were_answered(
    tmp_path: Path,
) -> None:
    async with desk(tmp_path) as h:
        first = await open_ticket(h, "My CSV export of last year's invoices never arrives")
        await h.command(
            "ben", f"reply #{first} Pick a shorter date range: exports stop at 100k rows"
        )
        await h.command("ben", f"resolve #{first}")
        h.clock.advance(timedelta(minutes=11))  # the similar-tickets index is rebuilt
        await open_ticket(h, "The CSV export of my invoices never arrives", user="cust2")
        (similar,) = h.chat.messages("kb_precedents")
        assert channel(similar) == "support" and similar.message is not None
        (field,) = similar.message.fields
        assert field.label.startswith(f"#{first} ")
        assert "shorter date range" in field.value
        assert to_requester(h, "kb_precedents") == []
