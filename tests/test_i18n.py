"""Every sentence a chat user can read comes from a template, in English and Japanese.

A static check of the package's source (the adapters have their own rule and tests): a
refusal (`TicketError` and its kinds, `CommandError`, the playground's `ActionError`) names its
template, and no `Message` is written from an English literal. Then each template a refusal
names, and each one docs/i18n-inventory.md lists, exists in both languages and renders only the
values its raise sites give. A new English sentence in Python fails here with its file:line.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pytest
from jinja2 import meta

from supportbot.templates import PACKAGE_CATALOGS, load_catalog

PACKAGE = Path(__file__).parents[1] / "supportbot"
INVENTORY = Path(__file__).parents[1] / "docs" / "i18n-inventory.md"
# What only admins and operators read, in a terminal or a log (CLI errors are sentences there,
# in English); nothing here reaches a chat user.
NOT_CHAT = (
    "cli.py",
    "__main__.py",
    "starter.py",
    "workflows/replay/",
    "workflows/scenario",
    "insights/cli.py",
    "knowledge/cli.py",
)
REFUSALS = {
    "TicketError",
    "TicketNotFoundError",
    "IllegalTransitionError",
    "AlreadyClaimedError",
    "NotAllowedError",
    "InvalidValueError",
    "CommandError",
    "ActionError",
}
# A button, input or option: its label is the second argument (the first is a name or action).
LABELLED = {"Button", "TextInput", "SelectInput", "Option"}
# Values every template may use besides the raise site's own: the English text (fallbacks of
# sites that name no template) and a command's syntax (usage errors).
GIVEN = {"message", "usage"}


@dataclass(frozen=True)
class Site:
    where: str
    template: str | None  # None: computed (checked by the inventory test)
    values: frozenset[str]


def _sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if any(rel == skip or rel.startswith(skip) for skip in NOT_CHAT):
            continue
        yield rel, ast.parse(path.read_text(encoding="utf-8"), rel)


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _literal(node: ast.expr | None) -> bool:
    """English written in place: a string constant with a letter, or an f-string with text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{2}", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_literal(part) for part in node.values if isinstance(part, ast.Constant))
    return False


def _scan(sources: Iterable[tuple[str, ast.Module]] = ()) -> tuple[list[Site], list[str]]:
    sites: list[Site] = []
    problems: list[str] = []
    for rel, tree in sources or _sources():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name, where = _name(node.func), f"supportbot/{rel}:{node.lineno}"
            keywords = {k.arg: k.value for k in node.keywords if k.arg}
            if name in REFUSALS and node.args:
                if len(node.args) < 2:
                    problems.append(f"{where}: {name}(…) names no template")
                    continue
                template = node.args[1]
                key = template.value if isinstance(template, ast.Constant) else None
                sites.append(Site(where, key, frozenset(keywords)))
            elif name == "Message":
                for field in ("text", "title"):
                    if _literal(keywords.get(field)):
                        problems.append(f"{where}: Message({field}=…) is English in Python")
            elif name in LABELLED and (
                _literal(keywords.get("label")) or (len(node.args) > 1 and _literal(node.args[1]))
            ):
                problems.append(f"{where}: {name}(…) has an English label in Python")
            elif name == "escape" and node.args and _literal(node.args[0]):
                problems.append(f"{where}: markup.escape(…) of English in Python")
            elif name in ("note", "t", "render") and _literal(keywords.get("message")):
                problems.append(f"{where}: message=… is English in Python")
    return sites, problems


def _placeholders(env: jinja2.Environment, source: str) -> set[str]:
    """The values a template reads: `values.x` as `x`, and its other top-level names."""
    names = meta.find_undeclared_variables(env.parse(source)) - {"values"}
    return names | set(re.findall(r"\bvalues\.(\w+)", source))


CATALOG = load_catalog([PACKAGE_CATALOGS])
ENV = jinja2.Environment()


def test_no_english_sentence_in_python_reaches_a_chat_user() -> None:
    sites, problems = _scan()
    assert not problems, "\n".join(problems)
    assert len(sites) > 60  # the scan sees the refusals (a moved package would find none)


def test_the_scan_finds_english_written_in_python() -> None:
    """The check above can fail: each kind of mistake it looks for, planted."""
    planted = ast.parse(
        "def answer(ctx, exc):\n"
        "    ctx.tell(Message(text='there is nothing to do'))\n"
        "    ctx.tell(Message(title=f'Done: {exc}'))\n"
        "    ctx.tell(Message(text=markup.escape(f'usage: claim {exc}')))\n"
        "    ctx.tell(views.note('error.not_allowed', message='only admins'))\n"
        "    raise InvalidValueError('a note needs some text')\n"
        "    raise InvalidValueError('a note needs some text', 'error.note.empty')\n"
        "    ctx.tell(Message(text=views.t('done', 'ja')))\n"
        "    return SelectInput('priority', 'Priority', options)\n"
        "    return Button('ticket.claim', views.t('card.button.claim', 'ja'), '4')\n"
    )
    sites, problems = _scan([("planted.py", planted)])
    assert sorted(int(p.split(":")[1]) for p in problems) == [2, 3, 4, 5, 6, 9]
    assert [s.template for s in sites] == ["error.note.empty"]


def test_every_refusal_template_exists_in_both_languages_and_reads_only_given_values() -> None:
    sites, _ = _scan()
    missing, unknown_values = [], []
    for site in (s for s in sites if s.template):
        assert site.template is not None
        for locale in ("en", "ja"):
            source = CATALOG.sources[locale].get(site.template)
            if source is None:
                missing.append(f"{site.where}: no {locale} template {site.template!r}")
                continue
            extra = _placeholders(ENV, source) - site.values - GIVEN
            if extra:
                unknown_values.append(f"{site.where}: {site.template} ({locale}) reads {extra}")
    assert not missing, "\n".join(missing)
    assert not unknown_values, "\n".join(unknown_values)


def _inventory_keys() -> list[str]:
    text = INVENTORY.read_text(encoding="utf-8")
    keys = re.findall(r"^\|[^|]+\|[^|]+\| `([\w.]+)` \|$", text, flags=re.M)
    return sorted(set(keys))


def test_the_inventory_lists_keys() -> None:
    assert len(_inventory_keys()) > 50


@pytest.mark.parametrize("key", _inventory_keys())
def test_each_inventoried_key_is_in_both_languages_with_the_same_placeholders(key: str) -> None:
    en, ja = CATALOG.sources["en"].get(key), CATALOG.sources["ja"].get(key)
    assert en is not None and ja is not None, f"{key}: en={en is not None} ja={ja is not None}"
    # the English fallback may show the log text; the Japanese never does
    assert _placeholders(ENV, en) - {"message"} == _placeholders(ENV, ja)
    assert "message" not in _placeholders(ENV, ja)
