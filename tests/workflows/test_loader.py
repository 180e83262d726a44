"""Loading and validating workflow files: every problem at once, with its line and a hint."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from supportbot.config import Config, load_config
from supportbot.plugins import installed_registry
from supportbot.workflows import cli
from supportbot.workflows.loader import LoadResult, load_workflows, references_for

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CONFIG = REPO / "config" / "supportbot.yaml"
DEFAULT_WORKFLOWS = REPO / "workflows"

FIVE_MISTAKES = """\
version: 1
workflows:
  - name: five-mistakes
    trigger: ticket.craeted
    if:
      text.matches: "(unclosed"
    steps:
      - action: set_priority
        with: {priority: P9}
      - action: route
        with: {team: tier3}
      - action: replly
"""


def load(folder: Path, config: Config) -> LoadResult:
    refs, problems = references_for(config, folder)
    assert problems == []
    return load_workflows([folder], registry=installed_registry(), refs=refs)


def messages(result: LoadResult) -> list[str]:
    return [str(p) for p in result.problems]


def test_default_workflows_validate_against_the_default_config() -> None:
    config = load_config(DEFAULT_CONFIG, {})
    result = load(DEFAULT_WORKFLOWS, config)
    assert result.ok, messages(result)
    assert result.workflows is not None
    names = [w.name for w in result.workflows.workflows]
    assert names[0] == "triage-outage"  # 10-triage.yaml is read first
    assert "after-hours-reply" in names and "route-morning-queue" in names


def test_cli_validate_exits_zero_on_the_default_workflows(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    assert cli.main(["validate"]) == 0
    assert "ok:" in capsys.readouterr().out


def test_five_mistakes_are_five_line_numbered_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(FIVE_MISTAKES, encoding="utf-8")
    code = cli.main(["validate", str(bad), "--config", str(DEFAULT_CONFIG)])
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith(str(bad))]
    assert code == 1
    assert len(lines) == 5, lines
    where = [ln.split(": ", 1)[0].removeprefix(f"{bad}:") for ln in lines]
    assert where == ["4:5", "6:7", "9:16", "11:16", "12:9"]
    text = "\n".join(lines)
    assert "did you mean 'ticket.created'?" in text
    assert "invalid regular expression" in text
    assert "'P9' is not allowed" in text
    assert (
        "unknown team 'tier3' (did you mean 'tier2'?); expected one of: billing, tier1, tier2"
        in text
    )
    assert "unknown action 'replly' (did you mean 'reply'?)" in text


def test_duplicate_keys_are_reported_beside_the_other_problems(
    write: Callable[[str, str], Path], wf_dir: Path, config: Config
) -> None:
    write(
        "dup.yaml",
        "version: 1\nworkflows:\n  - name: a\n    trigger: ticket.created\n"
        "    trigger: ticket.resolved\n    steps: [{action: add_tags, with: {tag: [x]}}]\n",
    )
    found = messages(load(wf_dir, config))
    assert any(
        ":5:5: workflows[0].trigger: duplicate key 'trigger' (first at line 4)" in m for m in found
    )
    assert any("unknown key 'tag' (did you mean 'tags'?)" in m for m in found)


def test_on_instead_of_trigger_is_explained(
    write: Callable[[str, str], Path], wf_dir: Path, config: Config
) -> None:
    write(
        "on.yaml",
        "version: 1\nworkflows:\n  - name: a\n    on: ticket.created\n"
        "    steps: [{action: add_tags, with: {tags: [x]}}]\n",
    )
    found = messages(load(wf_dir, config))
    assert any("unknown key 'on' (write `trigger:`)" in m for m in found)
    assert any("a workflow needs a `trigger`" in m for m in found)


def test_schedules_need_a_valid_cron_and_no_ticket_actions(
    write: Callable[[str, str], Path], wf_dir: Path, config: Config
) -> None:
    write(
        "s.yaml",
        "version: 1\nworkflows:\n"
        "  - {name: a, trigger: schedule,\n"
        "     steps: [{action: post, with: {channel: support_channel, template: test.plain}}]}\n"
        "  - {name: b, trigger: schedule, cron: 'every day',\n"
        "     steps: [{action: set_priority, with: {priority: P1}}]}\n"
        "  - {name: c, trigger: ticket.created, cron: '0 9 * * *',\n"
        "     steps: [{action: add_note, with: {text: x}}]}\n",
    )
    found = "\n".join(messages(load(wf_dir, config)))
    assert "needs `cron:`" in found
    assert "'every day' is not a cron expression" in found
    assert "action 'set_priority' needs a ticket; `schedule` has none" in found
    assert "`cron` only applies to `trigger: schedule`" in found


def test_duplicate_workflow_names_across_files_are_refused(
    write: Callable[[str, str], Path], wf_dir: Path, config: Config
) -> None:
    steps = "[{action: add_note, with: {text: x}}]"
    write(
        "a.yaml",
        f"version: 1\nworkflows:\n  - {{name: same, trigger: ticket.created, steps: {steps}}}\n",
    )
    write(
        "b.yaml",
        f"version: 1\nworkflows:\n  - {{name: same, trigger: ticket.resolved, steps: {steps}}}\n",
    )
    found = messages(load(wf_dir, config))
    assert (
        len(found) == 1 and "b.yaml:3:" in found[0] and "duplicate workflow name 'same'" in found[0]
    )


def test_names_are_checked_against_the_config(
    write: Callable[[str, str], Path], wf_dir: Path, config: Config
) -> None:
    write(
        "refs.yaml",
        "version: 1\nworkflows:\n  - name: a\n    trigger: ticket.created\n"
        "    if: {team: tier9, requester.organization: acmee, actor.role: leed}\n"
        "    steps:\n"
        "      - {action: notify, with: {to: 'department:salse', template: test.plain}}\n"
        "      - {action: notify, with: {to: 'role:leader', template: test.plain}}\n"
        "      - {action: notify, with: {to: 'person:nobody', template: test.plain}}\n"
        "      - {action: post, with: {channel: leads_chanel, template: test.plain}}\n"
        "      - {action: assign, with: {to: lenna}}\n",
    )
    found = "\n".join(messages(load(wf_dir, config)))
    for expected in (
        "unknown team 'tier9'",
        "unknown organization 'acmee' (did you mean 'acme'?)",
        "'leed' is not allowed",
        "unknown department 'salse' (did you mean 'sales'?)",
        "unknown role 'leader' (did you mean 'lead'?)",
        "unknown person 'nobody'",
        "unknown channel 'leads_chanel' (did you mean 'leads_channel'?)",
        "unknown person 'lenna' (did you mean 'lena'?)",
    ):
        assert expected in found


def test_bad_inline_templates_and_types_are_reported(
    write: Callable[[str, str], Path], wf_dir: Path, config: Config
) -> None:
    write(
        "t.yaml",
        "version: 1\nworkflows:\n  - name: a\n    trigger: ticket.created\n"
        "    if: {csat.score: {lt: low}, ticket.age: {gt: soon}, business_hours: maybe}\n"
        "    steps:\n"
        "      - {action: call_webhook, with: {url: 'ftp://x', body: {a: '{{ ticket.number '}}}\n"
        "      - {action: wait, with: {for: forever}}\n",
    )
    found = "\n".join(messages(load(wf_dir, config)))
    assert "template error on line 1" in found
    assert "'ftp://x' is not an http(s) URL" in found
    assert "'forever' is not a duration" in found
    assert "'soon' is not a duration" in found
    assert "csat.score.lt" in found
    assert "business_hours" in found


def test_files_run_in_name_order_and_empty_files_are_fine(
    write: Callable[[str, str], Path], wf_dir: Path, config: Config
) -> None:
    steps = "[{action: add_note, with: {text: x}}]"
    write(
        "b.yaml",
        f"version: 1\nworkflows:\n  - {{name: second, trigger: ticket.created, steps: {steps}}}\n",
    )
    write(
        "a.yaml",
        f"version: 1\nworkflows:\n  - {{name: first, trigger: ticket.created, steps: {steps}}}\n",
    )
    write("c.yaml", "# nothing yet\n")
    result = load(wf_dir, config)
    assert result.workflows is not None
    assert [w.name for w in result.workflows.for_trigger("ticket.created")] == ["first", "second"]


def test_schema_command_prints_a_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    defs = schema["$defs"]
    assert "Condition" in defs and "text.contains_any" in defs["Condition"]["properties"]
    assert "Step_route" in defs and defs["Workflow"]["properties"]["if"]
    assert "ticket.created" in json.dumps(defs["Workflow"]["properties"]["trigger"])


def test_reference_command_lists_every_trigger_condition_and_action(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from supportbot.happenings import TRIGGERS

    assert cli.main(["reference"]) == 0
    out = capsys.readouterr().out
    registry = installed_registry()
    for name in [
        *TRIGGERS,
        *(c.name for c in registry.conditions),
        *(a.name for a in registry.actions),
    ]:
        assert f"`{name}`" in out
    assert "- `for` (`duration`, required): how long" in out
    assert "| `priority` | `P1/P2/P3/P4 or list of P1/P2/P3/P4` |" in out


def test_a_features_templates_are_names_a_workflow_may_use(
    write: Callable[[str, str], Path], wf_dir: Path, config: Config, tmp_path: Path
) -> None:
    """A plug-in's template folder (`hooks.templates`) counts for `template:` fields."""
    feature = tmp_path / "feature-templates"
    feature.mkdir()
    (feature / "tracker.en.yaml").write_text('tracker.opened: "Issue opened"\n', encoding="utf-8")
    (feature / "tracker.ja.yaml").write_text('tracker.opened: "起票しました"\n', encoding="utf-8")
    write(
        "t.yaml",
        "version: 1\nworkflows:\n  - name: a\n    trigger: ticket.created\n"
        "    steps: [{action: reply, with: {template: tracker.opened}}]\n",
    )
    without, problems = references_for(config, wf_dir)
    assert problems == []
    refused = load_workflows([wf_dir], registry=installed_registry(), refs=without)
    assert any("tracker.opened" in m for m in messages(refused))
    with_it, problems = references_for(config, wf_dir, [feature])
    assert problems == []
    loaded = load_workflows([wf_dir], registry=installed_registry(), refs=with_it)
    assert messages(loaded) == []
