"""The shipped scenarios pass against the shipped config, and the runner reports failures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from supportbot.config import load_config
from supportbot.workflows import cli
from supportbot.workflows.scenarios import read_scenarios, run_files
from supportbot.yamldoc import ProblemsError

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((REPO / "workflows" / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
async def test_default_workflow_scenarios_pass(path: Path) -> None:
    config = load_config(REPO / "config" / "supportbot.yaml", {})
    results, problems = await run_files([path], config, REPO / "workflows")
    assert problems == []
    assert results and all(r.ok for r in results), [
        (r.name, r.failures) for r in results if not r.ok
    ]


def test_every_default_workflow_has_a_scenario() -> None:
    config = load_config(REPO / "config" / "supportbot.yaml", {})
    from supportbot.plugins import installed_registry
    from supportbot.workflows.loader import load_workflows, references_for

    refs, _ = references_for(config, REPO / "workflows")
    registry = installed_registry()
    loaded = load_workflows([REPO / "workflows"], registry=registry, refs=refs).workflows
    assert loaded is not None
    text = "\n".join(p.read_text(encoding="utf-8") for p in SCENARIOS)
    # The triage, routing and after-hours files; the collaboration area's files (40- and up)
    # have their scenarios checked by their own tests.
    ours = [w for w in loaded.workflows if Path(w.file).name[:3] in ("10-", "20-", "30-")]
    assert len(ours) >= 14
    assert [w.name for w in ours if w.name not in text] == []


async def test_the_runner_reports_what_went_differently(tmp_path: Path) -> None:
    config = load_config(REPO / "config" / "supportbot.yaml", {})
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(
        "version: 1\nscenarios:\n  - name: expects the wrong things\n"
        "    ticket: {user: U1, organization: globex, text: I was charged twice on my invoice}\n"
        "    expect:\n      workflows: [triage-outage]\n      ticket: {team: tier2}\n"
        "      messages: [{to: leads_channel, contains: anything}]\n",
        encoding="utf-8",
    )
    [result], _ = await run_files([wrong], config, REPO / "workflows")
    assert not result.ok
    text = "\n".join(result.failures)
    assert "expected workflows ['triage-outage']" in text
    assert "ticket team is 'billing', expected 'tier2'" in text
    assert "no message to leads_channel" in text


def test_scenario_files_are_validated_with_positions(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "version: 1\nscenarios:\n  - name: x\n    tiket: {}\n    expect: {}\n", encoding="utf-8"
    )
    with pytest.raises(ProblemsError) as caught:
        read_scenarios(bad)
    assert "bad.yaml:4:5: scenarios[0].tiket: unknown key 'tiket' (did you mean 'ticket'?)" in str(
        caught.value
    )


def test_cli_test_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(REPO)
    assert cli.main(["test", str(SCENARIOS[0])]) == 0
    out = capsys.readouterr().out
    assert "0 failed" in out and "ok " in out


async def test_a_scenario_calls_no_outside_service(tmp_path: Path, aiohttp_server: Any) -> None:
    """`supportbot workflows test` is safe to run anywhere: a workflow's `call_webhook` (or a
    plug-in's deliverer) stays an intent and never reaches the service."""
    seen: list[str] = []

    async def receive(request: web.Request) -> web.Response:
        seen.append(await request.text())
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/hook", receive)
    server = await aiohttp_server(app, host="127.0.0.1")
    folder = tmp_path / "workflows"
    folder.mkdir()
    (folder / "hook.yaml").write_text(
        "version: 1\nworkflows:\n  - name: tell-the-crm\n    trigger: ticket.created\n"
        f"    steps: [{{action: call_webhook, with: {{url: '{server.make_url('/hook')}',"
        " body: {n: '{{ ticket.number }}'}}}]\n",
        encoding="utf-8",
    )
    story = tmp_path / "story.yaml"
    story.write_text(
        "version: 1\nscenarios:\n  - name: the hook runs\n    ticket: {user: U1, text: hello}\n"
        "    expect: {workflows: [tell-the-crm]}\n",
        encoding="utf-8",
    )
    config = load_config(REPO / "config" / "supportbot.yaml", {})
    [result], problems = await run_files([story], config, folder)
    assert problems == [] and result.ok, result.failures
    assert seen == []
