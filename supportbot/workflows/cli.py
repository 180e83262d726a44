"""`supportbot workflows validate | schema | reference | test | replay`; problems become exit
codes here.

The main CLI calls `add_commands(subparsers)`; each command stores `handler(args) -> int`
(also as `func`). Every command refuses a workflows folder that is missing or holds no
workflow, naming the config key to fix: running scenarios against nothing reads as failures.
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

from supportbot.config import Config, ConfigError, load_config, locate_config
from supportbot.durations import parse_duration
from supportbot.formats import count
from supportbot.plugins import discover_features, installed_registry, load_hooks
from supportbot.usage import UsageError
from supportbot.workflows.jsonschema import scenario_schema, workflow_schema
from supportbot.workflows.loader import LoadResult, load_workflows, references_for
from supportbot.yamldoc import Problem, ProblemsError


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    group = subparsers.add_parser("workflows", help="check, test and dry-run workflow files")
    commands = group.add_subparsers(dest="workflows_command", required=True)

    validate = commands.add_parser("validate", help="report every problem in workflow files")
    validate.add_argument("paths", nargs="*", type=Path, help="files or folders (default: config)")
    validate.set_defaults(handler=validate_command, func=validate_command)

    schema = commands.add_parser(
        "schema", help="print the JSON Schema of workflow files (or of scenario files)"
    )
    schema.add_argument(
        "--scenarios", action="store_true", help="the schema of workflows/scenarios/*.yaml"
    )
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


def _config_path(args: argparse.Namespace) -> Path | None:
    return locate_config(getattr(args, "config", None), os.environ)


def _config(args: argparse.Namespace) -> Config:
    return load_config(_config_path(args), os.environ)


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in sorted(problems, key=lambda p: (p.file, p.line, p.column)):
        print(problem, file=sys.stderr)
    print(count(len(problems), "problem", "problems"), file=sys.stderr)


def require_workflows(config: Config, source: Path | None, *, allow_none: bool = False) -> int:
    """How many workflows `workflows_dir` holds; raise UsageError when there is no such folder,
    or (unless `allow_none`) when it holds none; raise ProblemsError when they are invalid."""
    folder = Path(config.workflows_dir)
    key = f"workflows_dir in {source}" if source else "the default: no config file was found"
    if not folder.is_dir():
        raise UsageError(
            f"there is no workflows folder at {folder} ({key}): point workflows_dir at your "
            "workflow files, relative to the config file, or write a starter desk with "
            "`supportbot init DIR`"
        )
    result = _load(config, [folder])
    if result.workflows is None:
        raise ProblemsError(result.problems)
    found = len(result.workflows.workflows)
    if found == 0 and not allow_none:
        raise UsageError(
            f"{folder} holds no workflows ({key}): without them the desk opens tickets and "
            "nothing else happens (no triage, SLA clocks or CSAT). Point workflows_dir at your "
            "workflow files, or pass --without-workflows to run without any"
        )
    return found


def _load(config: Config, paths: list[Path]) -> LoadResult:
    folder = paths[0] if paths[0].is_dir() else paths[0].parent
    hooks = load_hooks(discover_features())
    refs, problems = references_for(config, folder, hooks.template_folders)
    result = load_workflows(paths, registry=hooks.registry, refs=refs)
    return LoadResult(None, (*problems, *result.problems)) if problems else result


def validate_command(args: argparse.Namespace) -> int:
    try:
        config = _config(args)
    except ConfigError as exc:
        _print_problems(exc.problems)
        return 2
    if not args.paths:
        require_workflows(config, _config_path(args), allow_none=True)
    paths: list[Path] = args.paths or [Path(config.workflows_dir)]
    result = _load(config, paths)
    if result.workflows is None:
        _print_problems(result.problems)
        return 1
    workflows, files = len(result.workflows.workflows), len(result.workflows.files)
    print(f"ok: {count(workflows, 'workflow', 'workflows')} in {count(files, 'file', 'files')}")
    return 0


def schema_command(args: argparse.Namespace) -> int:
    registry = installed_registry()
    schema = scenario_schema() if args.scenarios else workflow_schema(registry)
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return 0


def reference_command(args: argparse.Namespace) -> int:
    from supportbot.workflows.reference import reference

    print(reference(installed_registry()))
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
    require_workflows(config, _config_path(args))
    directory = Path(config.workflows_dir)
    paths = _scenario_files(args.paths or [directory / "scenarios"])
    if not paths:
        raise UsageError(
            f"no scenario files in {directory / 'scenarios'}: write one (see "
            "`supportbot workflows schema --scenarios`), or name files to run"
        )
    try:
        results, problems = asyncio.run(run_files(paths, config, directory))
    except ProblemsError as exc:  # invalid workflows or templates, each problem listed
        _print_problems(exc.problems)
        return 1
    if problems:
        _print_problems(problems)
        return 1
    for r in results:
        print(f"{'ok  ' if r.ok else 'FAIL'} {r.file}: {r.name}")
        for failure in r.failures:
            print(f"       {failure}")
    failed = sum(not r.ok for r in results)
    print(f"{len(results) - failed} passed, {failed} failed")  # pytest's wording, plural-free
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
    require_workflows(config, _config_path(args))
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
