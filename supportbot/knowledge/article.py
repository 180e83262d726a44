"""An article of the knowledge base: one Markdown file with YAML front matter.

```
---
title: Reset your password
locale: en            # en | ja
id: password-reset    # optional, default the file name stem; translations share the id
tags: [account, login]
audience: public      # public: customers may see it | internal: agents only
draft: true           # optional: validated, never searched (drafts written from tickets)
---
The text, in Markdown.
```
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Locale = Literal["en", "ja"]
Audience = Literal["public", "internal"]
LOCALES: tuple[Locale, ...] = ("en", "ja")
AUDIENCES: tuple[Audience, ...] = ("public", "internal")


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    locale: Locale
    title: str
    body: str  # Markdown, as written
    tags: tuple[str, ...] = ()
    audience: Audience = "internal"
    file: str = ""
    line: int = 1  # where the body starts in the file
    draft: bool = False

    @property
    def key(self) -> tuple[str, Locale]:
        return (self.id, self.locale)

    @property
    def public(self) -> bool:
        return self.audience == "public"


def as_locale(value: str | None, default: Locale = "en") -> Locale:
    """A ticket's or person's locale as one the knowledge base has (`ja-JP` → `ja`)."""
    base = (value or "").split("-")[0].split("_")[0].lower()
    for locale in LOCALES:
        if base == locale:
            return locale
    return default
