"""How supportbot's names travel through Slack's ids, and back.

Slack wants `action_id`s unique within a block and gives us only `block_id`, `action_id`,
`value` and a modal's `private_metadata` to carry state; these encoders keep the round trip
in one place so the renderer and the translators cannot drift apart.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_INDEX_SUFFIX = re.compile(r"~\d+$")
_CHOICE_PREFIX = "choice~"


def action_id(action: str, index: int) -> str:
    """`ticket.claim` as the `index`-th element of its block: `ticket.claim~0`."""
    return f"{action}~{index}"


def action_name(action_id: str) -> str:
    return _INDEX_SUFFIX.sub("", action_id)


def choice_block_id(index: int, context: str) -> str:
    """The block holding a `Choice`; it carries the choice's context (Slack allows 255 chars)."""
    return f"{_CHOICE_PREFIX}{index}~{context}"[:255]


def choice_context(block_id: str) -> str | None:
    """The context of a choice block, or None when the block holds plain buttons."""
    if not block_id.startswith(_CHOICE_PREFIX):
        return None
    return block_id[len(_CHOICE_PREFIX) :].partition("~")[2]


@dataclass(frozen=True, slots=True)
class FormMeta:
    """What a modal carries in `private_metadata`: the form's context and where it was opened."""

    context: str = ""
    channel: str = ""
    thread: str | None = None

    def encode(self) -> str:
        return json.dumps({"context": self.context, "channel": self.channel, "thread": self.thread})

    @classmethod
    def decode(cls, text: str) -> FormMeta:
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict) or "context" not in data:
            return cls(context=text)  # not one of ours: keep it whole
        thread = data.get("thread")
        return cls(
            str(data["context"]),
            str(data.get("channel") or ""),
            thread if isinstance(thread, str) else None,  # Slack echoes it; trust only a string
        )
