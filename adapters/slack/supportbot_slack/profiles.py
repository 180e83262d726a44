"""Names and locales of Slack users, looked up once per user (`users.info`) and remembered.

Events carry only user ids; the desk greets customers by name and in their language.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from supportbot.adapter import DeliveryError
from supportbot.events import Actor

log = logging.getLogger(__name__)
Lookup = Callable[[str], Awaitable[dict[str, Any]]]


class Profiles:
    def __init__(self, lookup: Lookup, *, capacity: int = 2048) -> None:
        self._lookup = lookup
        self._capacity = capacity
        self._known: OrderedDict[str, tuple[str, str | None]] = OrderedDict()

    async def complete(self, actor: Actor) -> Actor:
        """The actor with `display_name` and `locale` filled in when Slack knows them."""
        if actor.display_name and actor.locale:
            return actor
        name, locale = await self._profile(actor.user_id)
        return dataclasses.replace(
            actor, display_name=actor.display_name or name, locale=actor.locale or locale
        )

    async def _profile(self, user_id: str) -> tuple[str, str | None]:
        if user_id in self._known:
            self._known.move_to_end(user_id)
            return self._known[user_id]
        try:
            user = await self._lookup(user_id)
        except DeliveryError as exc:
            log.warning("no profile for Slack user %s: %s", user_id, exc)
            if exc.retryable:
                return "", None  # not remembered: the next event tries again
            user = {}  # e.g. user_not_found: asking again would not help
        found = (_name(user), _language(user.get("locale")))
        self._known[user_id] = found
        if len(self._known) > self._capacity:
            self._known.popitem(last=False)
        return found


def _name(user: dict[str, Any]) -> str:
    profile = user.get("profile") or {}
    for name in (profile.get("display_name"), profile.get("real_name"), user.get("real_name")):
        if name:
            return str(name)
    return str(user.get("name") or "")


def _language(locale: object) -> str | None:
    # Slack says "ja-JP"; supportbot's catalogs are per language ("ja").
    return str(locale).split("-")[0].lower() if locale else None
