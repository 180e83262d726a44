"""AI-drafted suggested replies, through the outbox: never a network call inside a turn.

Off unless `knowledge.ai.enabled` is true AND the environment names a server
(`SUPPORTBOT_AI_BASE_URL`, `SUPPORTBOT_AI_MODEL`; `SUPPORTBOT_AI_API_KEY` when it needs one).

    turn:   suggest_replies ─ confident public sources? ─ no ─▶ no draft, no call
                                     │ yes
                                     ▼
            CallService("kb.ai_draft", {ticket, question, locale, sources})  (outbox)
    after:  the deliverer asks the model (ChatDrafter: cites [n], NO_ANSWER → None)
            ─▶ a timer "kb.ai_drafted" due now, keyed per ticket (a retried delivery adds none)
    turn:   the timer posts the draft card (Send / Edit / Dismiss); no AI draft → the article's

The desk works fully without it: the article drafter needs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from supportbot.intents import CallService
from supportbot.knowledge.article import Article, as_locale
from supportbot.knowledge.chat_drafter import ChatDrafter, ChatSettings, chat_settings
from supportbot.knowledge.drafter import Draft, DraftRequest
from supportbot.knowledge.running import Running
from supportbot.markup import Safe
from supportbot.scheduler import DueTimer

if TYPE_CHECKING:
    from supportbot.desk import Desk
    from supportbot.happenings import Turn

SERVICE = "kb.ai_draft"
DRAFTED = "kb.ai_drafted"


def settings_of(desk: Desk) -> ChatSettings | None:
    if not desk.config.knowledge.ai.enabled:
        return None
    return chat_settings(desk.env, desk.config.desk_name)


def request_draft(
    desk: Desk, turn: Turn, number: int, question: str, locale: str, sources: tuple[Article, ...]
) -> None:
    payload = {
        "ticket": number,
        "question": question,
        "locale": locale,
        "sources": [{"id": a.id, "locale": a.locale} for a in sources],
    }
    turn.emit(CallService(SERVICE, payload, ticket_id=number))


class AiDrafter:
    """The deliverer of `kb.ai_draft`: asks the model, hands the answer to a follow-up turn."""

    def __init__(self, running: Running, desk: Desk) -> None:
        self.running, self.desk = running, desk

    async def deliver(self, call: CallService) -> None:
        desk, payload = self.desk, call.payload
        number = int(payload["ticket"])
        kb = await self.running.base()
        found = (
            kb.article(str(s.get("id")), as_locale(str(s.get("locale"))))
            for s in payload.get("sources", [])
        )
        sources = tuple(a for a in found if a is not None and a.public and not a.draft)
        settings = settings_of(desk)
        draft = None
        if settings is not None and sources:
            request = DraftRequest(str(payload["question"]), as_locale(payload["locale"]), sources)
            draft = await ChatDrafter(settings).draft(request)
        shown: dict[str, Any] = {"ticket": number, "sources": payload.get("sources", [])}
        if draft is not None:
            shown |= {
                "text": draft.text,
                "drafter": draft.drafter,
                "sources": [{"id": a.id, "locale": a.locale} for a in draft.sources],
            }
        await desk.timers.schedule(
            kind=DRAFTED, due_at=desk.clock.now(), payload=shown, key=f"kb:{number}:ai",
            ticket_id=number,
        )  # fmt: skip


async def on_drafted(running: Running, desk: Desk, timer: DueTimer, turn: Turn) -> None:
    """The follow-up turn: the AI's draft, or (no answer, a failure) the article's."""
    from supportbot.knowledge.assist import post_draft

    number = int(timer.payload["ticket"])
    if await desk.tickets.history(number, ["kb.drafted"]):
        return  # posted already (a retried timer)
    ticket = await desk.tickets.get(number)
    if not ticket.is_open:
        return
    kb = await running.base()
    found = (
        kb.article(str(s.get("id")), as_locale(str(s.get("locale"))))
        for s in timer.payload.get("sources", [])
    )
    sources = tuple(a for a in found if a is not None)
    text = timer.payload.get("text")
    if isinstance(text, str) and text:
        draft: Draft | None = Draft(Safe(text), sources, str(timer.payload.get("drafter")))
    else:
        assert running.drafter is not None
        draft = await running.drafter.draft(DraftRequest("", as_locale(ticket.locale), sources))
    if draft is not None:
        await post_draft(desk, turn, ticket, draft)
