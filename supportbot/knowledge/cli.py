"""`supportbot kb validate | search | gaps | draft`: the knowledge base from the command line.

The main CLI calls `add_commands(subparsers)` (also exported as `register`); every handler
returns an exit code: 0 done, 1 problems found (or no such ticket), 2 a usage, configuration
or database problem. What it prints comes from templates, in the desk's language.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from supportbot import markup
from supportbot.config import Config, ConfigError, load_config
from supportbot.durations import format_duration, parse_duration
from supportbot.knowledge.analyzer import Analyzer
from supportbot.knowledge.article import AUDIENCES, LOCALES
from supportbot.knowledge.article_draft import article_draft, write_draft
from supportbot.knowledge.base import KnowledgeBase, KnowledgeError, build_snapshot
from supportbot.knowledge.gaps import Gap, group_gaps, unanswered
from supportbot.knowledge.loader import knowledge_folder
from supportbot.knowledge.segmenter import JapaneseSegmenter
from supportbot.knowledge.tickets import ResolvedTicket, read_resolved, read_ticket
from supportbot.templates import Templates
from supportbot.yamldoc import Problem

DEFAULT_CONFIG = Path("config/supportbot.yaml")
Subparsers = Any  # argparse's _SubParsersAction is private


def add_commands(subparsers: Subparsers) -> None:
    group = subparsers.add_parser("kb", help="the knowledge base: validate, search, gaps, draft")
    commands = group.add_subparsers(dest="kb_command", required=True)
    validate = commands.add_parser("validate", help="report every problem in the articles")
    validate.set_defaults(handler=validate_command, func=validate_command)
    search = commands.add_parser("search", help="the articles that best answer a question")
    search.add_argument("text")
    search.add_argument("--locale", choices=LOCALES)
    search.add_argument("--audience", choices=AUDIENCES, help="default: every article")
    search.add_argument("--limit", type=_positive, default=5)
    search.add_argument("--format", choices=("table", "json"), default="table")
    search.set_defaults(handler=search_command, func=search_command)
    gaps = commands.add_parser("gaps", help="groups of resolved tickets no article answers")
    gaps.add_argument("--since", default="30d", help="how far back, e.g. 30d (default)")
    gaps.add_argument("--format", choices=("table", "json"), default="table")
    gaps.set_defaults(handler=gaps_command, func=gaps_command)
    draft = commands.add_parser("draft", help="write a draft article from a ticket")
    draft.add_argument("number", type=lambda s: _positive(s.lstrip("#")))
    draft.set_defaults(handler=draft_command, func=draft_command)
    for sub in (validate, search, gaps, draft):
        sub.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="config file")
        sub.add_argument("--dir", type=Path, help="the knowledge folder (default: the config's)")


register = add_commands


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value} is not a positive number")
    return number


class _Context:
    """What every command needs: the config, the folder, and sentences in the desk's language."""

    def __init__(self, args: argparse.Namespace) -> None:
        explicit = getattr(args, "config", None) or os.environ.get("SUPPORTBOT_CONFIG")
        file = (
            Path(explicit) if explicit else (DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None)
        )
        self.config: Config = load_config(file, os.environ)
        self.folder: Path = args.dir or knowledge_folder(self.config.knowledge_dir, file)
        self.templates = Templates.from_folders()

    def say(self, name: str, *, err: bool = False, **values: Any) -> None:
        text = markup.to_plain(self.templates.render(name, self.config.locale, **values))
        print(text, file=sys.stderr if err else sys.stdout)

    def problems(self, problems: Sequence[Problem]) -> None:
        for problem in sorted(problems, key=lambda p: (p.file, p.line, p.column)):
            print(problem, file=sys.stderr)
        self.say("knowledge.cli.problems", err=True, count=len(problems))

    def knowledge(self) -> KnowledgeBase | None:
        kb = KnowledgeBase(self.folder)
        try:
            kb.load_now()
        except KnowledgeError as exc:
            self.say("knowledge.cli.invalid", err=True)
            self.problems(exc.problems)
            return None
        return kb


def _context(args: argparse.Namespace) -> _Context | None:
    try:
        return _Context(args)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return None


def validate_command(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if ctx is None:
        return 2
    if not ctx.folder.is_dir():
        ctx.say("knowledge.cli.no_folder", err=True, folder=str(ctx.folder))
        return 1
    snapshot, problems = build_snapshot(ctx.folder, JapaneseSegmenter())
    if snapshot is None:
        ctx.problems(problems)
        return 1
    articles = snapshot.index.articles
    en, ja = (sum(a.locale == loc for a in articles) for loc in LOCALES)
    ctx.say(
        "knowledge.cli.valid", articles=len(articles), drafts=len(snapshot.drafts), en=en, ja=ja
    )
    return 0


def search_command(args: argparse.Namespace) -> int:
    ctx = _context(args)
    kb = ctx.knowledge() if ctx else None
    if ctx is None or kb is None:
        return 2
    hits = kb.search(args.text, locale=args.locale, audience=args.audience, limit=args.limit)
    if args.format == "json":
        rows = [{"id": h.article.id, "title": h.article.title, "locale": h.article.locale,
                 "score": round(h.score, 4)} for h in hits]  # fmt: skip
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not hits:
        ctx.say("knowledge.cli.no_results")
    else:
        ctx.say("knowledge.cli.header")
        for h in hits:
            print(f"{h.score:5.3f}  {h.article.id} / {h.article.locale}  {h.article.title}")
    return 0


def gaps_command(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if ctx is None:
        return 2
    try:
        since = parse_duration(args.since)
    except ValueError:
        ctx.say("knowledge.cli.bad_since", err=True, value=args.since)
        return 2
    kb = ctx.knowledge()
    tickets = _read(ctx, lambda s: read_resolved(s, since=datetime.now(UTC) - since))
    if kb is None or tickets is None:
        return 2
    missing = unanswered(kb, tickets)
    gaps = group_gaps(missing, Analyzer(kb.segmenter, kb.index.analyzer.synonyms))
    if args.format == "json":
        print(json.dumps([_gap_json(g) for g in gaps], ensure_ascii=False, indent=2))
        return 0
    ctx.say("knowledge.cli.gaps.summary", unanswered=len(missing), tickets=len(tickets),
            since=format_duration(since), groups=len(gaps))  # fmt: skip
    for gap in gaps:
        ctx.say("knowledge.cli.gaps.group", count=len(gap.tickets), terms=", ".join(gap.words))
        for t in gap.tickets:
            ctx.say("knowledge.cli.gaps.ticket", number=t.number, subject=t.subject)
    return 0


def _gap_json(gap: Gap) -> dict[str, Any]:
    return {"words": list(gap.words), "tickets": [t.number for t in gap.tickets],
            "subjects": [t.subject for t in gap.tickets]}  # fmt: skip


def draft_command(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if ctx is None:
        return 2
    found = _read(ctx, lambda s: read_ticket(s, args.number))
    if found is None:
        return 2
    ticket = found[0] if found else None
    if ticket is None:
        ctx.say("knowledge.cli.draft.no_ticket", err=True, number=args.number)
        return 1
    path = write_draft(ctx.folder, article_draft(ticket, ctx.templates))
    ctx.say("knowledge.cli.draft.written", path=str(path))
    return 0


Query = Callable[[AsyncSession], Awaitable[list[ResolvedTicket] | ResolvedTicket | None]]


def _read(ctx: _Context, query: Query) -> list[ResolvedTicket] | None:
    """Run a read-only query; None (after saying why) when the database cannot be read."""
    from supportbot.insights.reader import open_reader

    async def run() -> list[ResolvedTicket]:
        db = open_reader(ctx.config.database_url)
        try:
            async with db.reads() as session:
                result = await query(session)
        finally:
            await db.engine.dispose()
        if isinstance(result, list):
            return result
        return [] if result is None else [result]

    try:
        return asyncio.run(run())
    except (SQLAlchemyError, OSError) as exc:
        ctx.say("knowledge.cli.database", err=True, reason=str(exc).splitlines()[0])
        return None


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry: `python -m supportbot.knowledge.cli search …`."""
    parser = argparse.ArgumentParser(prog="supportbot")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["kb", *(argv if argv is not None else sys.argv[1:])])
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
