"""The command line as an admin uses it: real processes, the default config, SQLite."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from importlib.metadata import version
from pathlib import Path

import pytest

from supportbot.cli import main
from supportbot.failures import describe

ROOT = Path(__file__).resolve().parents[1]
SUPPORTBOT = [sys.executable, "-m", "supportbot"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MICROSOFT_"))}
    env["SUPPORTBOT_DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    return env


def test_serve_starts_on_sqlite_without_credentials_and_answers_healthz(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "config", tmp_path / "config")
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")  # ../workflows from the config
    port = _free_port()
    proc = subprocess.Popen(
        [*SUPPORTBOT, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = _poll(f"http://127.0.0.1:{port}/healthz", proc)
        assert b'"status": "ok"' in body
        assert (tmp_path / "serve.db").exists()  # the SQLite file was created and migrated
    finally:
        proc.terminate()
        proc.communicate(timeout=20)  # also closes the pipe


def _poll(url: str, proc: subprocess.Popen[bytes]) -> bytes:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode() if proc.stdout else ""
            raise AssertionError(f"serve exited with {proc.returncode}:\n{out}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return bytes(response.read())
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within 60 s")


def test_a_bad_config_stops_serve_with_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nteams:\n  - name: a\n    defualt: true\n", encoding="utf-8")
    result = subprocess.run(
        [*SUPPORTBOT, "--config", str(bad), "serve"],
        cwd=tmp_path,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"{bad}:4:5: teams[0].defualt: unknown key 'defualt' (did you mean 'default'?)" in (
        result.stderr
    )
    after = subprocess.run(  # issue #12: the option after the sub-command works the same
        [*SUPPORTBOT, "serve", "--config", str(bad)],
        cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (after.returncode, after.stderr) == (2, result.stderr)


def test_config_check_accepts_the_shipped_config() -> None:
    result = subprocess.run(
        [*SUPPORTBOT, "config", "check"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


CHECKOUT_CONFIG = str(ROOT / "config" / "supportbot.yaml")


def test_from_another_directory_the_config_finds_its_workflows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "--config", CHECKOUT_CONFIG, "workflows", "validate")
    assert (code, out) == (0, "ok: 35 workflows in 10 files\n"), err
    # The scenarios run against the workflows beside the config, not against an empty folder.
    scenario = str(ROOT / "workflows" / "scenarios" / "20-routing.yaml")
    code, out, err = run(capsys, "workflows", "test", scenario, "--config", CHECKOUT_CONFIG)
    assert code == 0, out + err
    assert out.endswith("4 passed, 0 failed\n")


def test_zero_workflows_is_refused_unless_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    config = tmp_path / "supportbot.yaml"
    config.write_text("workflows_dir: empty\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for argv in (["serve"], ["workflows", "test"]):
        code, _, err = run(capsys, *argv)  # ./supportbot.yaml is found by itself
        assert code == 2
        assert err.startswith(f"supportbot: {tmp_path / 'empty'} holds no workflows ")
        assert "(workflows_dir in supportbot.yaml)" in err
    config.write_text("workflows_dir: missing\n", encoding="utf-8")
    code, _, err = run(capsys, "workflows", "validate", "--config", str(config))
    assert code == 2 and err.startswith(
        f"supportbot: there is no workflows folder at {tmp_path / 'missing'} (workflows_dir in "
    )


def test_reports_on_a_database_never_migrated_say_so_and_leave_no_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "supportbot.yaml"
    config.write_text("database_url: sqlite+aiosqlite:///desk.db\n", encoding="utf-8")
    for command in ("report", "forecast"):
        code, out, err = run(capsys, command, "--config", str(config))
        assert code == 2 and out == ""
        assert err == (
            f"database: there is no database at {tmp_path / 'desk.db'}: run `supportbot db "
            "upgrade` to create an empty desk, or `supportbot seed` for a demo history (or "
            "check database_url)\n"
        )
    assert not (tmp_path / "desk.db").exists()
    (tmp_path / "desk.db").touch()  # what the old version left behind: an empty file
    code, _, err = run(capsys, "report", "--config", str(config))
    assert code == 2 and "is at revision none" in err and "supportbot db upgrade" in err


@pytest.mark.parametrize(
    ("env", "says"),
    [
        (
            {"SLACK_BOT_TOKEN": "xoxb-1"},
            "settings: SLACK_BOT_TOKEN is set but SLACK_SIGNING_SECRET",
        ),
        (
            {"MICROSOFT_APP_ID": "app"},
            "settings: MICROSOFT_APP_ID is set but MICROSOFT_APP_PASSWORD",
        ),
    ],
)
def test_adapter_settings_errors_are_one_sentence(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    env: dict[str, str],
    says: str,
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SUPPORTBOT_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    code, _, err = run(capsys, "serve", "--config", CHECKOUT_CONFIG)
    assert code == 2 and err.startswith(says) and len(err.splitlines()) == 1


def test_version_help_and_config_on_either_side(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert (
        done.value.code == 0 and capsys.readouterr().out == f"supportbot {version('supportbot')}\n"
    )
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "run your company's support desk inside team chat" in out
    assert "supportbot init mydesk" in out and "the only place errors" not in out.lower()
    for argv in (["config", "check", "--config", CHECKOUT_CONFIG],
                 ["--config", CHECKOUT_CONFIG, "config", "check"]):  # fmt: skip
        code, out, _ = run(capsys, *argv)
        assert code == 0 and out.startswith(f"{CHECKOUT_CONFIG}: OK — 3 teams")


def test_an_unexpected_error_is_a_sentence_with_its_own_exit_code() -> None:
    message, code = describe(RuntimeError("boom\nsecond line"))
    assert code == 70
    assert message.startswith("supportbot: unexpected error (RuntimeError: boom); run again with ")


def test_a_closed_pipe_and_one_shot_commands_print_no_noise(tmp_path: Path) -> None:
    reader = subprocess.Popen(
        [*SUPPORTBOT, "workflows", "reference"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()  # like `| head` that has read enough: gone before the end
    code = reader.wait(timeout=60)
    with reader.stderr:
        assert (code, reader.stderr.read()) == (141, b"")
    config = tmp_path / "supportbot.yaml"
    config.write_text("database_url: sqlite+aiosqlite:///desk.db\n", encoding="utf-8")
    seeded = subprocess.run(
        [*SUPPORTBOT, "seed", "--config", str(config), "--history", "2d"],
        capture_output=True, text=True, timeout=120,
        env=_env(tmp_path) | {"SUPPORTBOT_DATABASE_URL": ""},
    )  # fmt: skip
    assert seeded.returncode == 0 and seeded.stderr == ""  # no Alembic INFO lines
    assert (tmp_path / "desk.db").exists()


def test_workflows_test_ends_its_scenarios_cleanly(tmp_path: Path) -> None:
    """Each scenario's desk stops its delivery workers: an admin reads results, not hundreds
    of asyncio 'Task was destroyed but it is pending!' lines at exit."""
    scenario = str(ROOT / "workflows" / "scenarios" / "10-triage.yaml")
    argv = [sys.executable, "-m", "supportbot", "--config", CHECKOUT_CONFIG, "workflows", "test"]
    result = subprocess.run(
        [*argv, scenario], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.rstrip().endswith("passed, 0 failed")
    assert "Task was destroyed" not in result.stderr
    assert " ERROR " not in result.stderr, result.stderr[:2000]
