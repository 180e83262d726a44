"""`/support kb …` for agents, answered privately.

/support kb QUERY                  the best articles (public and internal), privately
/support kb send #42 ARTICLE-ID    the article to #42's requester (public ones only)
/support kb draft #42              a draft article file from the ticket, for an admin
"""

from __future__ import annotations

import re
from pathlib import Path

from supportbot import commands as grammar
from supportbot.context import TurnContext
from supportbot.errors import InvalidValueError, NotAllowedError
from supportbot.knowledge import views
from supportbot.knowledge.article import as_locale
from supportbot.knowledge.article_draft import article_draft, write_draft
from supportbot.knowledge.assist import send_article
from supportbot.knowledge.running import Running
from supportbot.knowledge.tickets import read_ticket

USAGE = "kb QUERY | kb send #number ARTICLE-ID | kb draft #number"
SEND_USAGE = "kb send #number ARTICLE-ID"
_NUMBER = re.compile(r"^#?(\d+)$")


async def on_kb(running: Running, ctx: TurnContext, cmd: grammar.Command) -> None:
    desk = ctx.desk
    who = await ctx.person()
    if not desk.people.is_staff(who):
        raise NotAllowedError(
            "only support staff can search the knowledge base", "knowledge.error.staff_only"
        )
    words = cmd.text.split()
    if not words:
        raise InvalidValueError(f"usage: {USAGE}", "error.command.usage", usage=USAGE)
    match words[0].lower():
        case "send":
            number, rest = _ticket(words[1:])
            if len(rest) != 1:
                raise InvalidValueError(
                    f"usage: {SEND_USAGE}", "error.command.usage", usage=SEND_USAGE
                )
            await send_article(running, ctx, number, rest[0])
            ctx.tell(desk.views.note("done", await ctx.locale(), what=f"kb send #{number}"))
        case "draft":
            number, _ = _ticket(words[1:])
            await _draft(running, ctx, number)
        case _:
            await _search(running, ctx, cmd.text.strip())


async def _search(running: Running, ctx: TurnContext, query: str) -> None:
    desk = ctx.desk
    locale = as_locale(await ctx.locale())
    kb = await running.base()
    hits = kb.suggest(query, locale=None, audience=None, limit=5)
    if not hits:
        await desk.tickets.record_event(
            ticket_id=None,
            kind="kb.unanswered",
            data={"query": query[:500], "locale": locale, "where": "search"},
            source=ctx.platform,
            actor=await ctx.person(),
        )
    ctx.tell(views.search_results(desk.templates, query, hits, locale=locale))


async def _draft(running: Running, ctx: TurnContext, number: int) -> None:
    desk = ctx.desk
    async with desk.db.reads() as s:
        ticket = await read_ticket(s, number)
    if ticket is None:
        raise InvalidValueError(
            f"there is no ticket #{number}", "knowledge.error.no_ticket", number=number
        )
    draft = article_draft(ticket, desk.templates)
    path = write_draft(Path(desk.config.knowledge_dir), draft)
    ctx.tell(desk.views.note("knowledge.cli.draft.written", await ctx.locale(), path=path.name))


def _ticket(words: list[str]) -> tuple[int, list[str]]:
    """The ticket number (`#42`, `42` or `# 42`) and the other words."""
    for i, word in enumerate(words):
        if word == "#" and i + 1 < len(words) and words[i + 1].isdigit():
            return int(words[i + 1]), [*words[:i], *words[i + 2 :]]
        if found := _NUMBER.match(word):
            return int(found.group(1)), [*words[:i], *words[i + 1 :]]
    raise InvalidValueError("say which ticket: #number", "knowledge.error.which_ticket")
