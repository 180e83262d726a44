"""`supportbot report`, `supportbot forecast` and `supportbot seed` (registered by the main CLI).

Each handler takes the parsed arguments, opens the database itself from `--config`, and
returns an exit code: 0 done, 2 a usage or configuration problem.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from supportbot import usage
from supportbot.config import Config, ConfigError, load_config, locate_config
from supportbot.durations import parse_duration
from supportbot.insights import forecast_render, render_html, render_text
from supportbot.insights.build import STEPS, compute_metrics
from supportbot.insights.forecast import ForecastSettings, forecast
from supportbot.insights.labels import Labels
from supportbot.insights.period import Filters, PeriodError, parse_period
from supportbot.insights.reader import open_reader
from supportbot.insights.seed import SeedError, seed_history
from supportbot.store.db import open_database
from supportbot.store.readiness import prepare_schema, require_schema

FORMATS = ("table", "csv", "json", "html")
Subparsers = Any  # argparse's _SubParsersAction is private; its type is not worth importing


def add_commands(subparsers: Subparsers) -> None:
    _report_parser(subparsers.add_parser("report", help="metrics of a period, with charts"))
    _forecast_parser(subparsers.add_parser("forecast", help="tickets and agents per hour ahead"))
    _seed_parser(subparsers.add_parser("seed", help="fill the database with a demo history"))


def _common(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: never overwrite a --config the main parser already read.
    p.add_argument("--config", default=argparse.SUPPRESS, help="config file (YAML)")
    p.add_argument("--locale", choices=("en", "ja"), default=None)


def _report_parser(p: argparse.ArgumentParser) -> None:
    _common(p)
    p.add_argument("--since", help="a duration back from now, e.g. 7d (default), 24h, 4w")
    p.add_argument("--from", dest="start", help="first day (YYYY-MM-DD, desk time zone)")
    p.add_argument("--to", dest="end", help="last day, inclusive (YYYY-MM-DD)")
    for name in ("team", "category", "platform", "channel", "organization", "agent"):
        p.add_argument(f"--{name}")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--out", type=Path, help="write to this file instead of stdout")
    p.set_defaults(handler=run_report)


def _forecast_parser(p: argparse.ArgumentParser) -> None:
    _common(p)
    p.add_argument("--weeks", type=int, default=1, help="weeks to forecast (default 1)")
    p.add_argument("--history", type=int, default=8, help="weeks of history to learn from")
    p.add_argument("--aht", default="15m", help="average handling time of a ticket")
    p.add_argument("--within", help="answer within (default: the P3 first-response target)")
    p.add_argument("--service-level", type=float, default=0.8, help="share answered within")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--out", type=Path)
    p.set_defaults(handler=run_forecast)


def _seed_parser(p: argparse.ArgumentParser) -> None:
    _common(p)
    p.add_argument("--history", default="90d", help="how far back the history goes")
    p.add_argument("--per-day", type=float, default=40.0, help="tickets on a weekday")
    p.add_argument("--seed", type=int, default=42, help="random seed (same seed, same data)")
    p.add_argument("--append", action="store_true", help="add to a desk that has tickets")
    p.set_defaults(handler=run_seed)


def load(args: argparse.Namespace) -> Config:
    """The config the main CLI would read (`--config`, $SUPPORTBOT_CONFIG, the default file)."""
    return load_config(locate_config(getattr(args, "config", None), os.environ), os.environ)


def _guarded(action: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """Turn the errors a user can fix into a message and exit code 2."""

    def run(args: argparse.Namespace) -> int:
        try:
            return action(args)
        except ConfigError:
            raise  # the main CLI prints these with file:line:col
        except (PeriodError, SeedError, UsageError) as exc:
            print(f"supportbot: {exc}", file=sys.stderr)
            return 2

    return run


class ProgressBar:
    """A one-line bar on stderr, drawn only for a terminal."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr  # looked up now: tests and callers swap sys.stderr
        self.label, self.total, self.done = label, total, 0
        self.enabled = self.stream.isatty()

    def step(self, name: str) -> None:
        if not self.enabled:
            return
        self.done += 1
        filled = round(20 * self.done / self.total)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (20 - filled)}] {name:<14}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()


class UsageError(usage.UsageError):
    """An option's value is not usable; the message names the option."""


def _duration(text: str, option: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from exc


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


@_guarded
def run_report(args: argparse.Namespace) -> int:
    config = load(args)
    now = datetime.now(UTC)
    period = parse_period(
        since=args.since, start=args.start, end=args.end, now=now, zone=config.business_hours.zone
    )
    filters = Filters(
        team=args.team, category=args.category, platform=args.platform,
        channel=args.channel, organization=args.organization, agent=args.agent,
    )  # fmt: skip
    labels = Labels.default(args.locale or config.locale)
    bar = ProgressBar(labels("progress"), STEPS)

    async def build() -> Any:
        await require_schema(config.database_url)  # never an empty file, never "no such table"
        db = open_reader(config.database_url)
        try:
            async with db.sessions() as session:
                return await compute_metrics(
                    session, config, period, filters, now=now, progress=bar.step
                )
        finally:
            await db.close()

    metrics = asyncio.run(build())
    bar.close()
    desk = config.desk_name
    renderers: dict[str, Callable[[], str]] = {
        "table": lambda: render_text.render_table(metrics, labels, desk),
        "csv": lambda: render_text.render_csv(metrics, labels),
        "json": lambda: render_text.render_json(metrics),
        "html": lambda: render_html.render_html(metrics, labels, desk),
    }
    _emit(renderers[args.format](), args.out)
    return 0


@_guarded
def run_forecast(args: argparse.Namespace) -> int:
    config = load(args)
    if args.weeks < 1 or args.history < 1:
        raise UsageError("--weeks and --history need at least 1 week")
    if not 0 < args.service_level < 1:
        raise UsageError("--service-level is a share between 0 and 1, e.g. 0.8")
    p3 = config.sla.targets.get("P3")
    within = _duration(args.within, "--within") if args.within else None
    settings = ForecastSettings(
        weeks=args.weeks,
        history_weeks=args.history,
        aht_seconds=_duration(args.aht, "--aht").total_seconds(),
        within_seconds=(
            within or (p3.first_response if p3 else timedelta(minutes=5))
        ).total_seconds(),
        service_level=args.service_level,
    )
    zone = config.business_hours.zone

    async def build() -> Any:
        await require_schema(config.database_url)
        db = open_reader(config.database_url)
        try:
            async with db.sessions() as session:
                return await forecast(session, datetime.now(UTC), zone, settings)
        finally:
            await db.close()

    result = asyncio.run(build())
    labels = Labels.default(args.locale or config.locale)
    renderers: dict[str, Callable[[], str]] = {
        "table": lambda: forecast_render.forecast_table(result, labels),
        "csv": lambda: forecast_render.forecast_csv(result),
        "json": lambda: forecast_render.forecast_json(result),
        "html": lambda: forecast_render.forecast_html(result, labels),
    }
    _emit(renderers[args.format](), args.out)
    return 0


@_guarded
def run_seed(args: argparse.Namespace) -> int:
    config = load(args)
    days = max(1, round(_duration(args.history, "--history").total_seconds() / 86400))
    bar = ProgressBar("seed", days)

    async def fill() -> Any:
        await prepare_schema(config.database_url)  # a fresh desk gets its schema, as in `serve`
        db = open_database(config.database_url)
        try:
            async with db.sessions() as session:
                return await seed_history(
                    session, config, days=days, now=datetime.now(UTC), per_day=args.per_day,
                    seed=args.seed, append=args.append,
                    progress=lambda n, _: bar.step(f"{n} tickets"),
                )  # fmt: skip
        finally:
            await db.close()

    summary = asyncio.run(fill())
    bar.close()
    print(
        f"seeded {summary.tickets} tickets, {summary.events} events, {summary.polls} CSAT polls, "
        f"{summary.escalations} escalations, {summary.handoffs} hand-offs, {summary.kudos} kudos"
    )
    return 0
