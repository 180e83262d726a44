"""A `Drafter` that asks an OpenAI-compatible chat API (`POST {base}/chat/completions`).

Off by default: it exists only when the environment names a base URL and a model
(`SUPPORTBOT_AI_BASE_URL`, `SUPPORTBOT_AI_MODEL`, optional `SUPPORTBOT_AI_API_KEY` and
`SUPPORTBOT_AI_TIMEOUT` in seconds), so the desk works fully without it. Any OpenAI-compatible
server fits: a hosted API, or a local one (llama.cpp, vLLM, Ollama's `/v1`).

It is given only the public articles retrieval found, numbered, and must answer from them and
cite them as [1], [2]; it answers NO_ANSWER when they do not cover the question, and then the
drafter stays silent. Any failure (timeout, an HTTP error, a malformed answer) is logged and
means "no draft": the agent just answers without one. The model's words are escaped before they
become markup, and the sources it cited are always listed under the draft.

We speak the one endpoint over aiohttp, the desk's HTTP client, rather than pull in the
`openai` SDK and a second HTTP stack for one POST.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp

from supportbot.knowledge.article import Article
from supportbot.knowledge.drafter import Draft, DraftRequest, public_only
from supportbot.knowledge.prose import to_plain
from supportbot.markup import escape

log = logging.getLogger(__name__)

NO_ANSWER = "NO_ANSWER"
_CITATION = re.compile(r"\[(\d{1,2})\]")
# A server that is down, slow, or answers in an unexpected shape: no draft, never a crash.
_FAILURES = (aiohttp.ClientError, TimeoutError, ValueError, KeyError, IndexError, TypeError)
_LANGUAGES = {"en": "English", "ja": "Japanese"}
# What the model is told. It is not shown to anyone, so it is not a template.
_SYSTEM = (
    "You draft replies for a customer support agent of {desk}. Answer the customer's question "
    "in {language}, using ONLY the numbered help-center articles below. Cite each article you "
    "use as [n]. Be brief, friendly and concrete; keep the article's steps. If the articles do "
    "not answer the question, reply exactly {no_answer} and nothing else."
)


@dataclass(frozen=True, slots=True)
class ChatSettings:
    base_url: str
    model: str
    api_key: str = ""
    timeout: float = 20.0
    desk_name: str = "the support desk"


def chat_settings(env: Mapping[str, str], desk_name: str = "") -> ChatSettings | None:
    """Settings from the environment the desk was given; None (drafting off) when unset."""
    base, model = env.get("SUPPORTBOT_AI_BASE_URL", ""), env.get("SUPPORTBOT_AI_MODEL", "")
    if not base.strip() or not model.strip():
        return None
    try:
        timeout = float(env.get("SUPPORTBOT_AI_TIMEOUT", "20"))
    except ValueError:
        timeout = 20.0
    return ChatSettings(
        base.rstrip("/"),
        model,
        env.get("SUPPORTBOT_AI_API_KEY", ""),
        timeout,
        desk_name or "the support desk",
    )


class ChatDrafter:
    def __init__(self, settings: ChatSettings) -> None:
        self.settings = settings

    async def draft(self, request: DraftRequest) -> Draft | None:
        sources = public_only(request.sources)
        if not sources:
            return None  # no source, no draft: the model is never asked to make things up
        try:
            answer = await self._complete(self.messages(request, sources))
        except _FAILURES as exc:
            log.warning("AI drafting failed (%s): %s", self.settings.base_url, exc)
            return None
        if not answer or NO_ANSWER in answer:
            return None
        cited = _cited(answer, sources)
        return Draft(escape(answer), cited or sources, f"ai:{self.settings.model}")

    def messages(self, request: DraftRequest, sources: tuple[Article, ...]) -> list[dict[str, str]]:
        system = _SYSTEM.format(
            desk=self.settings.desk_name,
            language=_LANGUAGES.get(request.locale, "English"),
            no_answer=NO_ANSWER,
        )
        articles = "\n\n".join(
            f"[{i}] {a.title}\n{to_plain(a.body)}" for i, a in enumerate(sources, start=1)
        )
        user = f"Articles:\n\n{articles}\n\nCustomer's question:\n{request.question}"
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    async def _complete(self, messages: list[dict[str, str]]) -> str:
        headers = {"Content-Type": "application/json"}
        if self.settings.api_key:
            headers["Authorization"] = f"Bearer {self.settings.api_key}"
        body: dict[str, Any] = {
            "model": self.settings.model,
            "messages": messages,
            "temperature": 0.2,
        }
        timeout = aiohttp.ClientTimeout(total=self.settings.timeout)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(
                f"{self.settings.base_url}/chat/completions", json=body, headers=headers
            ) as response,
        ):
            response.raise_for_status()
            data = await response.json(content_type=None)
        content = data["choices"][0]["message"]["content"]
        if not isinstance(content, str):
            raise TypeError("the answer has no text content")
        return content.strip()


def _cited(answer: str, sources: tuple[Article, ...]) -> tuple[Article, ...]:
    numbers = sorted({int(n) for n in _CITATION.findall(answer)})
    return tuple(sources[n - 1] for n in numbers if 1 <= n <= len(sources))
