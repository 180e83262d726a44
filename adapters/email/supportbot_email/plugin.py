"""The `email` entry point: builds an `EmailAdapter` when e-mail is configured."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from supportbot import markup
from supportbot.adapter import AdapterContext
from supportbot.templates import Templates
from supportbot_email.settings import INBOUND_PATH, EmailSettings

if TYPE_CHECKING:
    from supportbot_email.adapter import EmailAdapter
    from supportbot_email.inbound import Texts
    from supportbot_email.trust import DnsLookup


class EmailPlugin:
    """Entry point `supportbot.adapters: email`."""

    name = "email"

    def __init__(self, dns: DnsLookup | None = None) -> None:
        self.dns = dns  # tests answer DKIM key look-ups themselves; the entry point asks DNS

    def create(self, ctx: AdapterContext) -> EmailAdapter | None:
        settings = EmailSettings.from_env(ctx.env, ctx.config)
        if settings is None:
            return None
        # The mail libraries (aiosmtpd, dkimpy, …) load only when e-mail is configured.
        from supportbot_email.adapter import EmailAdapter
        from supportbot_email.csat import PATH as CSAT_PATH
        from supportbot_email.csat import CsatRoute
        from supportbot_email.http import InboundRoute
        from supportbot_email.threads import ThreadStore

        threads = ThreadStore(ctx.sessions)
        texts = catalog_texts(ctx)
        adapter = EmailAdapter(
            settings=settings,
            sink=ctx.sink,
            directory=ctx.directory,
            threads=threads,
            texts=texts,
            sessions=ctx.sessions,
            dns=self.dns,
        )
        route = InboundRoute(adapter.inbound, ctx.sessions, settings.limits.max_bytes)
        ctx.app.router.add_post(INBOUND_PATH, route)
        csat = CsatRoute(
            settings=settings,
            sink=ctx.sink,
            sessions=ctx.sessions,
            texts=texts,
            locale=ctx.config.locale,
        )
        ctx.app.router.add_get(CSAT_PATH, csat)
        if adapter.mailroom is not None:  # the playground's mail view reads and writes here
            from supportbot.playground.mail import MAILROOM

            ctx.app[MAILROOM] = adapter.mailroom
        return adapter


def catalog_texts(ctx: AdapterContext) -> Texts:
    """Plain text from the desk's catalogs (admin overrides in the workflows folder first)."""
    templates = ctx.templates or Templates.from_folders(Path(ctx.config.workflows_dir, "templates"))
    desk_locale = ctx.config.locale

    def text(name: str, locale: str | None, **values: Any) -> str:
        return markup.to_plain(templates.render(name, locale or desk_locale, **values))

    return text
