"""`supportbot …`: the command line. The only place errors become exit codes.

Features and adapters add their own sub-commands: core feature packages through an
`add_commands(subparsers)` function, adapters through the `supportbot.cli` entry-point group.
Every sub-command accepts `--config PATH` after its name as well as before it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import PackageNotFoundError, entry_points, version
from pathlib import Path
from typing import TYPE_CHECKING

from supportbot import failures, intake_keys, starter
from supportbot.config import Config, load_config, locate_config

if TYPE_CHECKING:
    from aiohttp import web

Handler = Callable[[argparse.Namespace], int]
Subparsers = argparse._SubParsersAction  # argparse keeps the type private; it is stable

SUMMARY = "supportbot: run your company's support desk inside team chat."
START_HERE = """\
start here:
  supportbot demo                       the whole desk in your browser, on a fresh SQLite file
  supportbot init mydesk                write a starter desk (config, workflows, knowledge)
  supportbot --config mydesk/supportbot.yaml config check
  supportbot --config mydesk/supportbot.yaml workflows test
  supportbot --config mydesk/supportbot.yaml serve

Every command takes --config PATH, before or after its name. Without it: $SUPPORTBOT_CONFIG,
then ./config/supportbot.yaml, then ./supportbot.yaml. Relative paths inside the file are
relative to the file. `supportbot COMMAND --help` tells more."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    return failures.run(handler, args, quiet_logs=getattr(args, "quiet_logs", True))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="supportbot",
        description=SUMMARY,
        epilog=START_HERE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"supportbot {_version()}")
    parser.add_argument("--config", type=Path, default=None, help="the desk's config file")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    _serve_parser(sub)
    _demo_parser(sub)
    starter.add_commands(sub)
    db = sub.add_parser("db", help="database commands").add_subparsers(metavar="ACTION")
    db.add_parser("upgrade", help="apply migrations").set_defaults(handler=_db_upgrade)
    cfg = sub.add_parser("config", help="configuration commands").add_subparsers(metavar="ACTION")
    cfg.add_parser("check", help="validate the config file").set_defaults(handler=_config_check)
    intake_keys.add_commands(sub, read_config)
    for ep in sorted(entry_points(group="supportbot.cli"), key=lambda e: e.name):
        _extend(sub, ep.load)  # the features' and adapters' commands
    _config_everywhere(parser)
    return parser


def _version() -> str:
    try:
        return version("supportbot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def _serve_parser(sub: Subparsers[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="run the desk: adapters, intake API, /healthz, /metrics")
    serve.add_argument("--host", default=os.environ.get("SUPPORTBOT_HOST", "127.0.0.1"))
    # String defaults go through `type` too: a bad $SUPPORTBOT_PORT is argparse's sentence.
    serve.add_argument("--port", type=int, default=os.environ.get("SUPPORTBOT_PORT", "8080"))
    serve.add_argument(
        "--workers",
        type=int,
        default=os.environ.get("SUPPORTBOT_WORKERS", "1"),
        help="processes serving the port side by side, under one supervisor (PostgreSQL only)",
    )
    serve.add_argument(
        "--without-workflows",
        action="store_true",
        help="start even when the workflows folder holds no workflow (tickets are worked by hand)",
    )
    serve.set_defaults(handler=_serve, quiet_logs=False)


def _demo_parser(sub: Subparsers[argparse.ArgumentParser]) -> None:
    demo = sub.add_parser(
        "demo", help="the playground: a whole desk in the browser, on a fresh SQLite file"
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8080)
    demo.add_argument("--scenario", action="store_true", help="play a scripted story")
    demo.add_argument("--history", default=None, help="seed history first, e.g. 90d")
    demo.add_argument(
        "--database", type=Path, default=None, help="the SQLite file (default ./supportbot-demo.db)"
    )
    demo.set_defaults(handler=_demo)


def _extend(sub: Subparsers[argparse.ArgumentParser], load: Callable[[], object]) -> None:
    try:
        module = load()
    except ModuleNotFoundError as exc:
        logging.getLogger(__name__).debug("CLI extension not installed: %s", exc)
        return
    add = getattr(module, "add_commands", module if callable(module) else None)
    if add is not None:
        add(sub)


def _config_everywhere(parser: argparse.ArgumentParser) -> None:
    """Give every sub-command a `--config` of its own (`supportbot serve --config x.yaml`).

    SUPPRESS as the default: when only the main parser's option is given, its value stays."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for child in dict.fromkeys(action.choices.values()):  # aliases repeat a parser
            if "--config" not in child._option_string_actions:
                child.add_argument(
                    "--config", type=Path, default=argparse.SUPPRESS, help="the desk's config file"
                )
            _config_everywhere(child)


def config_path(args: argparse.Namespace) -> Path | None:
    return locate_config(getattr(args, "config", None), os.environ)


def read_config(args: argparse.Namespace) -> Config:
    return load_config(config_path(args), os.environ)


def _serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from supportbot import workers
    from supportbot.server import create_app
    from supportbot.workflows.cli import require_workflows

    config = read_config(args)
    require_workflows(config, config_path(args), allow_none=args.without_workflows)
    workers.check(args.workers, config.database_url)
    if args.workers > 1:
        return workers.Supervisor(workers.worker_argv(sys.argv[1:]), args.workers).run()
    app = create_app(config, os.environ, migrate=True)
    app.on_startup.append(_freeze_what_lasts)  # after the desk's own start-up work
    app.on_startup.append(workers.outlive_no_supervisor)
    reuse = workers.supervised() is not None  # its siblings listen on the same port
    web.run_app(app, host=args.host, port=args.port, print=_announce(args), reuse_port=reuse)
    return 0


async def _freeze_what_lasts(app: web.Application) -> None:
    """Move everything alive after start-up (modules, SQLAlchemy's mappers, templates, the
    config) out of the garbage collector's sight, and again once the features' background
    start-up work is done (the knowledge base's indexes: 70–170 ms per full collection in
    bench.pipeline, paid by every acknowledgement waiting in the loop). A full collection over
    them took 150 ms on the development machine."""
    from supportbot.server import WARM

    _freeze()
    warm = app.get(WARM)
    if warm is not None:
        warm.add_done_callback(_freeze_when_warm)


def _freeze_when_warm(warm: asyncio.Future[None]) -> None:
    if not warm.cancelled() and warm.exception() is None:
        _freeze()


def _freeze() -> None:
    gc.collect()
    gc.freeze()


def _announce(args: argparse.Namespace) -> Callable[[str], None]:
    def say(_: str) -> None:
        print(
            f"supportbot is serving on http://{args.host}:{args.port} (Ctrl-C to stop)", flush=True
        )

    return say


def _demo(args: argparse.Namespace) -> int:
    from supportbot.playground.demo import run_demo

    database = args.database or Path("supportbot-demo.db")
    asyncio.run(run_demo(config_path(args), args.host, args.port, args.scenario, args.history,
                         database=database))  # fmt: skip
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from supportbot.store.migrate import upgrade
    from supportbot.store.readiness import prepare_schema, sqlite_file

    config = read_config(args)
    sqlite = sqlite_file(config.database_url) is not None
    # On SQLite, prepare_schema migrates too, and says so plainly when the folder is missing.
    asyncio.run((prepare_schema if sqlite else upgrade)(config.database_url))
    print(f"database is up to date: {failures.safe_url(config.database_url)}")
    return 0


def _config_check(args: argparse.Namespace) -> int:
    path = config_path(args)
    config = read_config(args)
    print(
        f"{path or '(defaults)'}: OK — {len(config.teams)} teams, "
        f"{len(config.departments)} departments, {len(config.people)} people"
    )
    return 0
