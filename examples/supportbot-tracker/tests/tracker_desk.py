"""What the tracker's tests share: the desk's config, the workflow they run, the outbox's clock."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from supportbot.config import Config
from supportbot.testing import DeskHarness

TOKEN = "t0ken-for-tests"
StartDesk = Callable[..., Awaitable[DeskHarness]]

OUTAGE_WORKFLOW = """\
version: 1
workflows:
  - name: outage-to-tracker
    trigger: ticket.created
    if: {{text.contains_any: [outage, down, 障害]}}
    steps:
      - action: open_tracker_issue
        with:
          project: {project}
          title: "[{{{{ ticket.priority }}}}] {{{{ ticket.subject }}}}"
          labels: [support, outage]
  - name: down-later
    trigger: message.received
    if:
      all:
        - text.contains_any: [outage, down, 障害]
        - tracker.linked: false
    steps:
      - action: open_tracker_issue
        with: {{project: {project}, title: "{{{{ event.text }}}}"}}
  - name: follow-up-on-linked
    trigger: message.received
    if: {{tracker.linked: {project}}}
    steps:
      - action: add_tags
        with: {{tags: [engineering-watching]}}
"""


def desk_config() -> Config:
    person = {"roles": ["agent"], "teams": ["tier1"]}
    return Config.model_validate(
        {
            "desk_name": "Acme Support",
            "support_channel": {"chat": "support"},
            "intake_channels": [{"platform": "chat", "channel": "customers"}],
            "teams": [{"name": "tier1", "default": True}],
            "people": [
                {"id": "ben", "name": "Ben Carter", **person},
                {"id": "aiko", "name": "田中 愛子", "locale": "ja", **person},
            ],
        }
    )


async def retry_later(h: DeskHarness, after: timedelta = timedelta(minutes=5)) -> int:
    """Let the outbox's back-off pass and send what it kept (as the server's loop would)."""
    h.clock.advance(after)
    sent: int = await h.desk.courier.retry_due()
    return sent
