"""The page's own words, from the `playground.*` templates in the persona's language."""

from __future__ import annotations

from supportbot import markup
from supportbot.templates import Templates

PREFIX = "playground."
# Placeholders the page fills in itself (a channel name, a count), passed through untouched.
_SLOTS = {name: markup.Safe("{" + name + "}") for name in ("channel", "bot", "count")}


def ui_strings(templates: Templates, locale: str) -> dict[str, str]:
    return {
        name.removeprefix(PREFIX): markup.to_plain(templates.render(name, locale, **_SLOTS))
        for name in sorted(templates.catalog.names())
        if name.startswith(PREFIX)
    }
