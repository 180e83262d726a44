"""Short Jinja templates written inline in a workflow (`note: "From {{ ticket.requester.name }}"`).

Sandboxed like the catalogs. Values for chat text are escaped into neutral markup by the desk's
`Templates`; these inline ones render plain text (webhook bodies, notes), so no escaping here.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from pydantic import AfterValidator


def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=False, undefined=jinja2.ChainableUndefined)


def _syntax(value: str) -> str:
    try:
        environment().parse(value)
    except jinja2.TemplateSyntaxError as exc:
        raise ValueError(f"template error on line {exc.lineno}: {exc.message}") from exc
    return value


InlineTemplate = Annotated[str, AfterValidator(_syntax)]


def render_tree(env: SandboxedEnvironment, value: Any, values: dict[str, Any]) -> Any:
    """Render every string inside a JSON-like tree; other values stay as they are."""
    if isinstance(value, str):
        return env.from_string(value).render(**values)
    if isinstance(value, dict):
        return {k: render_tree(env, v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [render_tree(env, v, values) for v in value]
    return value


def check_tree(value: Any) -> Any:
    if isinstance(value, str):
        return _syntax(value)
    if isinstance(value, dict):
        return {k: check_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [check_tree(v) for v in value]
    return value


def plain(value: Any) -> Any:
    """Dataclass snapshots as JSON-friendly dicts, so `{{ ticket.priority }}` and bodies work."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value
