"""`supportbot …`: the command line. The only place errors become exit codes.

Features and adapters add their own sub-commands: core feature packages through an
`add_commands(subparsers)` function, adapters through the `supportbot.cli` entry-point group.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from pathlib import Path

from supportbot.config import Config, ConfigError, load_config
from supportbot.store.migrate import MigrationError
from supportbot.yamldoc import ProblemsError

DEFAULT_CONFIG = Path("config/supportbot.yaml")
FEATURE_CLIS = ("supportbot.workflows.cli", "supportbot.insights.cli")
Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    logging.basicConfig(
        level=os.environ.get("SUPPORTBOT_LOG", "INFO"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return handler(args)
    except ConfigError as exc:
        print(f"configuration error:\n{exc}", file=sys.stderr)
        return 2
    except ProblemsError as exc:  # workflow files, template catalogs
        print(f"invalid file:\n{exc}", file=sys.stderr)
        return 2
    except MigrationError as exc:
        print(f"database: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="supportbot", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        help="config file (default: $SUPPORTBOT_CONFIG or config/supportbot.yaml)",
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    serve = sub.add_parser("serve", help="run the desk: adapters, intake API, /healthz, /metrics")
    serve.add_argument("--host", default=os.environ.get("SUPPORTBOT_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=int(os.environ.get("SUPPORTBOT_PORT", "8080")))
    serve.set_defaults(handler=_serve)
    demo = sub.add_parser("demo", help="the playground: a whole desk in the browser, on SQLite")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8080)
    demo.add_argument("--scenario", action="store_true", help="play a scripted story")
    demo.add_argument("--history", default=None, help="seed history first, e.g. 90d")
    demo.set_defaults(handler=_demo)
    db = sub.add_parser("db", help="database commands").add_subparsers(metavar="ACTION")
    db.add_parser("upgrade", help="apply migrations").set_defaults(handler=_db_upgrade)
    cfg = sub.add_parser("config", help="configuration commands").add_subparsers(metavar="ACTION")
    cfg.add_parser("check", help="validate the config file").set_defaults(handler=_config_check)
    intake = sub.add_parser("intake", help="intake API keys").add_subparsers(metavar="ACTION")
    add_key = intake.add_parser("add-key", help="create a bearer key (printed once)")
    add_key.add_argument("name")
    add_key.set_defaults(handler=_intake_add_key)
    for module in FEATURE_CLIS:
        _extend(sub, functools.partial(importlib.import_module, module))
    for ep in entry_points(group="supportbot.cli"):
        _extend(sub, ep.load)
    return parser


def _extend(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], load: Callable[[], object]
) -> None:
    try:
        module = load()
    except ModuleNotFoundError as exc:
        logging.getLogger(__name__).debug("CLI extension not installed: %s", exc)
        return
    add = getattr(module, "add_commands", module if callable(module) else None)
    if add is not None:
        add(sub)


def config_path(args: argparse.Namespace) -> Path | None:
    explicit = args.config or os.environ.get("SUPPORTBOT_CONFIG")
    if explicit:
        return Path(explicit)
    return DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None


def read_config(args: argparse.Namespace) -> Config:
    return load_config(config_path(args), os.environ)


def _serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from supportbot.server import create_app

    config = read_config(args)
    app = create_app(config, os.environ, migrate=True)
    web.run_app(app, host=args.host, port=args.port, print=_announce(args))
    return 0


def _announce(args: argparse.Namespace) -> Callable[[str], None]:
    def say(_: str) -> None:
        print(
            f"supportbot is serving on http://{args.host}:{args.port} (Ctrl-C to stop)", flush=True
        )

    return say


def _demo(args: argparse.Namespace) -> int:
    from supportbot.playground.demo import run_demo

    asyncio.run(
        run_demo(
            config_path(args) or DEFAULT_CONFIG, args.host, args.port, args.scenario, args.history
        )
    )
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from supportbot.store.migrate import upgrade

    config = read_config(args)
    asyncio.run(upgrade(config.database_url))
    print(f"database is up to date: {_safe_url(config.database_url)}")
    return 0


def _config_check(args: argparse.Namespace) -> int:
    path = config_path(args)
    config = read_config(args)
    print(
        f"{path or '(defaults)'}: OK — {len(config.teams)} teams, "
        f"{len(config.departments)} departments, {len(config.people)} people"
    )
    return 0


def _intake_add_key(args: argparse.Namespace) -> int:
    from supportbot.composition import build_desk
    from supportbot.intake import add_key
    from supportbot.server import prepare_database

    async def run() -> str:
        desk = build_desk(read_config(args), features=())
        try:
            await prepare_database(desk, migrate=True)
            return await add_key(desk, args.name)
        finally:
            await desk.db.close()

    key = asyncio.run(run())
    print(f"intake key {args.name!r} (shown once; only its hash is stored):\n{key}")
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
