"""`supportbot workflows validate | schema | test | replay`; problems become exit codes here.

The main CLI calls `add_commands(subparsers)`; each command stores `handler(args) -> int`
(also as `func`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from supportbot.config import Config, ConfigError, load_config
from supportbot.durations import parse_duration
from supportbot.workflows.jsonschema import workflow_schema
from supportbot.workflows.loader import load_workflows, references_for
from supportbot.workflows.registry import default_registry
from supportbot.yamldoc import Problem

DEFAULT_CONFIG = Path("config/supportbot.yaml")


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("workflows", help="check, test and dry-run workflow files")
    commands = group.add_subparsers(dest="workflows_command", required=True)

    validate = commands.add_parser("validate", help="report every problem in workflow files")
    validate.add_argument("paths", nargs="*", type=Path, help="files or folders (default: config)")
    validate.set_defaults(handler=validate_command, func=validate_command)

    schema = commands.add_parser("schema", help="print the JSON Schema of workflow files")
    schema.set_defaults(handler=schema_command, func=schema_command)

    ref = commands.add_parser("reference", help="print triggers, conditions and actions (Markdown)")
    ref.set_defaults(handler=reference_command, func=reference_command)

    test = commands.add_parser("test", help="run scenario files (default: <workflows>/scenarios)")
    test.add_argument("paths", nargs="*", type=Path)
    test.set_defaults(handler=test_command, func=test_command)

    replay = commands.add_parser(
        "replay", help="what the working files would have done to past tickets (changes nothing)"
    )
    _replay_options(replay)
    replay.set_defaults(handler=replay_command, func=replay_command)

    for sub in (validate, schema, ref, test, replay):
        # SUPPRESS: without the option here, the main parser's `--config` value stays.
        sub.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="config file")


def _config(args: argparse.Namespace) -> Config:
    path = getattr(args, "config", None) or os.environ.get("SUPPORTBOT_CONFIG")
    if path is None and DEFAULT_CONFIG.is_file():
        path = DEFAULT_CONFIG
    return load_config(path, os.environ)


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in sorted(problems, key=lambda p: (p.file, p.line, p.column)):
        print(problem, file=sys.stderr)
    print(f"{len(problems)} problem(s)", file=sys.stderr)


def validate_command(args: argparse.Namespace) -> int:
    try:
        config = _config(args)
    except ConfigError as exc:
        _print_problems(exc.problems)
        return 2
    paths: list[Path] = args.paths or [Path(config.workflows_dir)]
    folder = paths[0] if paths[0].is_dir() else paths[0].parent
    refs, problems = references_for(config, folder)
    result = load_workflows(paths, registry=default_registry(), refs=refs)
    problems += result.problems
    if problems:
        _print_problems(problems)
        return 1
    assert result.workflows is not None
    count, files = len(result.workflows.workflows), len(result.workflows.files)
    print(f"ok: {count} workflow(s) in {files} file(s)")
    return 0


def schema_command(args: argparse.Namespace) -> int:
    print(json.dumps(workflow_schema(default_registry()), indent=2, ensure_ascii=False))
    return 0


def reference_command(args: argparse.Namespace) -> int:
    from supportbot.workflows.reference import reference

    print(reference(default_registry()))
    return 0


def test_command(args: argparse.Namespace) -> int:
    from supportbot.workflows.scenarios import run_files

    # Scenario desks have no chat platforms: the courier's "dropping" notices are expected.
    logging.getLogger("supportbot.courier").setLevel(logging.ERROR)
    try:
        config = _config(args)
    except ConfigError as exc:
        _print_problems(exc.problems)
        return 2
    directory = Path(config.workflows_dir)
    paths = _scenario_files(args.paths or [directory / "scenarios"])
    try:
        results, problems = asyncio.run(run_files(paths, config, directory))
    except Exception as exc:  # invalid workflows raise with their problems listed
        print(exc, file=sys.stderr)
        return 1
    if problems:
        _print_problems(problems)
        return 1
    for r in results:
        print(f"{'ok  ' if r.ok else 'FAIL'} {r.file}: {r.name}")
        for failure in r.failures:
            print(f"       {failure}")
    failed = sum(not r.ok for r in results)
    print(f"{len(results) - failed} passed, {failed} failed")
    return 1 if failed or not results else 0


def _scenario_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        found += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    return found


def _replay_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", default="30d", help="tickets created this far back (default 30d)")
    p.add_argument(
        "--baseline",
        metavar="REF",
        help="compare with these files: a git ref (HEAD, main) or a folder "
        "(default: with what really happened)",
    )
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument(
        "--fail-on-change", action="store_true", help="exit 3 when anything would differ (for CI)"
    )
    p.add_argument("--limit", type=int, default=100, help="tickets listed per section")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: one per CPU)")
    p.add_argument("--locale", choices=("en", "ja"), default=None)


def replay_command(args: argparse.Namespace) -> int:
    from supportbot.workflows.replay import ReplayRequest, replay

    try:
        config = _config(args)
        since = parse_duration(args.since)
    except ConfigError as exc:
        _print_problems(exc.problems)
        return 2
    except ValueError as exc:
        print(f"--since: {exc}", file=sys.stderr)
        return 2
    request = ReplayRequest(
        since=since,
        baseline=args.baseline,
        format=args.format,
        fail_on_change=args.fail_on_change,
        locale=args.locale,
        limit=max(args.limit, 0),
        jobs=args.jobs,
    )
    directory = Path(config.workflows_dir)
    return asyncio.run(replay(config, directory, request, sys.stdout, sys.stderr))


def main(argv: Sequence[str] | None = None) -> int:
    """Stand-alone entry: `python -m supportbot.workflows.cli validate …`."""
    parser = argparse.ArgumentParser(prog="supportbot")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["workflows", *(argv if argv is not None else sys.argv[1:])])
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
