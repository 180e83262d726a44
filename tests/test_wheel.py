"""Installed, not cloned (issue #18): the wheels alone run the demo, `init`, and its checks.

Builds the core and Slack wheels, installs them into a fresh virtualenv outside the checkout
(dependencies come from pip's cache), and runs everything from an empty directory, as a new
user would after `pip install ./ ./adapters/slack`. Slow by nature (about a minute): it is the
only test that sees the package the way users get it, so it runs in CI like the rest.
"""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pip(*args: str, timeout: int = 600) -> None:
    subprocess.run([sys.executable, "-m", "pip", "-q", *args], check=True, timeout=timeout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_wheels_run_the_demo_and_a_new_desk_from_an_empty_directory(tmp_path: Path) -> None:
    wheels, venv, empty = tmp_path / "wheels", tmp_path / "venv", tmp_path / "empty"
    empty.mkdir()
    pip("wheel", "--no-deps", "-w", str(wheels), str(ROOT), str(ROOT / "adapters" / "slack"))
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip("--python", str(python), "install", *map(str, sorted(wheels.glob("*.whl"))))
    supportbot = str(venv / "bin" / "supportbot")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPPORTBOT_", "SLACK_"))}

    def run(*argv: str, timeout: int = 300) -> str:
        done = subprocess.run([supportbot, *argv], cwd=empty, env=env, capture_output=True,
                              text=True, timeout=timeout)  # fmt: skip
        assert done.returncode == 0, f"supportbot {' '.join(argv)}:\n{done.stdout}{done.stderr}"
        return done.stdout

    assert "supportbot" not in {p.name for p in empty.iterdir()}
    _demo_answers(supportbot, empty, env)
    assert (empty / "supportbot-demo.db").is_file()  # a fresh SQLite file right there
    run("init", "x", "--company", "Example Co", "--timezone", "Europe/Berlin")
    assert "OK — 3 teams" in run("--config", "x/supportbot.yaml", "config", "check")
    assert run("--config", "x/supportbot.yaml", "workflows", "test").endswith(
        "36 passed, 0 failed\n"
    )
    installed = subprocess.run([str(python), "-c", "import supportbot; print(supportbot.__file__)"],
                               capture_output=True, text=True, check=True, cwd=empty)  # fmt: skip
    assert str(ROOT) not in installed.stdout  # the wheel's copy, not the checkout


def _demo_answers(supportbot: str, cwd: Path, env: dict[str, str]) -> None:
    port = free_port()
    argv = [supportbot, "demo", "--port", str(port)]
    demo = subprocess.Popen(argv, cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(x) for x in demo.stdout or ()])
    reader.start()
    seen: list[str] = []
    try:
        deadline = time.monotonic() + 90
        link = ""
        while not link:  # the printed link carries the playground's access token
            assert time.monotonic() < deadline, "the demo printed no link within 90 s:\n" + "".join(
                seen
            )
            try:
                seen.append(lines.get(timeout=1))
            except queue.Empty:
                assert demo.poll() is None, "".join(seen)
                continue
            if seen[-1].startswith("Playground: "):
                link = seen[-1].removeprefix("Playground: ").strip()
        assert link.startswith(f"http://127.0.0.1:{port}/playground")
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        while True:  # the token becomes a cookie by a redirect, as in a browser
            assert demo.poll() is None, "".join(seen)
            try:
                with browser.open(link, timeout=2) as r:
                    assert r.status == 200 and b"supportbot" in r.read()
                    break
            except OSError:
                assert time.monotonic() < deadline, "the demo did not answer within 90 s"
                time.sleep(0.3)
        bare = f"http://127.0.0.1:{port}/playground"  # without the token: refused
        try:
            urllib.request.urlopen(bare, timeout=2)
            raise AssertionError("the playground answered without its token")
        except urllib.error.HTTPError as refused:
            assert refused.code == 403
            refused.close()
    finally:
        demo.terminate()
        demo.wait(timeout=30)
        reader.join(timeout=30)
        if demo.stdout:
            demo.stdout.close()
