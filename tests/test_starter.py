"""`supportbot init DIR`: a starter desk that checks and tests clean, and never overwrites."""

from __future__ import annotations

from pathlib import Path

import pytest

from supportbot.cli import main
from supportbot.config import load_config
from supportbot.starter import bundled

INIT = ["init", "--company", "Initech", "--locale", "ja", "--timezone", "America/New_York"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_writes_a_desk_that_passes_its_checks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = tmp_path / "initech"
    code, out, err = run(capsys, *INIT, str(desk))
    assert code == 0, err
    assert out.startswith(f"wrote a starter desk for Initech in {desk} (")
    config = load_config(desk / "supportbot.yaml", {})
    assert (config.desk_name, config.locale) == ("Initech Support", "ja")
    assert config.business_hours.timezone == "America/New_York"
    assert config.business_hours.country == "US"  # from the time zone
    assert config.workflows_dir == str(desk / "workflows")
    assert config.database_url == f"sqlite+aiosqlite:///{desk / 'supportbot.db'}"
    shipped = sorted(p.name for p in bundled("workflows").glob("*.yaml"))
    assert sorted(p.name for p in (desk / "workflows").glob("*.yaml")) == shipped
    assert (desk / "workflows" / "scenarios" / "10-triage.yaml").is_file()
    assert (desk / "knowledge").is_dir()
    assert "What to edit first" in (desk / "README.md").read_text(encoding="utf-8")
    text = (desk / "supportbot.yaml").read_text(encoding="utf-8")
    assert text.startswith("# The support desk of Initech, written by `supportbot init`")
    code, out, _ = run(capsys, "--config", str(desk / "supportbot.yaml"), "config", "check")
    assert code == 0 and "OK" in out
    code, out, _ = run(capsys, "--config", str(desk / "supportbot.yaml"), "workflows", "validate")
    assert (code, out) == (0, "ok: 35 workflows in 10 files\n")


def test_init_never_overwrites_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    desk = tmp_path / "desk"
    desk.mkdir()
    (desk / "supportbot.yaml").write_text("desk_name: Mine\n", encoding="utf-8")
    code, out, err = run(capsys, *INIT, str(desk))
    assert code == 2 and out == ""
    assert err.startswith(f"supportbot: {desk} already has supportbot.yaml: nothing was written.")
    assert (desk / "supportbot.yaml").read_text(encoding="utf-8") == "desk_name: Mine\n"
    assert not (desk / "workflows").exists()
    code, _, _ = run(capsys, *INIT, str(desk), "--force")
    assert code == 0 and load_config(desk / "supportbot.yaml", {}).desk_name == "Initech Support"


def test_init_refuses_an_unknown_time_zone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "init", str(tmp_path / "x"), "--company", "A", "--timezone", "Mars/Base"
    )
    assert code == 2 and err.startswith("supportbot: unknown time zone 'Mars/Base'")
    assert not (tmp_path / "x").exists()
