"""Who may use the playground: whoever holds its access token.

Anyone who reaches the playground can act as anyone, so being on this machine cannot be the
test: behind a reverse proxy on the same host every visitor is 127.0.0.1. The playground is off
unless asked for (`SUPPORTBOT_PLAYGROUND=on`; `supportbot demo` asks), and then every request
must carry a token printed at start-up (random per start, or `SUPPORTBOT_PLAYGROUND_TOKEN`).

The printed link is `/playground?token=…`: the page answers it with an HttpOnly, SameSite
cookie and sends the browser on to the same address without the token (so it stays out of
history and referrers); the page's API calls and its WebSocket then carry the cookie. Other
clients may send the token in an `X-Playground-Token` header instead.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from supportbot import markup
from supportbot.templates import Templates

SWITCH = "SUPPORTBOT_PLAYGROUND"
TOKEN = "SUPPORTBOT_PLAYGROUND_TOKEN"
COOKIE = "supportbot_playground"
HEADER = "X-Playground-Token"
PATH = "/playground"
_ON = frozenset({"1", "on", "true", "yes"})


def is_on(env: Mapping[str, str]) -> bool:
    """The playground runs only when asked for (`SUPPORTBOT_PLAYGROUND=on`)."""
    return env.get(SWITCH, "").strip().lower() in _ON


@dataclass(frozen=True, slots=True)
class Access:
    token: str
    templates: Templates

    @classmethod
    def from_env(cls, env: Mapping[str, str], templates: Templates) -> Access:
        return cls(env.get(TOKEN, "").strip() or secrets.token_urlsafe(24), templates)

    def link(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}{PATH}?token={self.token}"

    def allows(self, request: web.Request) -> bool:
        offered = request.headers.get(HEADER) or request.cookies.get(COOKIE) or ""
        return hmac.compare_digest(offered.encode(), self.token.encode())

    def guard(self, request: web.Request) -> None:
        if not self.allows(request):
            raise web.HTTPForbidden(text=self._refusal(request))

    def admit(self, request: web.Request) -> None:
        """For the page: a valid `?token=` becomes the cookie (by a redirect without it)."""
        offered = request.query.get("token")
        if offered is None:
            self.guard(request)
            return
        if not hmac.compare_digest(offered.encode(), self.token.encode()):
            raise web.HTTPForbidden(text=self._refusal(request))
        redirect = web.HTTPSeeOther(request.rel_url.without_query_params("token"))
        redirect.set_cookie(COOKIE, self.token, path=PATH, httponly=True, samesite="Strict")
        raise redirect

    def _refusal(self, request: web.Request) -> str:
        languages = request.headers.get("Accept-Language", "").lower()
        locale = "ja" if languages.startswith("ja") else "en"
        return markup.to_plain(self.templates.render("playground.access_refused", locale))
