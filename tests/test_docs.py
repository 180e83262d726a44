"""The documentation that is generated must match the code it documents."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_workflow_reference_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "supportbot", "workflows", "reference"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    committed = (ROOT / "docs" / "workflows.md").read_text(encoding="utf-8")
    assert result.stdout == committed, (
        "docs/workflows.md is stale: run `supportbot workflows reference > docs/workflows.md`"
    )
