"""`supportbot init DIR`: a starter desk for a new company, from the files the wheel carries.

The wheel carries `supportbot/bundled/`: the demo desk's config, the default workflows with
their scenarios, and the starter knowledge base. In a checkout those are symbolic links to the
top-level `config/`, `workflows/` and `knowledge/` folders, the one place they are edited; a
wheel holds copies. `supportbot demo` reads them where they are; `init` copies the workflows and
the knowledge base and writes a `supportbot.yaml` made from the demo config with the company's
name, language and time zone, so `config check` and `workflows test` pass on it at once.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import zoneinfo
from dataclasses import dataclass
from datetime import date
from importlib.resources import files
from pathlib import Path
from string import Template
from typing import Any

from supportbot import yamldoc
from supportbot.usage import UsageError

BUNDLE = "bundled"
LOCALES = ("en", "ja")
COPIED = ("workflows", "knowledge")  # folders copied as they are
ZONE_TABLES = ("zone.tab", "zone1970.tab")


def bundled(*parts: str) -> Path:
    """A file or folder the package carries, as a path on disk."""
    root = files("supportbot") / BUNDLE
    if not isinstance(root, Path):  # a zip import: the desk watches real files
        raise UsageError("supportbot is installed as a zip archive: install it as a folder")
    return root.joinpath(*parts)


def demo_config() -> Path:
    return bundled("config", "supportbot.yaml")


@dataclass(frozen=True, slots=True)
class Choices:
    company: str
    locale: str = "en"
    timezone: str = "UTC"
    country: str | None = None


def write_starter(target: Path, choices: Choices, *, force: bool = False) -> list[Path]:
    """Write the starter desk into `target`; return the files written.

    Refuses (UsageError) when any of them exists, unless `force`; then nothing is written."""
    plan = {"supportbot.yaml": starter_config(choices), "README.md": _readme(choices, target)}
    copies = {rel: source for folder in COPIED for rel, source in _tree(folder)}
    existing = sorted(rel for rel in [*plan, *copies] if (target / rel).exists())
    if existing and not force:
        shown = ", ".join(existing[:3]) + (f" and {len(existing) - 3} more" if existing[3:] else "")
        raise UsageError(
            f"{target} already has {shown}: nothing was written. Pass --force to overwrite them, "
            "or choose an empty folder"
        )
    for folder in COPIED:
        (target / folder / ("scenarios" if folder == "workflows" else "")).mkdir(
            parents=True, exist_ok=True
        )
    for rel, text in plan.items():
        (target / rel).write_text(text, encoding="utf-8")
    for rel, source in copies.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / rel)
    return [target / rel for rel in [*plan, *copies]]


def _tree(folder: str) -> list[tuple[str, Path]]:
    """(relative path, source) of the bundled files under `folder`, skipping dot files."""
    root = bundled(folder)
    if not root.is_dir():  # e.g. a build without the starter knowledge base
        return []
    found = [p for p in sorted(root.rglob("*")) if p.is_file()]
    keep = [p for p in found if not any(part.startswith(".") for part in p.relative_to(root).parts)]
    return [(f"{folder}/{p.relative_to(root).as_posix()}", p) for p in keep]


def starter_config(choices: Choices) -> str:
    """The demo config, made the company's: name, language, time zone, folders beside it."""
    text = demo_config().read_text(encoding="utf-8")
    country = f"country: {choices.country}" if choices.country else "# country: JP"
    for key, line in (
        ("desk_name", f"desk_name: {json.dumps(choices.company + ' Support', ensure_ascii=False)}"),
        ("locale", f"locale: {choices.locale}"),
        ("workflows_dir", "workflows_dir: workflows"),
        ("knowledge_dir", "knowledge_dir: knowledge"),
        ("  timezone", f"  timezone: {choices.timezone}"),
        ("  country", f"  {country}{' ' * max(1, 37 - len(country))}# its public holidays"),
        ("  holidays", "  holidays: []                          # your own closed days"),
    ):
        text, found = re.subn(rf"(?m)^{key}: .*$", line, text, count=1)
        if not found:  # the demo config changed shape: fail loudly here, not in the admin's desk
            raise RuntimeError(f"the bundled demo config has no `{key.strip()}:` line")
    _check(text)
    header = Template(bundled("init", "header.yaml").read_text(encoding="utf-8"))
    return header.substitute(company=choices.company, day=date.today().isoformat()) + text


def _check(text: str) -> None:
    from pydantic import ValidationError

    from supportbot.config import Config

    doc = yamldoc.load(text, "supportbot.yaml")
    try:
        Config.model_validate(doc.data)
    except ValidationError as exc:
        problems = yamldoc.validation_problems(exc, doc, model=Config)
        raise UsageError("; ".join(p.message for p in problems)) from exc


def _readme(choices: Choices, target: Path) -> str:
    readme = Template(bundled("init", "README.md").read_text(encoding="utf-8"))
    return readme.substitute(company=choices.company, config=target / "supportbot.yaml")


def country_of(zone: str) -> str | None:
    """The country of an IANA time zone, from the system's zone table (None when unknown)."""
    for folder in zoneinfo.TZPATH:
        for table in ZONE_TABLES:
            path = Path(folder) / table
            if path.is_file():
                for line in path.read_text(encoding="utf-8").splitlines():
                    fields = line.split("\t")
                    if len(fields) >= 3 and fields[2] == zone and not line.startswith("#"):
                        return fields[0].split(",")[0]
    return None


def add_commands(subparsers: Any) -> None:
    init = subparsers.add_parser(
        "init", help="write a starter desk (config, workflows, scenarios, knowledge) to edit"
    )
    init.add_argument("directory", type=Path, help="where (created when missing)")
    init.add_argument("--company", help="the company's name (asked when not given)")
    init.add_argument("--locale", choices=LOCALES, help="the support team's language")
    init.add_argument("--timezone", help="IANA time zone of the business hours, e.g. Asia/Tokyo")
    init.add_argument("--country", help="ISO code whose public holidays are closed days")
    init.add_argument("--force", action="store_true", help="overwrite files that exist")
    init.set_defaults(handler=run_init)


def run_init(args: argparse.Namespace) -> int:
    choices = _choices(args, ask=sys.stdin.isatty())
    written = write_starter(args.directory, choices, force=args.force)
    config = args.directory / "supportbot.yaml"
    print(f"wrote a starter desk for {choices.company} in {args.directory} ({len(written)} files)")
    print(f"next: read {args.directory / 'README.md'}, then")
    print(f"  supportbot --config {config} config check")
    print(f"  supportbot --config {config} workflows test")
    return 0


def _choices(args: argparse.Namespace, *, ask: bool) -> Choices:
    default_company = args.directory.resolve().name.replace("-", " ").title() or "Example"
    company = args.company or _ask(ask, "Company name", default_company)
    locale = args.locale or _ask(ask, "Support team's language (en or ja)", "en")
    timezone = args.timezone or _ask(ask, "Time zone of your business hours", "UTC")
    if locale not in LOCALES:
        raise UsageError(f"{locale!r} is not a supported language: use en or ja")
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(
            f"unknown time zone {timezone!r}: use an IANA name like Asia/Tokyo"
        ) from exc
    country = args.country or country_of(timezone)
    return Choices(company.strip() or default_company, locale, timezone, country)


def _ask(ask: bool, question: str, default: str) -> str:
    if not ask:
        return default
    answer = input(f"{question} [{default}]: ").strip()
    return answer or default
