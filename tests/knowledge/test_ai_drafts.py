"""AI-drafted suggested replies on a whole desk: the model is asked from the outbox after the
commit (a local mock of the OpenAI-compatible API), its cited draft reaches the agents' thread
in a follow-up turn, and nothing reaches the customer without a click."""

from __future__ import annotations

from pathlib import Path

from supportbot.config import Knowledge, KnowledgeAi
from supportbot.markup import to_plain

from .desk import desk, open_ticket
from .test_chat_drafter import MockChatApi, api  # noqa: F401  (the mock server fixture)

QUESTION = "How do I export my invoices to a CSV file for Excel?"
OFF_TOPIC = "Can you recommend a good restaurant near your office for lunch?"
AI_ON = Knowledge(ai=KnowledgeAi(enabled=True))


def env(base: str) -> dict[str, str]:
    return {"SUPPORTBOT_AI_BASE_URL": base, "SUPPORTBOT_AI_MODEL": "local-model"}


async def test_the_ai_draft_quotes_its_sources(
    tmp_path: Path,
    api: tuple[MockChatApi, str],  # noqa: F811
) -> None:
    mock, base = api
    mock.reply = mock.answer("Open Reports → Export and click Export CSV [1].")
    async with desk(tmp_path, env=env(base), knowledge=AI_ON) as h:
        number = await open_ticket(h, QUESTION)
        assert len(mock.requests) == 1  # after the commit, from the outbox
        assert "Export invoices and payments to CSV" in str(mock.requests[0][0]["messages"])
        assert h.chat.messages("kb_draft") == []
        await h.run_timers()
        (draft,) = h.chat.messages("kb_draft")
        assert draft.message is not None
        assert "Export CSV [1]" in to_plain(draft.message.text)  # the model's words, escaped
        context = " ".join(draft.message.context)
        assert "Export invoices and payments to CSV" in context and "local-model" in context
        (row,) = await h.desk.tickets.history(number, ["kb.drafted"])
        assert row.data["drafter"] == "ai:local-model"
        await h.run_timers()  # nothing more is due: one draft
        assert len(h.chat.messages("kb_draft")) == 1


async def test_no_confident_source_means_the_model_is_never_asked(
    tmp_path: Path,
    api: tuple[MockChatApi, str],  # noqa: F811
) -> None:
    mock, base = api
    async with desk(tmp_path, env=env(base), knowledge=AI_ON) as h:
        await open_ticket(h, OFF_TOPIC)
        await h.run_timers()
        assert mock.requests == []
        assert h.chat.messages("kb_draft") == []


async def test_no_answer_from_the_model_falls_back_to_the_article(
    tmp_path: Path,
    api: tuple[MockChatApi, str],  # noqa: F811
) -> None:
    mock, base = api
    mock.reply = mock.answer("NO_ANSWER")
    async with desk(tmp_path, env=env(base), knowledge=AI_ON) as h:
        await open_ticket(h, QUESTION)
        await h.run_timers()
        (draft,) = h.chat.messages("kb_draft")
        assert draft.message is not None and "Export CSV" in draft.message.text
        assert "help-center article" in " ".join(draft.message.context)


async def test_enabled_in_the_config_but_no_server_named_means_the_article_drafter(
    tmp_path: Path,
) -> None:
    async with desk(tmp_path, knowledge=AI_ON) as h:
        await open_ticket(h, QUESTION)
        (draft,) = h.chat.messages("kb_draft")
        assert draft.message is not None and "Export CSV" in draft.message.text
