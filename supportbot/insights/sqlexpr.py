"""Dialect-aware SQL pieces: durations between two timestamps, hour buckets, percentiles.

Percentile definition (the same on every backend): linear interpolation between the two closest
ranks, i.e. PostgreSQL's `percentile_cont` (Hyndman & Fan type 7, numpy's default). For n sorted
values v[0..n-1] and fraction p: pos = p·(n-1), lo = floor(pos), result = v[lo] + (pos-lo)·
(v[lo+1]-v[lo]). PostgreSQL computes it with `percentile_cont`; SQLite, which lacks it, with a
window query (ROW_NUMBER and COUNT OVER) that weights the two rows around `pos`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, Integer, String, case, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

GroupKey = Any
AnySelect = Select[*tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Found:
    count: int  # non-NULL values
    values: tuple[float | None, ...]  # one per requested fraction


Percentiles = dict[GroupKey, Found]


class seconds_between(FunctionElement[float]):
    """`later - earlier` in seconds (float, millisecond precision on SQLite)."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


class hour_bucket(FunctionElement[str]):
    """The UTC hour a timestamp falls in, as text `YYYY-MM-DD HH`."""

    type = String()
    inherit_cache = True
    name = "hour_bucket"


def _args(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = _args(element, compiler, **kw)
    # SQLite stores timestamps as UTC text; julianday() parses it (to ~0.1 ms), hence ROUND.
    return f"ROUND((julianday({later}) - julianday({earlier})) * 86400.0, 3)"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = _args(element, compiler, **kw)
    return f"CAST(EXTRACT(EPOCH FROM ({later} - {earlier})) AS DOUBLE PRECISION)"


@compiles(hour_bucket, "sqlite")
def _hour_sqlite(element: hour_bucket, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = _args(element, compiler, **kw)
    return f"strftime('%Y-%m-%d %H', {moment})"


@compiles(hour_bucket, "postgresql")
def _hour_pg(element: hour_bucket, compiler: SQLCompiler, **kw: Any) -> str:
    (moment,) = _args(element, compiler, **kw)
    return f"to_char({moment} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24')"


def dialect_name(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def percentiles(
    session: AsyncSession,
    values: AnySelect,
    fractions: Sequence[float] = (0.5, 0.9),
) -> Percentiles:
    """Count and percentiles of column `v`, per column `g` when `values` selects one.

    `values` must select a column labelled `v` (rows with NULL `v` are ignored) and optionally
    one labelled `g`. Ungrouped, the key is None and is absent when there are no values.
    """
    base = values.subquery()
    grouped = "g" in base.c
    value = base.c.v
    if dialect_name(session) == "postgresql":
        cols = [func.count(), *(func.percentile_cont(p).within_group(value) for p in fractions)]
        query = select(*([base.c.g] if grouped else []), *cols).where(value.is_not(None))
    else:
        query = _sqlite_percentiles(base, grouped, fractions)
    if grouped:
        query = query.group_by(query.selected_columns[0])
    rows = (await session.execute(query)).all()
    out: Percentiles = {}
    for row in rows:
        key = row[0] if grouped else None
        count, *figures = row[1:] if grouped else row
        if count:
            out[key] = Found(int(count), tuple(None if f is None else float(f) for f in figures))
    return out


def _sqlite_percentiles(base: Any, grouped: bool, fractions: Sequence[float]) -> AnySelect:
    partition = [base.c.g] if grouped else None
    ranked = (
        select(
            *([base.c.g] if grouped else []),
            base.c.v,
            (func.row_number().over(partition_by=partition, order_by=base.c.v) - 1).label("rn"),
            func.count().over(partition_by=partition).label("n"),
        )
        .where(base.c.v.is_not(None))
        .subquery()
    )
    cols = [func.count(), *(_interpolated(ranked, p) for p in fractions)]
    return select(*([ranked.c.g] if grouped else []), *cols)


def _interpolated(ranked: Any, fraction: float) -> ColumnElement[Any]:
    pos = (ranked.c.n - 1) * cast(fraction, Float)
    lo = cast(pos, Integer)  # non-negative, so CAST truncation is floor
    frac = pos - lo
    weight = case(
        (ranked.c.rn == lo, 1.0 - frac),
        (ranked.c.rn == lo + 1, frac),
        else_=0.0,
    )
    # SUM over no rows is NULL, as percentile_cont gives for an empty group.
    return func.sum(ranked.c.v * weight)
