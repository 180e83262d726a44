"""Tell the admins when an edit to the workflow files was refused (and where the error is)."""

from __future__ import annotations

from supportbot.desk import Desk
from supportbot.happenings import Turn
from supportbot.intents import SendDirect
from supportbot.messages import Message
from supportbot.workflows.versions import ReloadResult

MAX_PROBLEMS = 20  # a chat message, not a log: the CLI lists everything


async def tell_admins(desk: Desk, result: ReloadResult, loaded_by: str, _on: object) -> None:
    """DM each admin the problems of a refused reload that no admin asked for (watch, SIGHUP).

    `/support admin reload` answers the admin who asked, so it needs no DM.
    """
    if result.ok or loaded_by not in ("watch", "SIGHUP"):
        return
    problems = [str(p) for p in result.problems[:MAX_PROBLEMS]]
    more = max(0, len(result.problems) - MAX_PROBLEMS)
    turn = Turn(source="workflows")
    for person in desk.config.people:
        if "admin" not in person.roles:
            continue
        text = desk.templates.render(
            "workflows.reload_refused", person.locale, problems=problems, more=more
        )
        for platform, user_id in person.identities.items():
            if platform in desk.adapters:
                turn.emit(SendDirect(platform, user_id, Message(text=text, kind="workflow.admin")))
                break
    await desk.finish(turn)
