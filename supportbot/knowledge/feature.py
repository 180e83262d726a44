"""The knowledge feature, registered like any plug-in: self-service answers to the requester,
suggested replies for agents, `/support kb`.

Each `setup(hooks)` makes one `Running` (the desk's knowledge base, drafter and similar-ticket
index) and registers handlers bound to it: nothing is shared between desks.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from supportbot.knowledge import ai, assist, chat_commands, self_service
from supportbot.knowledge.running import Running
from supportbot.plugins import Hooks

if TYPE_CHECKING:
    from supportbot.desk import Desk
    from supportbot.workflows.simulation import Simulation


class KnowledgeFeature:
    name = "knowledge"

    def setup(self, hooks: Hooks) -> None:
        running = Running()
        hooks.action("suggest_articles", self_service.SuggestArticles, simulate=_simulate_articles)(
            partial(self_service.suggest_articles, running)
        )
        hooks.action("suggest_replies", assist.SuggestReplies, simulate=_simulate_replies)(
            partial(assist.suggest_replies, running)
        )
        hooks.choice(self_service.SOLVED, partial(self_service.on_solved, running))
        hooks.choice(self_service.DECLINED, partial(self_service.on_declined, running))
        hooks.choice(self_service.REASON, partial(self_service.on_reason, running))
        hooks.timer(self_service.ASSUME, partial(self_service.on_assume, running))
        hooks.link(self_service.LINK, partial(self_service.render_link, running))
        hooks.link(assist.LINK, partial(assist.render_link, running))
        hooks.choice("kb.send", partial(assist.on_send_article, running))
        hooks.choice("kb.dismiss", partial(assist.on_dismiss, running))
        hooks.choice(assist.DRAFT_SEND, partial(assist.on_draft_send, running))
        hooks.choice(assist.DRAFT_EDIT, partial(assist.on_draft_edit, running))
        hooks.choice(assist.DRAFT_DISMISS, partial(assist.on_draft_dismiss, running))
        hooks.form(assist.DRAFT_FORM, partial(assist.on_draft_form, running))
        hooks.command(
            "kb", partial(chat_commands.on_kb, running), usage=chat_commands.USAGE,
            takes_ticket=False,
        )  # fmt: skip
        hooks.timer(ai.DRAFTED, partial(ai.on_drafted, running))
        hooks.on_attach(partial(_attach, running))
        hooks.background(running.start)
        hooks.warm_up(running.warmed)
        hooks.on_reload(partial(_reload, running))


def _attach(running: Running, desk: Desk) -> None:
    running.attach(desk)
    desk.hooks.deliverer(ai.SERVICE, ai.AiDrafter(running, desk))


async def _reload(running: Running, desk: Desk) -> list[str]:
    if running.kb is None:
        return []
    running.loaded = True
    result = await running.kb.reload("admin")
    return [str(p) for p in result.problems]


def _simulate_articles(sim: Simulation, params: self_service.SuggestArticles) -> None:
    sim.post()  # to the requester, when an article is good enough


def _simulate_replies(sim: Simulation, params: assist.SuggestReplies) -> None:
    sim.post()  # in the ticket's internal thread, for agents
