"""The example plug-in installed as users install it: `pip install ./examples/supportbot-tracker`.

It is installed into a folder of its own (`pip install --no-deps --target`, from a clean copy,
so no build leftovers land in the checkout) and the `supportbot` command runs as a subprocess
with that folder on PYTHONPATH: its action and condition appear in `workflows schema` and
`reference`, its workflow validates and its scenarios pass, and its feature is discovered
through the same entry-point group as the built-in ones. Without the folder, none of that.

The plug-in's own tests (`examples/supportbot-tracker/tests`) run in this suite too
(`testpaths` in pyproject.toml), importing it from the checkout without installing it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import distribution
from pathlib import Path

import pytest

from supportbot.cli import main
from supportbot.plugins import FEATURE_GROUP, discover_features

from .test_layout import direct_ticket_writes, python_files, sdk_imports, ticket_writes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "supportbot-tracker"
DEMO = EXAMPLE / "demo" / "supportbot.yaml"
# The features the core and its adapters declare (the same entry-point group): the e-mail
# adapter brings one of its own.
FIRST_PARTY = ("supportbot", "supportbot-slack", "supportbot-teams", "supportbot-email")
BUILT_IN = {
    e.name
    for project in FIRST_PARTY
    for e in distribution(project).entry_points.select(group=FEATURE_GROUP)
}
LEFTOVERS = shutil.ignore_patterns(
    "build", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", "*.db"
)


Runs = dict[str, subprocess.CompletedProcess[str]]


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "supportbot", "--config", str(DEMO), "workflows", *args]


def run(argv: list[str], site: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`argv` as a user runs it (with `site` on PYTHONPATH): no settings of this process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPPORTBOT_", "PYTHON"))}
    if site is not None:
        env["PYTHONPATH"] = str(site)
    return subprocess.run(argv, env=env, cwd=EXAMPLE, capture_output=True, text=True, timeout=300)


def install(work: Path) -> Path:
    """The example, installed into a folder of its own (from a clean copy of it)."""
    source, site = work / "supportbot-tracker", work / "site"
    shutil.copytree(EXAMPLE, source, ignore=LEFTOVERS)
    # The dev extra's setuptools builds it: no isolated build env to make (4 s of the 6).
    pip = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation"]
    pip += ["--target", str(site)]
    done = run([*pip, str(source)])
    assert done.returncode == 0, done.stderr
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Runs]:
    """Install the example, then run the commands with it, at once (about 10 s on 2 cores)."""
    folder = install(tmp_path_factory.mktemp("tracker"))
    with ThreadPoolExecutor(max_workers=len(INSTALLED)) as pool:
        started = {name: pool.submit(run, cli(name), folder) for name in INSTALLED}
        return folder, {name: future.result() for name, future in started.items()}


INSTALLED = ("schema", "reference", "validate", "test")


def test_installed_the_action_is_in_the_schema_and_reference_and_its_workflow_runs(
    site: tuple[Path, Runs],
) -> None:
    runs = site[1]
    for name in INSTALLED:
        assert runs[name].returncode == 0, runs[name].stderr
    steps = json.loads(runs["schema"].stdout)["$defs"]
    tracker_step = steps["Step_open_tracker_issue"]
    assert tracker_step["title"] == "open_tracker_issue"
    assert tracker_step["description"].startswith("Open an issue about the ticket in the tracker")
    params = steps[tracker_step["properties"]["with"]["$ref"].rsplit("/", 1)[-1]]["properties"]
    assert {"project", "title", "body", "labels", "assignees"} <= set(params)
    reference = runs["reference"].stdout
    assert "### `open_tracker_issue`" in reference
    assert "- `project` (`str`, required): the tracker project, owner/repository" in reference
    assert "| `tracker.linked` | `bool or str` |" in reference
    assert runs["validate"].stdout.strip() == "ok: 2 workflows in 1 file"
    assert runs["test"].stdout.rstrip().endswith("3 passed, 0 failed")


def test_not_installed_the_action_is_unknown_and_the_workflow_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The same commands in this process, where the example is importable but not installed."""
    assert main(["--config", str(DEMO), "workflows", "schema"]) == 0
    schema = capsys.readouterr().out
    assert '"const": "call_webhook"' in schema and "open_tracker_issue" not in schema
    assert "tracker.linked" not in schema
    assert main(["--config", str(DEMO), "workflows", "validate"]) != 0
    problems = capsys.readouterr().err
    workflow = EXAMPLE / "demo" / "workflows" / "tracker.yaml"
    unknown_action = "workflows[0].steps[1].action: unknown action 'open_tracker_issue'"
    assert f"{workflow}:15:9: {unknown_action}" in problems
    unknown_condition = "workflows[0].if.all[1].tracker.linked: unknown condition"
    assert f"{workflow}:11:11: {unknown_condition}" in problems


def test_installed_it_is_discovered_beside_the_built_in_features(
    site: tuple[Path, Runs], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert {f.name for f in discover_features()} == BUILT_IN
    monkeypatch.syspath_prepend(str(site[0]))  # as PYTHONPATH does for the commands above
    found = [f.name for f in discover_features()]
    assert sorted(found) == sorted(BUILT_IN | {"tracker"})  # one entry-point group for all


def test_this_process_sees_only_the_built_in_features() -> None:
    """The suite imports the example from the checkout (pytest's `pythonpath`) but must not
    discover it, or every desk built here would carry it (and docs/workflows.md would differ)."""
    names = {f.name for f in discover_features()}
    assert names == BUILT_IN, (
        "supportbot-tracker is installed in this environment, or an in-tree build left "
        f"{EXAMPLE.name}/*.egg-info behind: pip uninstall supportbot-tracker, or delete it"
    )


def test_the_house_rules_hold_for_the_example() -> None:
    """No platform SDK, no write to a ticket table (it goes through the ticket service)."""
    found = [
        str(finding)
        for path, tree in python_files("examples/supportbot-tracker/supportbot_tracker")
        for rule in (sdk_imports, ticket_writes, direct_ticket_writes)
        for finding in rule(path, tree)
    ]
    assert found == []
