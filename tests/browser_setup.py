"""Make sure the browser tests can run: Debian's Chromium (and fonts for Japanese and emoji).

Run by `make test` before pytest as `python -m tests.browser_setup`. Quick and silent when all is
there; installs with apt when running as root; otherwise says what to install. We never use
`playwright install`: the tests drive the distribution's /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
PACKAGES = ("chromium", "fonts-noto-cjk", "fonts-noto-color-emoji")


def missing_packages() -> list[str]:
    if shutil.which("dpkg-query") is None:
        return [] if CHROMIUM.exists() else ["chromium"]
    return [p for p in PACKAGES if not _installed(p)]


def _installed(package: str) -> bool:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
    )
    return result.returncode == 0 and result.stdout.endswith("installed")


def install(packages: list[str]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "--no-install-recommends", *packages], check=True, env=env
    )


def main() -> int:
    missing = missing_packages()
    if not missing:
        return 0
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(
            f"browser tests need {' '.join(missing)} (Debian packages; /usr/bin/chromium).\n"
            f"  install them with: sudo apt-get install -y {' '.join(missing)}\n"
            "  without Chromium the tests marked `browser` are skipped.",
            file=sys.stderr,
        )
        return 0
    print(f"installing {' '.join(missing)} for the browser tests…", file=sys.stderr)
    try:
        install(missing)
    except subprocess.CalledProcessError as exc:
        print(f"apt-get failed ({exc}); the browser tests will be skipped.", file=sys.stderr)
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
