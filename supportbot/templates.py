"""Message templates: Jinja2 in a sandbox, one catalog per area and locale, rendered to markup.

Catalogs are YAML files named `<area>.<locale>.yaml` mapping a template name to Jinja source, in
the package's `templates/` folder and in the admin's `<workflows>/templates/` folder (whose entries
override). Every `{{ value }}` is escaped for the neutral markup unless it is `markup.Safe`, so a
customer's `**` or `<!channel>` shows literally on every platform.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from supportbot import formats, markup, yamldoc
from supportbot.durations import parse_duration

LOCALES = ("en", "ja")
FALLBACK_LOCALE = "en"
PACKAGE_CATALOGS = Path(__file__).parent / "templates"
LOCALE_VARIABLE = "_locale"  # the language the template is written in, for the filters


class TemplateError(Exception):
    """A template is missing or does not render."""


@dataclass(frozen=True, slots=True)
class Catalog:
    sources: dict[str, dict[str, str]]  # locale -> name -> source

    def names(self) -> set[str]:
        return {name for by_name in self.sources.values() for name in by_name}


def load_catalog(folders: Iterable[Path]) -> Catalog:
    """Read every `*.{locale}.yaml` in `folders`; later folders override earlier ones."""
    sources: dict[str, dict[str, str]] = {loc: {} for loc in LOCALES}
    problems: list[yamldoc.Problem] = []
    for folder in folders:
        for file in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
            locale = file.stem.rsplit(".", 1)[-1]
            if locale not in LOCALES:
                continue
            try:
                doc = yamldoc.load(file.read_text(encoding="utf-8"), str(file))
            except yamldoc.ProblemsError as exc:
                problems += exc.problems
                continue
            for name, source in (doc.data or {}).items():
                if not isinstance(source, str):
                    problems.append(doc.problem((name,), "a template must be a string"))
                    continue
                sources[locale][str(name)] = source
    if problems:
        raise yamldoc.ProblemsError(problems)
    return Catalog(sources)


@jinja2.pass_context
def _duration(context: jinja2.runtime.Context, value: Any) -> str:
    """`{{ first_response | duration }}`: `4 hours` / `4 時間` (a timedelta, seconds or "4h")."""
    if isinstance(value, str):
        value = parse_duration(value)
    return formats.duration(value, context.get(LOCALE_VARIABLE))


@jinja2.pass_context
def _plural(context: jinja2.runtime.Context, n: Any, one: str, other: str) -> str:
    """`{{ answered | plural("answer", "answers") }}`: `1 answer`, `3 answers` (by Babel)."""
    return formats.count(int(n), one, other, context.get(LOCALE_VARIABLE))


def _finalize(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, markup.Safe):
        return value
    return markup.escape(str(value))


class Templates:
    """Renders catalog templates; one instance per desk (no module-level environment)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._env = SandboxedEnvironment(
            autoescape=False, finalize=_finalize, undefined=jinja2.ChainableUndefined
        )
        self._env.filters["mention"] = markup.mention
        self._env.filters["group"] = markup.group_mention
        self._env.filters["bold"] = markup.bold
        self._env.filters["duration"] = _duration
        self._env.filters["plural"] = _plural
        self._env.filters["link"] = lambda url, label: markup.link(str(label), str(url))
        self._compiled: dict[tuple[str, str], jinja2.Template] = {}
        self._plain: dict[tuple[str, str | None], str] = {}

    @classmethod
    def from_folders(cls, *extra: Path) -> Templates:
        return cls(load_catalog([PACKAGE_CATALOGS, *extra]))

    def has(self, name: str) -> bool:
        return name in self.catalog.names()

    def render(self, template_name: str, locale: str | None = None, /, **values: Any) -> str:
        """Render a template in `locale` (English when the locale lacks it) to neutral markup.

        A template rendered without values (a card's field labels) always reads the same: it
        is rendered once."""
        if not values and (cached := self._plain.get((template_name, locale))) is not None:
            return cached
        template, written_in = self._template(template_name, locale or FALLBACK_LOCALE)
        try:
            text = template.render(**values, **{LOCALE_VARIABLE: written_in}).strip()
        except jinja2.TemplateError as exc:
            raise TemplateError(f"template {template_name!r} failed: {exc}") from exc
        if not values:
            self._plain[(template_name, locale)] = text
        return text

    def _template(self, name: str, locale: str) -> tuple[jinja2.Template, str]:
        if locale not in LOCALES:
            locale = FALLBACK_LOCALE
        if locale not in self.catalog.sources or name not in self.catalog.sources[locale]:
            locale = FALLBACK_LOCALE
        key = (locale, name)
        if key not in self._compiled:
            source = self.catalog.sources[locale].get(name)
            if source is None:
                raise TemplateError(f"unknown template {name!r}")
            try:
                self._compiled[key] = self._env.from_string(source)
            except jinja2.TemplateSyntaxError as exc:
                raise TemplateError(f"template {name!r} line {exc.lineno}: {exc.message}") from exc
        return self._compiled[key], locale
