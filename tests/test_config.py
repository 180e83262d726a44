"""The config file as an admin writes it: paths beside the file, located errors, no surprises."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportbot.config import ConfigError, load_config


def write(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "supportbot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    return [str(p) for p in caught.value.problems]


def test_relative_paths_are_relative_to_the_config_file_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "desk" / "config", "workflows_dir: ../flows\n"
                 "database_url: sqlite+aiosqlite:///data/desk.db\n")  # fmt: skip
    monkeypatch.chdir(tmp_path)  # anywhere but beside the file
    config = load_config(path, {})
    assert config.workflows_dir == str(tmp_path / "desk" / "flows")
    assert config.knowledge_dir == str(tmp_path / "desk" / "config" / "knowledge")
    assert config.database_url == f"sqlite+aiosqlite:///{tmp_path / 'desk/config/data/desk.db'}"


def test_absolute_paths_and_other_databases_are_kept_and_the_environment_is_cwd_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "c", f"workflows_dir: {tmp_path / 'wf'}\n"
                 "database_url: postgresql+asyncpg://u:p%40ss@db/desk\n")  # fmt: skip
    monkeypatch.chdir(tmp_path)
    config = load_config(path, {})
    assert config.workflows_dir == str(tmp_path / "wf")
    assert config.database_url == "postgresql+asyncpg://u:p%40ss@db/desk"
    env = {"SUPPORTBOT_DATABASE_URL": "sqlite+aiosqlite:///here.db"}
    assert load_config(path, env).database_url == f"sqlite+aiosqlite:///{tmp_path / 'here.db'}"
    assert load_config(None, {}).workflows_dir == str(tmp_path / "workflows")  # no file: cwd


@pytest.mark.parametrize("word", ["on", "yes", "off", "no", "Yes"])
def test_yaml_1_1_booleans_are_refused_where_a_boolean_is_expected(
    tmp_path: Path, word: str
) -> None:
    path = write(tmp_path, f"teams:\n  - name: a\n    default: {word}\n")
    [problem] = problems(path)
    assert problem.startswith(f"{path}:3:5: teams[0].default: '{word}' is not true or false")


def test_a_desk_needs_one_team_one_default_and_unique_ids(tmp_path: Path) -> None:
    [empty] = problems(write(tmp_path / "a", "teams: []\n"))
    assert empty.endswith("teams: a desk needs at least one team (leave `teams` out for one team)")
    text = (
        "teams:\n  - {name: a, default: true}\n  - {name: b, default: true}\n  - {name: a}\n"
        "people:\n  - {id: ann, name: Ann}\n  - {id: ann, name: Anne}\n"
    )
    path = write(tmp_path / "b", text)
    assert sorted(problems(path)) == sorted([
        f"{path}:3:15: teams[1].default: team 'a' is already the default",
        f"{path}:4:6: teams[2].name: duplicate name 'a' (first at teams[0])",
        f"{path}:7:6: people[1].id: duplicate id 'ann' (first at people[0])",
    ])  # fmt: skip


def test_unknown_references_point_at_the_line_that_names_them(tmp_path: Path) -> None:
    path = write(tmp_path, "teams: [{name: tier1}]\npeople:\n"
                 "  - id: ann\n    name: Ann\n    teams: [tier1, teir2]\n")  # fmt: skip
    [problem] = problems(path)
    assert problem == (
        f"{path}:5:20: people[0].teams[1]: unknown team 'teir2' (did you mean 'tier1'?)"
    )


def test_business_hours_take_a_country_for_public_holidays(tmp_path: Path) -> None:
    [bad] = problems(write(tmp_path / "a", "business_hours: {timezone: UTC, country: XX}\n"))
    assert "no holiday calendar for 'XX'" in bad and bad.startswith(
        f"{tmp_path}/a/supportbot.yaml:1:"
    )
    config = load_config(write(tmp_path / "b", "business_hours: {country: JP}\n"), {})
    assert config.business_hours.country == "JP"
