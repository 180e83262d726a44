"""How a command ends: its exit code, and every failure a user can act on as one sentence.

Exit codes: 0 done; 1 a check failed, or the database or the system refused; 2 the input was
wrong (config, files, options, settings); 70 a bug (one sentence; the traceback only with
SUPPORTBOT_DEBUG=1); 130 interrupted (Ctrl-C); 141 the reader of the output went away (`| head`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable

from supportbot.usage import SettingsError, UsageError
from supportbot.yamldoc import ProblemsError

DEBUG_VARIABLE = "SUPPORTBOT_DEBUG"
LOG_VARIABLE = "SUPPORTBOT_LOG"
EXIT_BUG, EXIT_INTERRUPTED, EXIT_PIPE = 70, 130, 141


def run(
    handler: Callable[[argparse.Namespace], int], args: argparse.Namespace, *, quiet_logs: bool
) -> int:
    """Run a command's handler; turn what it raises into a message on stderr and an exit code."""
    try:
        _configure_logging(quiet_logs)
        code = handler(args)
        sys.stdout.flush()  # a reader that went away shows here, not at interpreter exit
        return code
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_PIPE
    except Exception as exc:
        if os.environ.get(DEBUG_VARIABLE):
            raise
        message, code = describe(exc)
        print(message, file=sys.stderr)
        return code


def describe(exc: Exception) -> tuple[str, int]:
    """The sentence and exit code for an error (see the table in the module docstring)."""
    from sqlalchemy.exc import SQLAlchemyError

    from supportbot.config import ConfigError
    from supportbot.store.revisions import MigrationError

    if isinstance(exc, ConfigError):
        return f"configuration error:\n{exc}", 2
    if isinstance(exc, ProblemsError):  # workflow files, template catalogs, scenario files
        return f"invalid file:\n{exc}", 2
    if isinstance(exc, MigrationError):
        return f"database: {exc}", 2
    if isinstance(exc, SettingsError):
        return f"settings: {exc}", 2
    if isinstance(exc, UsageError):
        return f"supportbot: {exc}", 2
    if isinstance(exc, SQLAlchemyError):
        return f"database: {_first_line(exc)}", 1
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"supportbot: {exc.strerror or exc}{where}", 1
    return (
        f"supportbot: unexpected error ({type(exc).__name__}: {_first_line(exc)}); "
        f"run again with {DEBUG_VARIABLE}=1 to see where it happened, and please report it",
        EXIT_BUG,
    )


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _configure_logging(quiet: bool) -> None:
    """WARNING for one-shot commands (no Alembic chatter), INFO for `serve`; SUPPORTBOT_LOG wins."""
    chosen = os.environ.get(LOG_VARIABLE, "").strip().upper()
    if chosen and chosen not in logging.getLevelNamesMapping():
        raise UsageError(f"{LOG_VARIABLE}={chosen!r} is not a level: use DEBUG, INFO or WARNING")
    level = chosen or ("WARNING" if quiet else "INFO")
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not chosen:
        # Alembic logs each step at INFO ("Context impl SQLiteImpl."): not news to an admin.
        logging.getLogger("alembic").setLevel(logging.WARNING)


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capture it)
        pass
    finally:
        os.close(devnull)


def safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
