"""`supportbot seed`, `report` and `forecast` through the real command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from supportbot.cli import main


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "supportbot.yaml"
    path.write_text(
        f"desk_name: Acme Support\n"
        f"database_url: sqlite+aiosqlite:///{tmp_path / 'desk.db'}\n"
        "business_hours: {timezone: Asia/Tokyo}\n"
        "sla:\n  targets:\n    P3: {first_response: 1h, resolution: 2d}\n",
        encoding="utf-8",
    )
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_seed_then_report_in_every_format(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--config", str(config_file), "seed", "--history", "21d")
    assert code == 0 and out.startswith("seeded ")
    seeded = int(out.split()[1])

    code, out, err = run(capsys, "--config", str(config_file), "report", "--since", "30d")
    assert code == 0
    assert out.startswith("Acme Support report\n") and "== SLA compliance ==" in out
    assert "Building the report" not in err  # no progress bar without a terminal

    code, out, _ = run(capsys, "--config", str(config_file), "report", "--format", "json",
                       "--since", "30d")  # fmt: skip
    data = json.loads(out)
    assert data["volume"]["created"] == seeded
    assert 0 < data["sla"]["first_response"]["compliance"] <= 1

    code, out, _ = run(capsys, "--config", str(config_file), "report", "--format", "csv",
                       "--since", "30d", "--platform", "teams")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out)))
    created = next(r for r in rows if r["section"] == "volume" and r["row"] == "Tickets created")
    assert 0 < int(created["value"]) < seeded

    html = tmp_path / "report.html"
    code, _, _ = run(capsys, "--config", str(config_file), "report", "--format", "html",
                     "--out", str(html), "--locale", "ja")  # fmt: skip
    text = html.read_text(encoding="utf-8")
    assert code == 0 and text.count("<svg") == 5 and "<script" not in text and "レポート" in text
    assert text.startswith('<!doctype html><html lang="ja">')

    code, out, _ = run(capsys, "--config", str(config_file), "forecast", "--weeks", "1")
    assert code == 0 and "Erlang C" in out and len(out.splitlines()) > 168

    code, out, _ = run(capsys, "--config", str(config_file), "forecast", "--format", "json",
                       "--within", "5m", "--aht", "10m")  # fmt: skip
    forecast = json.loads(out)
    assert len(forecast["hours"]) == 168 and forecast["settings"]["within_seconds"] == 300
    assert max(h["agents"] for h in forecast["hours"]) >= 1


def test_mistakes_exit_with_code_2(config_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--config", str(config_file), "report", "--since", "a week")
    assert code == 2 and "not a duration" in err
    code, _, err = run(capsys, "--config", str(config_file), "forecast", "--service-level", "80")
    assert code == 2 and "between 0 and 1" in err
    code, _, err = run(capsys, "--config", str(config_file), "seed", "--history", "2d")
    assert code == 0, err
    code, _, err = run(capsys, "--config", str(config_file), "seed", "--history", "2d")
    assert code == 2 and "--append" in err


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_only_on_a_terminal() -> None:
    from supportbot.insights.cli import ProgressBar

    term, pipe = FakeTerminal(), io.StringIO()
    for stream in (term, pipe):
        bar = ProgressBar("Building", 2, stream)
        bar.step("volume")
        bar.step("sla")
        bar.close()
    assert "\rBuilding [##########..........] volume" in term.getvalue()
    assert "[####################] sla" in term.getvalue()
    assert pipe.getvalue() == ""
