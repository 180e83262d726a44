"""The OpenAI-compatible drafter, against a local mock of `POST /v1/chat/completions`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from supportbot.knowledge import KnowledgeBase
from supportbot.knowledge.chat_drafter import ChatDrafter, ChatSettings, chat_settings
from supportbot.knowledge.drafter import DraftRequest, draft_reply

Reply = Callable[[dict[str, Any]], Awaitable[web.StreamResponse]]
ServerFactory = Callable[..., Awaitable[TestServer]]


class MockChatApi:
    """Answers like an OpenAI-compatible server and records what it was asked."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, Any], str]] = []
        self.reply: Reply = self.answer("To reset it, click **Forgot password?** [1]")

    @staticmethod
    def answer(content: Any, status: int = 200) -> Reply:
        async def reply(_: dict[str, Any]) -> web.StreamResponse:
            body = {"id": "chatcmpl-1", "object": "chat.completion",
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                 "finish_reason": "stop"}]}  # fmt: skip
            return web.json_response(body, status=status)

        return reply

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append((body, request.headers.get("Authorization", "")))
        return await self.reply(body)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self.handle)
        return app


@pytest.fixture
async def api(aiohttp_server: ServerFactory) -> tuple[MockChatApi, str]:
    mock = MockChatApi()
    server = await aiohttp_server(mock.app())
    return mock, str(server.make_url("/v1"))


def drafter(base: str, timeout: float = 5.0) -> ChatDrafter:
    env = {"SUPPORTBOT_AI_BASE_URL": base, "SUPPORTBOT_AI_MODEL": "local-model",
           "SUPPORTBOT_AI_API_KEY": "sk-test", "SUPPORTBOT_AI_TIMEOUT": str(timeout)}  # fmt: skip
    settings = chat_settings(env, "Acme Support")
    assert settings is not None
    return ChatDrafter(settings)


def test_drafting_is_off_unless_the_environment_names_a_server_and_a_model() -> None:
    assert chat_settings({}) is None
    assert chat_settings({"SUPPORTBOT_AI_BASE_URL": "http://127.0.0.1:9/v1"}) is None
    on = chat_settings({"SUPPORTBOT_AI_BASE_URL": "http://h/v1/", "SUPPORTBOT_AI_MODEL": "m"})
    assert on == ChatSettings("http://h/v1", "m")


async def test_the_draft_stands_on_the_articles_it_was_given_and_cites_them(
    api: tuple[MockChatApi, str], starter: KnowledgeBase
) -> None:
    mock, base = api
    draft = await draft_reply(starter, drafter(base), question="I forgot my password",
                              locale="en")  # fmt: skip
    assert draft is not None and draft.drafter == "ai:local-model"
    assert draft.text == "To reset it, click \\*\\*Forgot password?\\*\\* \\[1\\]"  # escaped
    assert draft.sources[0].id == "password-reset"  # [1], as cited
    body, auth = mock.requests[0]
    assert auth == "Bearer sk-test" and body["model"] == "local-model"
    system, user = body["messages"]
    assert "ONLY the numbered help-center articles" in system["content"]
    assert "in English" in system["content"] and "Acme Support" in system["content"]
    assert "[1] Reset your password" in user["content"]
    assert "I forgot my password" in user["content"]
    assert all(a.public for a in draft.sources)


async def test_it_answers_in_the_requesters_language(
    api: tuple[MockChatApi, str], starter: KnowledgeBase
) -> None:
    mock, base = api
    mock.reply = mock.answer("ログイン画面から再設定できます [1]")
    draft = await draft_reply(starter, drafter(base), question="forgot my password", locale="ja")
    assert draft is not None and draft.sources[0].locale == "ja"
    system, user = mock.requests[0][0]["messages"]
    assert "in Japanese" in system["content"] and "[1] パスワードを再設定する" in user["content"]


async def test_no_source_means_the_model_is_never_asked(
    api: tuple[MockChatApi, str], starter: KnowledgeBase
) -> None:
    mock, base = api
    assert await draft_reply(starter, drafter(base), question="tell me a joke", locale="en") is None
    internal = tuple(a for a in starter.index.articles if not a.public)
    assert await drafter(base).draft(DraftRequest("refund?", "en", internal)) is None
    assert mock.requests == []


@pytest.mark.parametrize(
    "reply",
    [
        MockChatApi.answer("NO_ANSWER"),  # the sources do not answer it
        MockChatApi.answer(""),
        MockChatApi.answer({"not": "text"}),
        MockChatApi.answer("overloaded", status=503),
    ],
)
async def test_a_useless_or_failed_answer_means_no_draft(
    api: tuple[MockChatApi, str], starter: KnowledgeBase, reply: Reply
) -> None:
    mock, base = api
    mock.reply = reply
    source = starter.article("webhooks", "en")
    assert source is not None
    assert await drafter(base).draft(DraftRequest("webhooks?", "en", (source,))) is None
    assert len(mock.requests) == 1


async def test_a_slow_server_times_out_into_no_draft(
    api: tuple[MockChatApi, str], starter: KnowledgeBase
) -> None:
    mock, base = api

    async def slow(_: dict[str, Any]) -> web.StreamResponse:
        await asyncio.sleep(2)
        return web.json_response({})

    mock.reply = slow
    source = starter.article("webhooks", "en")
    assert source is not None
    assert await drafter(base, timeout=0.2).draft(DraftRequest("x", "en", (source,))) is None


async def test_an_unreachable_server_means_no_draft(starter: KnowledgeBase) -> None:
    source = starter.article("webhooks", "en")
    assert source is not None
    closed = drafter("http://127.0.0.1:9/v1", timeout=2)  # port 9 (discard): nothing listens
    assert await closed.draft(DraftRequest("x", "en", (source,))) is None
