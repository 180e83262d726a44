"""The command line as an admin uses it: real processes, the default config, SQLite."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
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


def test_config_check_accepts_the_shipped_config() -> None:
    result = subprocess.run(
        [*SUPPORTBOT, "config", "check"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout
