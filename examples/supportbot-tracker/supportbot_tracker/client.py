"""The tracker's REST API (GitHub's Issues API; Gitea, Forgejo and GitHub Enterprise speak it
too): search for an issue, create one. Failures become `DeliveryError`s the outbox understands:

    no answer, timeout, 5xx, 408, 429, 403 "rate limit"  -> retryable (the outbox tries later)
    any other 4xx (bad token, unknown repo, invalid)      -> final (the same request cannot work)

Only the deliverer calls this, after the turn's commit: never inside a turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
from supportbot.adapter import DeliveryError
from yarl import URL

from supportbot_tracker.issues import Issue, IssueRequest

API_VERSION = "2022-11-28"  # GitHub's REST API version header
RETRYABLE = frozenset({408, 429})


class TrackerClient:
    def __init__(self, base: URL, http: aiohttp.ClientSession) -> None:
        self.base = base
        self.http = http

    async def find(self, request: IssueRequest) -> Issue | None:
        """The issue an earlier attempt at `request` made, if the tracker has it: the answer
        to a create can be lost (a timeout) after the tracker made the issue."""
        query = f'"{request.marker}" repo:{request.project} in:body is:issue'
        found = await self._call("GET", self.base / "search" / "issues", params={"q": query})
        items = found.get("items") if isinstance(found, dict) else None
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and request.marker in str(item.get("body") or ""):
                return _issue(request.project, item)
        return None

    async def create(self, request: IssueRequest) -> Issue:
        owner, repository = request.project.split("/", 1)
        body: dict[str, Any] = {
            "title": request.title,
            "body": f"{request.body}\n\n<!-- {request.marker} -->",
        }
        if request.labels:
            body["labels"] = list(request.labels)
        if request.assignees:
            body["assignees"] = list(request.assignees)
        url = self.base / "repos" / owner / repository / "issues"
        return _issue(request.project, await self._call("POST", url, json=body))

    async def _call(self, method: str, url: URL, **options: Any) -> Any:
        where = f"{method} {url.path}"
        try:
            async with self.http.request(method, url, **options) as response:
                if response.status < 300:
                    return await response.json()
                raise _refusal(where, response.status, response.headers, await _said(response))
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise DeliveryError(f"{where}: {type(exc).__name__} {exc}".strip()) from exc


def headers(token: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": API_VERSION,
        "User-Agent": "supportbot-tracker",
    }


def _issue(project: str, data: Any) -> Issue:
    try:
        return Issue(project, int(data["number"]), str(data["html_url"]), str(data["title"]))
    except (KeyError, TypeError, ValueError) as exc:
        # The issue may exist now; a later try finds it by its marker instead of making another.
        raise DeliveryError(f"the tracker's answer has no issue in it: {exc!r}") from exc


def _refusal(where: str, status: int, headers: Mapping[str, str], said: str) -> DeliveryError:
    retryable = status >= 500 or status in RETRYABLE or _rate_limited(status, headers)
    return DeliveryError(f"{where}: HTTP {status} {said}".strip(), retryable=retryable)


def _rate_limited(status: int, headers: Mapping[str, str]) -> bool:
    """GitHub answers 403 (not 429) when a token used up its rate limit: wait, then retry."""
    names = {name.lower(): value for name, value in headers.items()}
    return status == 403 and (names.get("x-ratelimit-remaining") == "0" or "retry-after" in names)


async def _said(response: aiohttp.ClientResponse) -> str:
    """GitHub's `message` (and which fields it refused), else the start of the body."""
    try:
        data = await response.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        return (await response.text(errors="replace"))[:200]
    if not isinstance(data, dict):
        return str(data)[:200]
    fields = [
        f"{e.get('field')}: {e.get('code')}"
        for e in data.get("errors") or []
        if isinstance(e, dict) and e.get("field")
    ]
    message = str(data.get("message", ""))
    return f"{message} ({', '.join(fields)})" if fields else message[:200]
