"""The demo's scripted story, played the way a visitor would play it on the page.

Every step is an action a person takes in the playground (a message, a click, a command), sent
through the same `Actions` the browser uses, so the desk, the workflows and the cards do the rest:
a customer asks in Japanese → triage → an agent claims → escalation approved by a lead →
engineering hand-off → an engineer answers → resolved → CSAT 5 → a shout-out in #kudos.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from supportbot.playground.actions import Actions
from supportbot.playground.personas import Persona
from supportbot.playground.store import BOT, StoredMessage

log = logging.getLogger(__name__)
Predicate = Callable[[StoredMessage], bool]

QUESTION = "ログインできません。パスワードを再設定しても「ロックされています」と表示されます。"
ESCALATION = "Account stays locked after a password reset; looks like the auth service."
ENGINEER_ANSWER = "Found it: the lockout counter was not reset. Fixed in auth; the account is open."
AGENT_REPLY = "アカウントのロックを解除しました。もう一度ログインをお試しください。"


CSAT_WAIT = timedelta(hours=1, minutes=1)


class StoryError(RuntimeError):
    """The desk did not answer a step the way the story expects."""


@dataclass(frozen=True, slots=True)
class Cast:
    customer: str
    agent: str
    lead: str
    engineer: str

    @staticmethod
    def from_personas(personas: dict[str, Persona]) -> Cast:
        def first(*roles: str) -> str:
            for role in roles:
                for p in personas.values():
                    if p.role == role:
                        return p.id
            raise StoryError(f"the config has nobody with role {roles[0]!r} on the playground")

        return Cast(first("customer"), first("agent"), first("lead"), first("engineer", "agent"))


class Visitor:
    """Acts on the playground like a person on the page, with pauses to let others watch."""

    def __init__(self, actions: Actions, *, pause: float = 2.0, patience: float = 30.0) -> None:
        self.actions = actions
        self.store = actions.adapter.store
        self.pause = pause
        self.patience = patience

    async def act(self, persona: str, **action: Any) -> None:
        await asyncio.sleep(self.pause)
        outcome = await self.actions.handle({"id": uuid.uuid4().hex, "persona": persona, **action})
        if outcome is not None and outcome.error:
            raise StoryError(f"{persona}: {action.get('type')} failed: {outcome.error}")

    async def say(self, persona: str, channel: str, text: str, thread: str | None = None) -> None:
        await self.act(persona, type="post", channel=channel, thread=thread, text=text)

    async def click(self, persona: str, row: StoredMessage, wanted: str) -> None:
        for action, _, value, _ in row.body.get("buttons", []):
            if action == wanted:
                await self.act(persona, type="button", message=row.message_id, action=action,
                               value=value)  # fmt: skip
                return
        raise StoryError(f"no {wanted!r} button on message {row.message_id}")

    async def choose(self, persona: str, row: StoredMessage, value: str) -> None:
        choice = row.body["choices"][0]
        await self.act(persona, type="choice", message=row.message_id, action=choice["action"],
                       value=value)  # fmt: skip

    async def newest_id(self, persona: str) -> int:
        rows = await self.store.history(persona, 1)
        return rows[-1].id if rows else 0

    async def wait_for(self, what: str, persona: str, predicate: Predicate) -> StoredMessage:
        """The newest message `persona` can see that matches, waiting for the desk to post it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.patience
        while True:
            for row in reversed(await self.store.history(persona, 500)):
                if predicate(row):
                    return row
            if loop.time() > deadline:
                raise StoryError(f"gave up waiting for {what}")
            await asyncio.sleep(0.2)


def from_bot(channel: str | None = None, kind: str | None = None) -> Predicate:
    def match(row: StoredMessage) -> bool:
        return (
            row.author == BOT
            and (channel is None or row.channel_id == channel)
            and (kind is None or row.body.get("kind") == kind)
        )

    return match


def with_button(word: str) -> Predicate:
    return lambda row: row.author == BOT and any(b[0] == word for b in row.body.get("buttons", []))


def with_choice(row: StoredMessage) -> bool:
    return row.author == BOT and bool(row.body.get("choices"))


async def play(
    actions: Actions,
    *,
    pause: float = 2.0,
    patience: float = 30.0,
    fast_forward: Callable[[timedelta], None] | None = None,
) -> None:
    """Play the whole story once. `fast_forward` moves the desk's clock past waits (CSAT delay)."""
    me = Visitor(actions, pause=pause, patience=patience)
    cast = Cast.from_personas(actions.adapter.personas)
    card = await _ask_and_claim(me, cast)
    number = _ticket_number(card)
    await _escalate(me, cast, card, number)
    await _engineering(me, cast, card, number)
    card = await me.wait_for("the card", cast.agent, lambda r: r.id == card.id)
    await me.click(cast.agent, card, "ticket.resolve")
    if fast_forward is not None:
        fast_forward(CSAT_WAIT)  # "an hour later…": the poll waits on a durable timer
    poll = await me.wait_for("the CSAT poll", cast.customer, with_choice)
    before = await me.newest_id(cast.agent)
    await me.choose(cast.customer, poll, "5")
    shout_out = from_bot("kudos", "shoutout")
    await me.wait_for("the shout-out", cast.agent, lambda r: r.id > before and shout_out(r))
    log.info("the story is over: ticket #%s resolved with 5 stars", number)


async def _ask_and_claim(me: Visitor, cast: Cast) -> StoredMessage:
    await me.say(cast.customer, "customers", QUESTION)
    card = await me.wait_for("the ticket card", cast.agent, from_bot("support", "ticket_card"))
    if _has_button(card, "ticket.claim"):  # routing may have assigned it already
        await me.click(cast.agent, card, "ticket.claim")
    return card


async def _escalate(me: Visitor, cast: Cast, card: StoredMessage, number: str) -> None:
    command = f"/support escalate {number} engineering {ESCALATION}"
    await me.say(cast.agent, "support", command, thread=card.message_id)
    wanted = with_button("escalation.approve")
    approval = await me.wait_for("the approval request", cast.lead, wanted)
    await me.click(cast.lead, approval, "escalation.approve")


async def _engineering(me: Visitor, cast: Cast, card: StoredMessage, number: str) -> None:
    """The approved escalation opens a hand-off thread in #engineering; the engineer answers."""
    handoff = await me.wait_for("the hand-off", cast.engineer, from_bot("engineering", "handoff"))
    await me.click(cast.engineer, handoff, "handoff.accept")
    await me.say(cast.engineer, handoff.channel_id, ENGINEER_ANSWER, thread=handoff.message_id)
    handoff = await me.wait_for("the hand-off", cast.engineer, lambda r: r.id == handoff.id)
    await me.click(cast.engineer, handoff, "handoff.done")
    await me.say(cast.agent, "support", f"/support reply {number} {AGENT_REPLY}", card.message_id)


def _has_button(row: StoredMessage, action: str) -> bool:
    return any(b[0] == action for b in row.body.get("buttons", []))


def _ticket_number(card: StoredMessage) -> str:
    for action, _, value, _ in card.body.get("buttons", []):
        if str(action).startswith("ticket.") and str(value).isdigit():
            return str(value)
    raise StoryError("the ticket card carries no ticket number")
