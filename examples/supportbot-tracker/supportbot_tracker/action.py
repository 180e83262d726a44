"""`open_tracker_issue`: the workflow action. It renders the issue in the turn and leaves the
call to the outbox: nothing is sent until the turn has committed.

    - action: open_tracker_issue
      with:
        project: acme/app
        title: "[{{ ticket.priority }}] {{ ticket.subject }}"
        labels: [support, from-chat]                                 # plain text
"""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field
from supportbot.intents import CallService
from supportbot.markup import to_plain
from supportbot.plugins import Hooks
from supportbot.tickets.view import TicketView
from supportbot.workflows.context import ActionContext
from supportbot.workflows.inline import InlineTemplate, environment, plain
from supportbot.workflows.simulation import Simulation

from supportbot_tracker.issues import SERVICE, IssueRequest, Label, Project

BODY_TEMPLATE = "tracker.issue_body"  # in the plug-in's catalog; admins may override it
TITLE_LENGTH = 256


class OpenTrackerIssue(BaseModel):
    """Open an issue about the ticket in the tracker (GitHub-style REST API; its URL and token
    come from the environment). It is sent after the turn's commit and retried while the
    tracker is down; once made, the issue is linked back to the ticket: an audit row, the tag
    `tracker:<project>#<number>` and a note in the ticket's thread.

    Pair it with the condition `tracker.linked: false` to open one issue per ticket.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    project: Project = Field(description="the tracker project, owner/repository")
    title: InlineTemplate = Field(
        default="{{ ticket.subject }}", description="the issue's title (a template)"
    )
    body: InlineTemplate | None = Field(
        default=None,
        description=f"the issue's text (a template); default: the catalog template "
        f"{BODY_TEMPLATE} in the desk's language",
    )
    labels: list[Label] = Field(default_factory=list, max_length=10)
    assignees: list[str] = Field(
        default_factory=list, max_length=10, description="the tracker's user names"
    )


async def open_tracker_issue(ctx: ActionContext, p: OpenTrackerIssue) -> None:
    ticket = await ctx.ticket()
    request = IssueRequest(
        project=p.project,
        title=_title(ctx, p, ticket),
        body=_body(ctx, p, ticket),
        labels=tuple(p.labels),
        assignees=tuple(p.assignees),
        request=uuid.uuid4().hex,  # made once: every retry of the outbox row carries it
        ticket=ticket.number,
    )
    ctx.emit(CallService(SERVICE, request.model_dump(mode="json"), ticket.number))


def _title(ctx: ActionContext, p: OpenTrackerIssue, ticket: TicketView) -> str:
    text = environment().from_string(p.title).render(**plain(ctx.values(ticket)))
    title = " ".join(text.split()) or ticket.subject  # an empty title would be refused (422)
    return title[:TITLE_LENGTH]


def _body(ctx: ActionContext, p: OpenTrackerIssue, ticket: TicketView) -> str:
    if p.body is not None:
        return environment().from_string(p.body).render(**plain(ctx.values(ticket)))
    # Catalog templates write chat markup (escaped values); the tracker gets plain text.
    return to_plain(ctx.render_internal(BODY_TEMPLATE, ticket))


def simulate(sim: Simulation, p: OpenTrackerIssue) -> None:
    """In a replay: counted as a call to the tracker (the link back comes from outside)."""
    sim.would_call(f"tracker:{p.project}")


def register(hooks: Hooks) -> None:
    hooks.action("open_tracker_issue", OpenTrackerIssue, simulate=simulate)(open_tracker_issue)
