"""A local tracker that speaks the GitHub Issues API, records every call, and misbehaves on cue.

    tracker = MockTracker(token="t0ken", repositories={"acme/app"})
    tracker.down = 2          # the next 2 requests answer 503
    tracker.slow_creates = 1  # the next create makes the issue, then answers too late

Unknown repositories answer 404, unknown assignees 422 and a wrong token 401, as GitHub does.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

WEB = "https://tracker.example"  # where issues are shown (`html_url`), not the API


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass(slots=True)
class MockTracker:
    token: str
    repositories: set[str]
    users: set[str] = field(default_factory=lambda: {"eri", "ops-bot"})
    calls: list[Call] = field(default_factory=list)
    issues: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    down: int = 0  # answer this many requests with 503
    slow_creates: int = 0  # make this many issues, then answer after `slow_seconds`
    slow_seconds: float = 2.0

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._record])
        app.router.add_post("/repos/{owner}/{repo}/issues", self._create)
        app.router.add_get("/search/issues", self._search)
        return app

    def created(self) -> list[Call]:
        return [c for c in self.calls if c.method == "POST"]

    @web.middleware
    async def _record(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        body = await request.json() if request.can_read_body else None
        self.calls.append(
            Call(request.method, request.path, dict(request.query), dict(request.headers), body)
        )
        if self.down > 0:
            self.down -= 1
            return web.json_response({"message": "Service Unavailable"}, status=503)
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"message": "Bad credentials"}, status=401)
        return await handler(request)

    async def _create(self, request: web.Request) -> web.Response:
        project = f"{request.match_info['owner']}/{request.match_info['repo']}"
        if project not in self.repositories:
            return web.json_response({"message": "Not Found"}, status=404)
        data = await request.json()
        unknown = [a for a in data.get("assignees", []) if a not in self.users]
        if not data.get("title") or unknown:
            errors = [{"resource": "Issue", "field": "assignees", "code": "invalid"}]
            return web.json_response({"message": "Validation Failed", "errors": errors}, status=422)
        issue = self._add(project, data)
        if self.slow_creates > 0:  # made, but the answer comes after the client gave up
            self.slow_creates -= 1
            await asyncio.sleep(self.slow_seconds)
        return web.json_response(issue, status=201)

    def _add(self, project: str, data: dict[str, Any]) -> dict[str, Any]:
        issues = self.issues.setdefault(project, [])
        number = len(issues) + 1
        issue = {
            "number": number,
            "html_url": f"{WEB}/{project}/issues/{number}",
            "title": data["title"],
            "body": data.get("body", ""),
            "labels": [{"name": n} for n in data.get("labels", [])],
            "assignees": [{"login": a} for a in data.get("assignees", [])],
            "state": "open",
        }
        issues.append(issue)
        return issue

    async def _search(self, request: web.Request) -> web.Response:
        q = request.query.get("q", "")
        phrase = re.search(r'"([^"]+)"', q)
        repo = re.search(r"repo:(\S+)", q)
        found = [
            issue
            for issue in self.issues.get(repo.group(1) if repo else "", [])
            if phrase and phrase.group(1) in issue["body"]
        ]
        return web.json_response({"total_count": len(found), "items": found})


def main() -> None:
    """`python tests/mock_tracker.py [PORT] [TOKEN]`: a tracker to try the plug-in by hand."""
    import sys

    port, token = int(sys.argv[1]) if len(sys.argv) > 1 else 8099, "dev-token"
    token = sys.argv[2] if len(sys.argv) > 2 else token
    tracker = MockTracker(token=token, repositories={"acme/app"})
    print(f"mock tracker: http://127.0.0.1:{port} (token {token}, project acme/app)", flush=True)
    web.run_app(tracker.app(), host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    main()
