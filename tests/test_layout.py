"""The house rules that keep the layout honest, checked on the source with `ast`.

1. Only adapters know a platform: no module of the core (`supportbot/`) or of `bench/` imports
   slack_bolt, slack_sdk, botbuilder* or botframework* (also not through importlib); the one
   exception is the benchmark's bare Bolt app, `bench/barebolt.py`.
2. Only the ticket service writes tickets: outside `supportbot/tickets/` (and the demo seeder
   `supportbot/insights/seed.py`, and `supportbot/store/` which defines the tables) a module
   may *read* the ticket tables but never writes them. Without types, "writes" means what the
   AST can see:
     - building a row: `Ticket(...)`, `Escalation(...)`, …;
     - Core DML: `insert(Ticket)`, `update(...)`, `delete(...)` on those tables;
     - changing a row the same function loaded whole (`t = await s.get(Ticket, n)`,
       `t = await s.scalar(select(Ticket)…)`, `for t in await s.scalars(select(Ticket)…)`):
       `t.status = …`, `t.x += …`, `setattr(t, …)`, `s.delete(t)`.
   Reading stays free: `select(Ticket)`, `Ticket.status == "new"`, `s.get(Ticket, n)`, type
   annotations. A row passed to another function and changed there is not caught; review
   catches that, this test catches the easy slip. SQL written out for the driver
   (`supportbot.store.direct.Direct("UPDATE tickets …")`) counts too.
3. One way in: features reach each other only through the plug-in API (`supportbot.plugins`),
   never by naming a module in a string (`importlib.import_module("supportbot.collab…")`, a
   table of module names): no string in `supportbot/` names a module of a feature other than
   the one it is in, and the core names none. Entry points (`pyproject.toml`) are the one
   place features are named.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLATFORM_SDKS = ("slack_bolt", "slack_sdk", "botbuilder", "botframework")
TICKET_TABLES = frozenset(
    {"Ticket", "TicketEvent", "TicketThread", "Escalation", "Handoff", "CsatPoll", "KudosAward"}
)
TICKET_WRITERS = ("supportbot/tickets/", "supportbot/store/", "supportbot/insights/seed.py")
DML = frozenset({"insert", "update", "delete"})
# The pipeline benchmark's yardstick is a bare Bolt app, the platform's own app we measure
# supportbot against: it must import Bolt, and it is the only module outside adapters/ that may.
SDK_YARDSTICK = "bench/barebolt.py"
WHOLE_ROW_READS = frozenset({"get", "select", "get_one"})


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def python_files(*folders: str) -> Iterator[tuple[str, ast.Module]]:
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            yield relative, ast.parse(path.read_text(encoding="utf-8"), relative)


# -- rule 1 ------------------------------------------------------------------------------------
def _is_sdk(module: str) -> bool:
    top = module.split(".")[0]
    return any(top == sdk or top.startswith(sdk) for sdk in PLATFORM_SDKS)


def sdk_imports(path: str, tree: ast.Module) -> Iterator[Finding]:
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and _callee(node) in {"import_module", "__import__"}:
            names = [a.value for a in node.args[:1] if isinstance(a, ast.Constant)]
            names = [n for n in names if isinstance(n, str)]
        for name in names:
            if _is_sdk(name):
                yield Finding(path, node.lineno, f"imports {name} outside adapters/")


# -- rule 2 ------------------------------------------------------------------------------------
def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _names_table(node: ast.AST, tables: set[str]) -> bool:
    """`Ticket` or `Ticket.__table__`, not a column like `Ticket.id`."""
    if isinstance(node, ast.Attribute) and node.attr == "__table__":
        node = node.value
    return isinstance(node, ast.Name) and node.id in tables


def _loads_whole_row(value: ast.AST, tables: set[str]) -> bool:
    return any(
        isinstance(n, ast.Call)
        and _callee(n) in WHOLE_ROW_READS
        and any(_names_table(a, tables) for a in n.args[:1])
        for n in ast.walk(value)
    )


def _imported_tables(tree: ast.Module) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith("models"):
            found |= {a.asname or a.name for a in node.names if a.name in TICKET_TABLES}
    return found


def _row_variables(func: ast.AST, tables: set[str]) -> set[str]:
    """Names bound, in this function, to a whole ticket-table row (or rows, in a loop)."""
    return {
        target.id
        for node in ast.walk(func)
        for target, value in _bindings(node)
        if isinstance(target, ast.Name) and _loads_whole_row(value, tables)
    }


def _bindings(node: ast.AST) -> list[tuple[ast.expr, ast.expr]]:
    if isinstance(node, ast.Assign):
        return [(target, node.value) for target in node.targets]
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return [(node.target, node.value)]
    if isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
        return [(node.target, node.iter)]
    return []


def _row_writes(func: ast.AST, rows: set[str]) -> Iterator[tuple[int, str]]:
    for node in ast.walk(func):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = [e for t in node.targets for e in _flatten(t)]
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and _is_row(target.value, rows):
                yield node.lineno, f"assigns {ast.unparse(target)}"
        if isinstance(node, ast.Call) and (
            (_callee(node) == "setattr" and node.args and _is_row(node.args[0], rows))
            or (_callee(node) == "delete" and any(_is_row(a, rows) for a in node.args))
        ):
            yield node.lineno, f"calls {ast.unparse(node)}"


def _flatten(target: ast.expr) -> list[ast.expr]:
    if isinstance(target, ast.Tuple | ast.List):
        return [e for item in target.elts for e in _flatten(item)]
    return [target]


def _is_row(node: ast.AST, rows: set[str]) -> bool:
    return isinstance(node, ast.Name) and node.id in rows


def ticket_writes(path: str, tree: ast.Module) -> Iterator[Finding]:
    tables = _imported_tables(tree)
    if not tables:
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _callee(node)
            if isinstance(node.func, ast.Name) and name in tables:
                yield Finding(path, node.lineno, f"builds a {name} row")
            elif name in DML and any(_names_table(a, tables) for a in node.args[:1]):
                yield Finding(path, node.lineno, f"runs {name}() on a ticket table")
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            rows = _row_variables(node, tables)
            for line, what in _row_writes(node, rows):
                yield Finding(path, line, f"{what} on a ticket row")


def _findings_outside_writers(rule: object) -> list[str]:
    found: list[str] = []
    for path, tree in python_files("supportbot"):
        if not path.startswith(TICKET_WRITERS):
            found += [str(f) for f in rule(path, tree)]  # type: ignore[operator]
    return found


def _in_order(findings: Iterator[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: f.line)


_SQL_WRITE = re.compile(r"\b(insert\s+into|update|delete\s+from)\s+\"?(\w+)", re.IGNORECASE)
SQL_TICKET_TABLES = frozenset(
    {"tickets", "ticket_events", "ticket_threads", "escalations", "handoffs", "csat_polls", "kudos"}
)


def direct_ticket_writes(path: str, tree: ast.Module) -> Iterator[Finding]:
    """`Direct("…")` statements that write a ticket table."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _callee(node) == "Direct" and node.args:
            sql = node.args[0]
            if isinstance(sql, ast.Constant) and isinstance(sql.value, str):
                for _, table in _SQL_WRITE.findall(sql.value):
                    if table.lower() in SQL_TICKET_TABLES:
                        yield Finding(path, node.lineno, f"SQL writing {table}")


FEATURES = ("collab", "insights", "knowledge", "workflows", "playground")
_MODULE_PATH = re.compile(r"^supportbot\.(\w+)(\.\w+)*$")


def feature_module_strings(path: str, tree: ast.Module) -> Iterator[Finding]:
    """String constants naming a feature's module, outside that feature."""
    parts = path.split("/")
    home = parts[1] if len(parts) > 2 else None  # supportbot/<area>/…
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = _MODULE_PATH.match(node.value)
            if match and match.group(1) in FEATURES and match.group(1) != home:
                yield Finding(path, node.lineno, f"names {node.value!r}")


# -- the tests ---------------------------------------------------------------------------------
def test_platform_sdks_stay_inside_the_adapters() -> None:
    found = [
        str(f)
        for path, tree in python_files("supportbot", "bench")
        if path != SDK_YARDSTICK
        for f in sdk_imports(path, tree)
    ]
    assert found == []


def test_only_the_ticket_service_writes_tickets() -> None:
    assert _findings_outside_writers(ticket_writes) == []
    assert _findings_outside_writers(direct_ticket_writes) == []


def test_no_module_names_another_features_module() -> None:
    found = [
        str(f)
        for path, tree in python_files("supportbot")
        for f in feature_module_strings(path, tree)
    ]
    assert found == []


def test_the_one_way_in_rules_see_what_they_forbid() -> None:
    source = """
import importlib
from supportbot.store.direct import Direct
FEATURES = ("supportbot.collab", "supportbot.insights.feature")
importlib.import_module("supportbot.workflows.engine")
LOG = "supportbot.tickets"  # the core: not a feature
_UPDATE = Direct("UPDATE tickets SET status = 'x'")
_FINE = Direct("UPDATE inbox SET status = 'done'")
"""
    tree = ast.parse(source)
    named = [f.what for f in feature_module_strings("supportbot/desk.py", tree)]
    assert named == [
        "names 'supportbot.collab'",
        "names 'supportbot.insights.feature'",
        "names 'supportbot.workflows.engine'",
    ]
    assert not list(
        feature_module_strings("supportbot/collab/x.py", ast.parse('"supportbot.collab.y"'))
    )
    assert [f.what for f in direct_ticket_writes("supportbot/x.py", tree)] == [
        "SQL writing tickets"
    ]


def test_the_ticket_rule_sees_each_kind_of_write() -> None:
    """The checks above are only as good as their detectors: show each one firing."""
    source = """
from supportbot.store.models import Ticket, Escalation as Esc
from sqlalchemy import select, update

async def sneaky(s, n):
    s.add(Ticket(subject="x"))
    await s.execute(update(Esc).values(status="approved"))
    t = await s.get(Ticket, n)
    t.status = "resolved"
    t.version += 1
    for row in await s.scalars(select(Ticket)):
        row.priority, other = "P1", 2
        setattr(row, "team", "tier2")
        await s.delete(row)

async def fine(s, n):
    t = await s.get(Ticket, n)
    count = await s.scalar(select(func.count(Ticket.id)).where(Ticket.status == "new"))
    view = make_view(t)
    view.title = "a view, not a row"
    return t.status, count
"""
    found = [f.what for f in _in_order(ticket_writes("x.py", ast.parse(source)))]
    assert found == [
        "builds a Ticket row",
        "runs update() on a ticket table",
        "assigns t.status on a ticket row",
        "assigns t.version on a ticket row",
        "assigns row.priority on a ticket row",
        "calls setattr(row, 'team', 'tier2') on a ticket row",
        "calls s.delete(row) on a ticket row",
    ]


def test_the_sdk_rule_sees_each_kind_of_import() -> None:
    source = """
import slack_sdk.web
from botbuilder.core import TurnContext
import importlib
importlib.import_module("slack_bolt")
import botframework_connector as c
from supportbot.adapters import slack_names
"""
    found = [f.line for f in _in_order(sdk_imports("x.py", ast.parse(source)))]
    assert found == [2, 3, 5, 6]
