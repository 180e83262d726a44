"""Hypothesis strategies: real Teams activities (the recorded fixtures), mutated the ways a
broken client, a proxy or an attacker would — wrong types, missing keys, huge strings, deep
nesting, unicode, unknown keys, repeated ids."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import strategies as st

from .conftest import payload

Path = tuple[str | int, ...]
HUGE = 300_000  # characters: past the body limit once encoded
IDS = ("f:dup-1", "f:dup-2", "1763800400456")  # a small pool, so ids repeat across examples


def paths(node: Any, prefix: Path = ()) -> Iterator[Path]:
    """The places in a JSON document (dict keys and list items), parents first; not inside
    the deep nests a mutation made."""
    if len(prefix) > 12:
        return
    if isinstance(node, dict):
        for key, child in node.items():
            yield (*prefix, key)
            yield from paths(child, (*prefix, key))
    elif isinstance(node, list):
        for index, child in enumerate(node):
            yield (*prefix, index)
            yield from paths(child, (*prefix, index))


def _nested(depth: int) -> Any:
    value: Any = "x"
    for level in range(depth):
        value = {"a": value} if level % 2 else [value]
    return value


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40),
    st.sampled_from(
        ["", " ", "\u0000", "😀" * 50, "<at>SupportBot</at>", "19:x;messageid=", "ja-JP"]
    ),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
odd_values = st.one_of(
    json_values,
    st.integers(min_value=20, max_value=200).map(_nested),  # deep nesting
    st.sampled_from(["x" * 5_000, "長" * 20_000]),  # long but within the body limit
    st.just("y" * HUGE),  # huge: the body limit's business
    st.sampled_from(IDS),
)


@st.composite
def mutated(draw: st.DrawFn, fixture: str) -> dict[str, Any]:
    """One fixture with one to four mutations."""
    body = payload(fixture)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        places = list(paths(body))
        kind = draw(st.sampled_from(["replace", "delete", "add", "id"]))
        if kind == "id":
            body["id"] = draw(st.sampled_from(IDS))
            continue
        if not places:
            break
        where = draw(st.sampled_from(places))
        parent = _at(body, where[:-1])
        if kind == "delete":
            del parent[where[-1]]
        elif kind == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = draw(odd_values)
        else:
            parent[where[-1]] = draw(odd_values)
    return body


def _at(body: Any, path: Path) -> Any:
    for step in path:
        body = body[step]
    return body
