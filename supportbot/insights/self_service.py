"""Self-service and suggested replies in the report, read from the tickets' audit rows.

The knowledge feature writes one audit row per thing that happened (no table of its own):
`kb.suggested` (articles shown to the requester), `resolved` with `self_served` (*This solved
it*), `kb.assumed` (no button, reply or reopen within `knowledge.assume_solved_after`),
`kb.declined` and `kb.feedback` {reason}, `kb.unanswered` {query} (a ticket or a search with no
good article), `kb.drafted` and `kb.draft` {outcome: sent | edited | dismissed}.

Rows are read by kind and time (indexed columns) and counted here, so the same code runs on
SQLite and PostgreSQL without JSON operators.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot.insights.model import ratio
from supportbot.insights.period import Period
from supportbot.store.models import TicketEvent

KINDS = (
    "kb.suggested",
    "kb.assumed",
    "kb.declined",
    "kb.feedback",
    "kb.unanswered",
    "kb.drafted",
    "kb.draft",
    "kb.sent",
    "resolved",
)
TOP_SEARCHES = 10


@dataclass(frozen=True, slots=True)
class ArticleHelp:
    article: str
    shown: int  # tickets it was suggested on
    solved: int  # *This solved it* with it on the card
    assumed: int
    declined: int
    not_related: int
    not_answered: int
    sent_by_agents: int

    @property
    def helpfulness(self) -> float | None:
        """Solved (confirmed or assumed) per time it was shown."""
        return ratio(self.solved + self.assumed, self.shown)


@dataclass(frozen=True, slots=True)
class Unanswered:
    query: str
    count: int


@dataclass(frozen=True, slots=True)
class SelfService:
    suggested: int  # tickets whose requester was shown articles
    confirmed: int  # the requester clicked *This solved it*
    assumed: int
    declined: int
    not_related: int
    not_answered: int
    articles: tuple[ArticleHelp, ...]
    unanswered: tuple[Unanswered, ...]  # top searches and questions with no good article
    drafted: int
    drafts_sent: int
    drafts_edited: int
    drafts_dismissed: int

    @property
    def rate(self) -> float | None:
        """Self-served (confirmed + assumed) per ticket shown articles."""
        return ratio(self.confirmed + self.assumed, self.suggested)

    @property
    def confirmed_rate(self) -> float | None:
        return ratio(self.confirmed, self.suggested)

    @property
    def assumed_rate(self) -> float | None:
        return ratio(self.assumed, self.suggested)

    @property
    def active(self) -> bool:
        return bool(self.suggested or self.drafted or self.unanswered)

    def draft_share(self, outcome: str) -> float | None:
        n = {"sent": self.drafts_sent, "edited": self.drafts_edited}.get(
            outcome, self.drafts_dismissed
        )
        return ratio(n, self.drafted)


async def self_service(session: AsyncSession, period: Period) -> SelfService:
    query = (
        select(TicketEvent.ticket_id, TicketEvent.kind, TicketEvent.data)
        .where(
            TicketEvent.kind.in_(KINDS),
            TicketEvent.at >= period.since,
            TicketEvent.at < period.until,
        )
        .order_by(TicketEvent.at, TicketEvent.id)
    )
    rows = [(t, k, d if isinstance(d, dict) else {}) for t, k, d in await session.execute(query)]
    return summarize(rows)


def summarize(rows: Iterable[tuple[int | None, str, dict[str, Any]]]) -> SelfService:
    shown: dict[int, list[str]] = {}
    per: dict[str, Counter[str]] = {}
    outcomes: Counter[str] = Counter()
    searches: Counter[str] = Counter()
    examples: dict[str, str] = {}
    counts: Counter[str] = Counter()

    def add(articles: Iterable[str], what: str) -> None:
        for article in articles:
            per.setdefault(article, Counter())[what] += 1

    for ticket, kind, data in rows:
        ids = [str(a) for a in data.get("articles", []) if isinstance(a, str)]
        match kind:
            case "kb.suggested" if ticket is not None:
                ids = [str(a.get("id")) for a in data.get("articles", []) if isinstance(a, dict)]
                shown[ticket] = ids
                add(ids, "shown")
                counts["suggested"] += 1
            case "resolved" if data.get("self_served"):
                counts["confirmed"] += 1
                add(ids, "solved")
            case "kb.assumed":
                counts["assumed"] += 1
                add(ids, "assumed")
            case "kb.declined":
                counts["declined"] += 1
                add(ids, "declined")
            case "kb.feedback":
                reason = str(data.get("reason", ""))
                counts[reason] += 1
                add(ids, reason)
            case "kb.unanswered":
                text = str(data.get("query", "")).strip()
                key = _normal(text)
                if key:
                    searches[key] += 1
                    examples.setdefault(key, " ".join(text.split())[:120])
            case "kb.drafted":
                counts["drafted"] += 1
            case "kb.draft":
                outcomes[str(data.get("outcome", ""))] += 1
            case "kb.sent":
                add([str(data.get("article", ""))], "sent")
    articles = tuple(
        sorted(
            (
                ArticleHelp(
                    name,
                    c["shown"],
                    c["solved"],
                    c["assumed"],
                    c["declined"],
                    c["not_related"],
                    c["not_answered"],
                    c["sent"],
                )
                for name, c in per.items()
                if name
            ),
            key=lambda a: (-a.shown, -a.sent_by_agents, a.article),
        )
    )
    top = sorted(searches.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SEARCHES]
    return SelfService(
        suggested=counts["suggested"],
        confirmed=counts["confirmed"],
        assumed=counts["assumed"],
        declined=counts["declined"],
        not_related=counts["not_related"],
        not_answered=counts["not_answered"],
        articles=articles,
        unanswered=tuple(Unanswered(examples[k], n) for k, n in top),
        drafted=counts["drafted"],
        drafts_sent=outcomes["sent"],
        drafts_edited=outcomes["edited"],
        drafts_dismissed=outcomes["dismissed"],
    )


def _normal(text: str) -> str:
    """Searches that differ only in case, width or spacing count as one."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
