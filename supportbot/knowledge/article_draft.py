"""A draft article file from a ticket: its question, its public answer, tags and locale.

`/support kb draft #42` (and `supportbot kb draft 42`) write it under `<knowledge>/drafts/`,
with `draft: true`, for an admin to edit and commit; drafts are validated but never searched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from supportbot import markup
from supportbot.knowledge.tickets import ResolvedTicket
from supportbot.templates import Templates

DRAFTS = "drafts"


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    id: str
    file_name: str  # e.g. "ticket-42.ja.md"
    text: str


def article_draft(ticket: ResolvedTicket, templates: Templates) -> ArticleDraft:
    article_id = f"ticket-{ticket.number}"
    tags = list(dict.fromkeys([*(t for t in ticket.tags if t), *filter(None, [ticket.category])]))
    meta = {
        "title": ticket.subject.strip() or article_id,
        "locale": ticket.locale,
        "id": article_id,
        "tags": tags,
        "audience": "public",
        "draft": True,
    }
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1000)
    t = templates.render

    def heading(name: str) -> str:
        return markup.to_plain(t(f"knowledge.article_draft.{name}", ticket.locale))

    comment = markup.to_plain(
        t("knowledge.article_draft.comment", ticket.locale, number=ticket.number)
    )
    answer = "\n\n".join(ticket.answers) or "…"
    body = (
        f"<!-- {comment} -->\n\n## {heading('question')}\n\n{ticket.question}\n\n"
        f"## {heading('answer')}\n\n{answer}\n"
    )
    return ArticleDraft(article_id, f"{article_id}.{ticket.locale}.md", f"---\n{front}---\n{body}")


def write_draft(folder: Path, draft: ArticleDraft) -> Path:
    """Write under `folder/drafts/`, never over an existing file (adds -2, -3, …)."""
    target = folder / DRAFTS
    target.mkdir(parents=True, exist_ok=True)
    stem = draft.file_name.removesuffix(".md")
    path, n = target / draft.file_name, 1
    while path.exists():
        n += 1
        path = target / f"{stem}-{n}.md"
    with path.open("x", encoding="utf-8") as out:
        out.write(draft.text)
    return path
