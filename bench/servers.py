"""Servers as real subprocesses: `supportbot serve`, the bare Bolt app, the mock Web API.

A `ServerProcess` starts a command with its own environment, waits until `GET /healthz`
answers 200, can be killed with SIGKILL (a crash: no shutdown hook runs) or stopped with
SIGTERM, and reports its peak resident memory from `/proc` (Linux's `VmHWM`). Output goes to
a log file, whose tail is shown when the server does not come up.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[1]


class ServerError(RuntimeError):
    """A server did not start, or died while it was expected to run."""


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it; the tiny race is acceptable here)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def supportbot_argv(config: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "supportbot",
        "--config",
        str(config),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


@dataclass
class ServerProcess:
    name: str
    argv: Sequence[str]
    env: Mapping[str, str]
    port: int
    log_path: Path
    cwd: Path = REPO
    process: asyncio.subprocess.Process | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_url(self) -> str:
        return f"{self.url}/slack/events"

    @property
    def pid(self) -> int:
        if self.process is None:
            raise ServerError(f"{self.name} is not running")
        return self.process.pid

    async def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                *self.argv,
                env={**os.environ, **self.env},
                cwd=self.cwd,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )

    async def wait_healthy(self, limit: float = 30.0) -> None:
        """Poll `/healthz` until it answers 200; fail at once if the process exits."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            while loop.time() < deadline:
                if self.process is None or self.process.returncode is not None:
                    code = None if self.process is None else self.process.returncode
                    raise ServerError(
                        f"{self.name} exited with {code}: {self.last_error()}\n{self.log_tail()}"
                    )
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with http.get(f"{self.url}/healthz") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.05)
        raise ServerError(f"{self.name} not healthy after {limit:.0f} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to finish anything."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)

    async def wait(self) -> int:
        if self.process is None:
            return 0
        return await self.process.wait()

    async def stop(self, grace: float = 10.0) -> None:
        """SIGTERM, then SIGKILL if it has not exited after `grace` seconds."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), grace)
        except TimeoutError:
            self.kill()
            await self.process.wait()

    def peak_rss(self) -> int:
        """Peak resident set size in bytes (only while the process lives)."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise ServerError(f"no VmHWM for {self.name}")

    def memory(self) -> tuple[int, int]:
        """Now, in bytes: (anonymous memory: the process's own heap; file-backed pages: code
        and memory-mapped files such as Sudachi's dictionary, shared with other processes)."""
        rollup = Path(f"/proc/{self.pid}/smaps_rollup").read_text()
        fields = {
            line.split(":")[0]: int(line.split()[1]) * 1024
            for line in rollup.splitlines()[1:]
            if line.split()[-1] == "kB"
        }
        anonymous = fields.get("Anonymous", 0)
        return anonymous, max(fields.get("Rss", 0) - anonymous, 0)

    def last_error(self) -> str:
        """The last unindented line that names an error (a traceback's message), else the
        last line of output."""
        lines = [ln for ln in self.log_tail(200).splitlines() if ln.strip()]
        for line in reversed(lines):
            if "Error" in line and not line[0].isspace() and not line.startswith("(Background"):
                return line
        return lines[-1] if lines else "(no output)"

    def cpu_seconds(self) -> float:
        """User plus system CPU time the process used so far (`/proc/PID/stat`)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
        return (utime + stime) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no output)"
        return "\n".join(text.splitlines()[-lines:])
