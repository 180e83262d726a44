"""The playground's mail view: a visitor writes to the support address and reads the desk's mail.

    GET  /playground/mail?as=ADDRESS   the mailbox of ADDRESS (mail they wrote, mail they got)
    POST /playground/mail              write a mail (form: as, name, subject, body, reply_to)
    GET  /playground/mail/api/letters  every letter, as JSON (newest last)

The mail itself goes through the e-mail adapter (`adapters/email`), which the demo runs with
`EMAIL_RELAY=playground`: instead of an SMTP relay it keeps the desk's mail in a `Mailroom`, and
the visitor's mail enters through the adapter's own intake, as a mail from an MX would. This
module knows the mailroom only as the port below (`MAILROOM` on the app), so the core imports
no adapter. Same access rule as the rest of the playground: the token's cookie.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Protocol
from urllib.parse import quote

from aiohttp import web

from supportbot import markup
from supportbot.playground.access import Access
from supportbot.templates import Templates

PATH = "/playground/mail"
VISITOR = "dana@globex.example"  # whom the view writes as until told otherwise
_URL = re.compile(r"https?://[^\s<>\"']+")


@dataclass(frozen=True, slots=True)
class Letter:
    """One mail, as the mail view shows it."""

    sender: str
    sender_name: str
    to: str
    subject: str
    text: str
    message_id: str
    outgoing: bool  # the desk wrote it
    status: str = ""  # for the visitor's mail: what the desk answered (accepted, ignored, …)


@dataclass(frozen=True, slots=True)
class Draft:
    sender: str
    sender_name: str
    subject: str
    text: str
    reply_to: str = ""  # the Message-ID of the desk's mail this answers


class Mailroom(Protocol):
    """The e-mail adapter's playground relay (`supportbot_email.mailroom`)."""

    @property
    def address(self) -> str: ...

    def letters(self) -> Sequence[Letter]: ...

    async def write(self, draft: Draft) -> Letter: ...


MAILROOM = web.AppKey("supportbot.playground.mailroom", Mailroom)


def mount(app: web.Application, access: Access, templates: Templates, locale: str) -> None:
    view = MailView(access, templates, locale)
    app.router.add_get(PATH, view.page)
    app.router.add_post(PATH, view.send)
    app.router.add_get(PATH + "/api/letters", view.letters)


class MailView:
    def __init__(self, access: Access, templates: Templates, locale: str) -> None:
        self.access = access
        self.templates = templates
        self.locale = locale

    def _room(self, request: web.Request) -> Mailroom:
        room = request.app.get(MAILROOM)
        if room is None:
            raise web.HTTPNotFound(text=self._t("email.playground.off"))
        return room

    def _t(self, name: str, **values: object) -> str:
        return markup.to_plain(self.templates.render(name, self.locale, **values))

    async def letters(self, request: web.Request) -> web.Response:
        self.access.guard(request)
        return web.json_response([asdict(x) for x in self._room(request).letters()])

    async def send(self, request: web.Request) -> web.Response:
        self.access.guard(request)
        room = self._room(request)
        form = await request.post()
        draft = Draft(
            sender=str(form.get("as", "")).strip().lower(),
            sender_name=str(form.get("name", "")).strip(),
            subject=str(form.get("subject", "")).strip(),
            text=str(form.get("body", "")),
            reply_to=str(form.get("reply_to", "")).strip(),
        )
        if "@" not in draft.sender or not (draft.subject or draft.text.strip()):
            raise web.HTTPBadRequest(text=self._t("email.playground.incomplete"))
        await room.write(draft)
        raise web.HTTPSeeOther(request.rel_url.with_query({"as": draft.sender}))

    async def page(self, request: web.Request) -> web.Response:
        self.access.admit(request)
        room = self._room(request)
        me = request.query.get("as", "").strip().lower() or VISITOR
        mine = [x for x in room.letters() if me in (x.sender, x.to)]
        return web.Response(text=self._render(room.address, me, mine), content_type="text/html")

    def _render(self, address: str, me: str, letters: Sequence[Letter]) -> str:
        t, e = self._t, html.escape
        rows = (
            "".join(self._letter(x, me) for x in letters)
            or f"<p>{e(t('email.playground.empty'))}</p>"
        )
        return _PAGE.format(
            lang=e(self.locale),
            title=e(t("email.playground.title", address=address)),
            intro=e(t("email.playground.intro", address=address)),
            me=e(me),
            me_q=e(quote(me)),
            l_from=e(t("email.playground.from")),
            l_name=e(t("email.playground.name")),
            l_subject=e(t("email.playground.subject")),
            l_body=e(t("email.playground.body")),
            l_send=e(t("email.playground.send")),
            l_refresh=e(t("email.playground.refresh")),
            l_mailbox=e(t("email.playground.mailbox", address=me)),
            letters=rows,
        )

    def _letter(self, x: Letter, me: str) -> str:
        t, e = self._t, html.escape
        who = t("email.playground.from_desk") if x.outgoing else t("email.playground.from_you")
        reply = ""
        if x.outgoing:
            subject = x.subject if x.subject.lower().startswith("re:") else f"Re: {x.subject}"
            reply = _REPLY.format(
                me=e(me),
                subject=e(subject),
                reply_to=e(x.message_id),
                l_reply=e(t("email.playground.reply")),
            )
        status = f' <span class="status">{e(x.status)}</span>' if x.status else ""
        return (
            f'<article class="{"desk" if x.outgoing else "visitor"}" data-testid="letter">'
            f"<header><b>{e(who)}</b> {e(x.sender_name)} &lt;{e(x.sender)}&gt; → {e(x.to)}"
            f"{status}<br><b>{e(x.subject)}</b></header>"
            f"<pre>{_linked(x.text)}</pre>{reply}</article>"
        )


def _linked(text: str) -> str:
    """The text escaped, its http(s) URLs clickable (a CSAT poll's links)."""
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0)
        out += [
            html.escape(text[last : match.start()]),
            f'<a href="{html.escape(url)}">{html.escape(url)}</a>',
        ]
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


_REPLY = """<details><summary>{l_reply}</summary>
<form method="post" action="/playground/mail">
<input type="hidden" name="as" value="{me}"><input type="hidden" name="reply_to" value="{reply_to}">
<input name="subject" value="{subject}"><textarea name="body" rows="4"></textarea>
<button type="submit">{l_reply}</button></form></details>"""

_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 52em; margin: 2em auto; padding: 0 1em; }}
form {{ display: grid; gap: .4em; margin: .6em 0; }} input, textarea {{ font: inherit; }}
article {{ border: 1px solid #ccc; border-radius: 6px; padding: .6em 1em; margin: .8em 0; }}
article.desk {{ background: #f4f8ff; }} pre {{ white-space: pre-wrap; font: inherit; }}
.status {{ color: #666; font-size: .85em; }}
</style></head><body>
<h1>{title}</h1><p>{intro}</p>
<form method="post" action="/playground/mail" data-testid="compose">
<label>{l_from} <input name="as" value="{me}" required></label>
<label>{l_name} <input name="name"></label>
<label>{l_subject} <input name="subject"></label>
<label>{l_body} <textarea name="body" rows="6"></textarea></label>
<button type="submit">{l_send}</button></form>
<h2>{l_mailbox} <a href="?as={me_q}">{l_refresh}</a></h2>
{letters}
</body></html>
"""
