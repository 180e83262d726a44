"""`--baseline REF`: the workflow files to compare with, from a folder or from a git ref.

A git ref (`HEAD`, `main`, a tag, a commit) names the workflows folder as committed there, in
the repository that holds the working folder: `git archive` writes that folder (templates
included) into a temporary directory, and the working tree is never touched.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from pathlib import Path
from typing import Any


class BaselineError(Exception):
    """The baseline is neither a folder nor a git ref that holds the workflows folder."""

    def __init__(self, template: str, **values: Any) -> None:
        super().__init__(template)
        self.template, self.values = template, values


def is_folder(ref: str) -> bool:
    return Path(ref).is_dir()


def checkout(ref: str, workflows_dir: Path, into: Path) -> Path:
    """Write the workflows folder as it is at `ref` under `into`; return that folder."""
    root = _git(workflows_dir.resolve().parent, "rev-parse", "--show-toplevel", ref=ref)
    top = Path(root.decode().strip())
    relative = workflows_dir.resolve().relative_to(top).as_posix()
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", ref=ref)
    except BaselineError:
        raise BaselineError("error.unknown_ref", ref=ref, repository=str(top)) from None
    try:
        archive = _git(top, "archive", "--format=tar", ref, "--", relative, ref=ref)
    except BaselineError:
        raise BaselineError("error.no_folder", ref=ref, folder=relative) from None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into / relative


def _git(where: Path, *args: str, ref: str) -> bytes:
    try:
        done = subprocess.run(
            ["git", "-C", str(where), *args], capture_output=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BaselineError("error.no_git", ref=ref, error=str(exc)) from exc
    if done.returncode != 0:
        raise BaselineError("error.not_a_repository", ref=ref, folder=str(where))
    return done.stdout
