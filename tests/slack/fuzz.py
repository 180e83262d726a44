"""Mutated, correctly signed Slack payloads (hypothesis strategies) and the harness that sends
them to the whole desk, one server for a whole test.

Each example starts from a recorded payload with fresh ids and applies one to three
mutations: a value of another JSON type, a missing key, a huge string, deep nesting, odd
unicode (lone surrogates included), an extra key, or ids repeated from earlier examples.
Hypothesis runs in a worker thread (its examples are synchronous) and hands each request to
the test's event loop, where the server runs; so a failure is shrunk to a minimal payload.
"""

from __future__ import annotations

import asyncio
import copy
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportbot.server import DESK
from tests.rows import changed, quiet_row_counts, row_counts

from .kit import SlackHarness, fixture_json, fixture_text, signed_headers

Draw = Callable[[st.SearchStrategy[Any]], Any]
Json = Any
# A few ids shared by many examples: Slack's retries, and ids reused by someone hostile.
REPEATED = ("again-1", "again-2")
_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON_VALUES: st.SearchStrategy[Json] = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)
ODD_TEXT = st.text(st.characters(exclude_categories=()), min_size=1, max_size=40)
# Strategies built once: hypothesis validates each new strategy object, which costs more than
# drawing from it.
_OTHER_TYPE = {
    kind: JSON_VALUES.filter(lambda new, kind=kind: type(new) is not kind)
    for kind in (type(None), bool, int, float, str, list, dict)
}
_EVENT_FIXTURES = st.sampled_from(
    [
        "event_message_shared_channel.json",
        "event_message_thread_reply.json",
        "event_app_mention.json",
        "event_reaction_added.json",
        "url_verification.json",
    ]
)
_COMMAND_TEXTS = st.sampled_from(["claim 42", "queue", "mine", "help", "show 1", ""])
_REPEATED = st.sampled_from(REPEATED)
_TAGS = _REPEATED | st.uuids().map(str)
_TREE_OPS = st.sampled_from(["type", "drop", "huge", "deep", "text", "add", "dup"])
_FORM_OPS = st.sampled_from(["drop", "huge", "text", "repeat", "add", "payload"])
_HOW_MANY = st.integers(min_value=1, max_value=3)
_DEPTHS = st.integers(min_value=2, max_value=400)
_HUGE_CHARS = st.sampled_from("xあ🎫\u200b")
_HUGE_SIZES = st.integers(1_000, 60_000)
_KEYS = st.text(max_size=12)
_NEW_KEYS = st.text(min_size=1, max_size=12)
_PAYLOAD_FIELDS = st.text(max_size=30) | JSON_VALUES.map(json.dumps)


class Fuzzed:
    """One request body; not a dataclass, so that hypothesis prints it through `__repr__`."""

    __slots__ = ("body", "form")

    def __init__(self, body: str, *, form: bool) -> None:
        self.body = body
        self.form = form

    def __repr__(self) -> str:  # what hypothesis prints for a failing example
        return f"Fuzzed(form={self.form}, body={self.body[:2000]!r})"


# -- the bases: recorded payloads, with fresh ids ---------------------------------------------
def event_base(draw: Draw) -> dict[str, Json]:
    payload = fixture_json(draw(_EVENT_FIXTURES))
    if "event_id" in payload:
        payload["event_id"] = "Ev" + _tag(draw)
    return payload


def command_base(draw: Draw) -> dict[str, Json]:
    form = dict(parse_qsl(fixture_text("slash_command.form.txt"), keep_blank_values=True))
    form["trigger_id"] = _tag(draw)
    form["text"] = draw(_COMMAND_TEXTS)
    return form


def action_base(draw: Draw) -> dict[str, Json]:
    payload = fixture_json("block_actions_approve.json")
    payload["trigger_id"] = _tag(draw)
    return payload


def view_base(draw: Draw) -> dict[str, Json]:
    payload = fixture_json("view_submission.json")
    tag = _tag(draw)
    payload["view"].update(id="V" + tag[:10], hash=tag)
    return payload


def _tag(draw: Draw) -> str:
    return str(draw(_TAGS))


# -- mutations ----------------------------------------------------------------------------------
def _slots(node: Json) -> Iterator[tuple[Json, Any]]:
    """Every (container, key or index) in the tree, the root's children first."""
    stack = [node]
    while stack:
        current = stack.pop()
        items = current.items() if isinstance(current, dict) else enumerate(current)
        for key, child in list(items):
            yield current, key
            if isinstance(child, dict | list):
                stack.append(child)


def _other_type(draw: Draw, value: Json) -> Json:
    return draw(_OTHER_TYPE[type(value)])


def _nested(draw: Draw) -> Json:
    depth = draw(_DEPTHS)
    node: Json = draw(_SCALARS)
    for level in range(depth):
        node = [node] if level % 2 else {"k": node}
    return node


def _huge(draw: Draw) -> str:
    return str(draw(_HUGE_CHARS)) * draw(_HUGE_SIZES)


def mutate_tree(draw: Draw, payload: dict[str, Json]) -> dict[str, Json]:
    payload = copy.deepcopy(payload)
    for _ in range(draw(_HOW_MANY)):
        slots = list(_slots(payload))
        if not slots:
            break
        container, key = draw(st.sampled_from(slots))
        match draw(_TREE_OPS):
            case "type":
                container[key] = _other_type(draw, container[key])
            case "drop":
                del container[key]
            case "huge":
                container[key] = _huge(draw)
            case "deep":
                container[key] = _nested(draw)
            case "text":
                container[key] = draw(ODD_TEXT)
            case "add" if isinstance(container, dict):
                container[draw(_KEYS)] = draw(JSON_VALUES)
            case _:
                container[key] = draw(_REPEATED)
    return payload


def mutate_form(draw: Draw, form: dict[str, str]) -> str:
    """Forms carry only strings: keys go missing, values grow or turn odd, keys repeat."""
    fields = list(form.items())
    for _ in range(draw(_HOW_MANY)):
        index = draw(st.integers(min_value=0, max_value=max(len(fields) - 1, 0)))
        match draw(_FORM_OPS):
            case "drop" if fields:
                fields.pop(index)
            case "huge" if fields:
                fields[index] = (fields[index][0], _huge(draw))
            case "text" if fields:
                fields[index] = (fields[index][0], draw(ODD_TEXT))
            case "repeat" if fields:
                fields.append((fields[index][0], draw(_KEYS)))
            case "payload":
                fields.append(("payload", draw(_PAYLOAD_FIELDS)))
            case _:
                fields.append((draw(_NEW_KEYS), draw(ODD_TEXT)))
    return urlencode(fields, errors="surrogatepass")


@st.composite
def events(draw: Draw) -> Fuzzed:
    return Fuzzed(_dumps(mutate_tree(draw, event_base(draw))), form=False)


@st.composite
def commands(draw: Draw) -> Fuzzed:
    return Fuzzed(mutate_form(draw, command_base(draw)), form=True)


@st.composite
def block_actions(draw: Draw) -> Fuzzed:
    return _interaction(mutate_tree(draw, action_base(draw)))


@st.composite
def view_submissions(draw: Draw) -> Fuzzed:
    return _interaction(mutate_tree(draw, view_base(draw)))


def _interaction(payload: dict[str, Json]) -> Fuzzed:
    return Fuzzed(urlencode({"payload": _dumps(payload)}), form=True)


def _dumps(payload: Json) -> str:
    # UTF-8 as Slack sends it, escaped when lone surrogates cannot be; deep nesting is the
    # point of some examples, so past json's recursion limit the tree is encoded by hand.
    try:
        text = json.dumps(payload, ensure_ascii=False)
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return json.dumps(payload)
    except RecursionError:
        return _dumps_deep(payload)


def _dumps_deep(node: Json) -> str:
    if isinstance(node, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{_dumps_deep(v)}" for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ",".join(_dumps_deep(v) for v in node) + "]"
    return json.dumps(node)


# -- the harness ----------------------------------------------------------------------------------
@dataclass
class Tally:
    statuses: dict[int, int] = field(default_factory=dict)

    def count(self, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1


class FuzzHarness:
    """Sends examples to a running desk and checks, after each one, that nothing broke."""

    def __init__(self, slack: SlackHarness) -> None:
        self.slack = slack
        self.tally = Tally()
        self._rows: dict[str, int] | None = None
        self._db = slack.client.app[DESK].db

    async def send(self, example: Fuzzed) -> int:
        if self._rows is None:
            self._rows = await quiet_row_counts(self._db)
        body = example.body.encode("utf-8", "surrogatepass")
        headers = {
            "Content-Type": "application/x-www-form-urlencoded"
            if example.form
            else "application/json",
            **signed_headers(example.body),
        }
        response = await self.slack.client.post(
            "/slack/events", data=io.BytesIO(body), headers=headers
        )
        await response.read()
        pipeline = self.slack.client.app[DESK].pipeline
        assert pipeline is not None
        await pipeline.drain()  # what was stored has run: the rows are final
        rows = await row_counts(self._db)
        if response.status >= 400:
            wrote = changed(self._rows, rows)
            assert not wrote, f"a refused request ({response.status}) wrote rows: {wrote}"
        self._rows = rows
        self.tally.count(response.status)
        return response.status

    async def run(self, strategy: st.SearchStrategy[Fuzzed], examples: int) -> Tally:
        loop = asyncio.get_running_loop()

        @settings(
            max_examples=examples,
            derandomize=True,  # the same examples on every run: CI stays stable
            database=None,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(strategy)
        def one(example: Fuzzed) -> None:
            status = asyncio.run_coroutine_threadsafe(self.send(example), loop).result(60)
            assert status < 500, f"server error {status}"

        await asyncio.to_thread(one)
        return self.tally
