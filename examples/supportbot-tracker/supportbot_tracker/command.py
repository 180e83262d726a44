"""`/support tracker #42`: the ticket's tracker issues, answered privately, for support staff.

Read from the ticket's audit trail (the ticket service's `history`), so it also tells an agent
when the outbox could not open an issue and whether it will try again.
"""

from __future__ import annotations

from supportbot.commands import Command
from supportbot.context import TurnContext
from supportbot.messages import Message

from supportbot_tracker.links import TrackerRecord, tracker_record


async def on_tracker(ctx: TurnContext, cmd: Command) -> None:
    desk, locale = ctx.desk, await ctx.locale()
    if not desk.people.is_staff(await ctx.person()):
        ctx.tell(Message(text=desk.views.t("tracker.command.staff_only", locale), kind="error"))
        return
    if cmd.number is None or cmd.text:
        ctx.tell(Message(text=desk.views.t("tracker.command.usage", locale), kind="error"))
        return
    ticket = await ctx.ticket(cmd.number)  # no such ticket: the desk's own refusal
    record = await tracker_record(desk.tickets, ticket.number)
    ctx.tell(_answer(ctx, ticket.number, record, locale))


def _answer(ctx: TurnContext, number: int, record: TrackerRecord, locale: str) -> Message:
    t = ctx.desk.views.t
    lines = [t("tracker.command.line", locale, issue=issue) for issue in record.issues]
    if not lines:
        lines.append(t("tracker.command.none", locale, number=number))
    if record.failure is not None:
        lines.append(t("tracker.command.failed", locale, failure=record.failure))
    title = t("tracker.command.title", locale, number=number)
    return Message(text="\n".join(lines), title=title, kind="tracker.issues")
