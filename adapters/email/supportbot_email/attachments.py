"""Attachments: counted against the limits, kept on disk, listed (name and size) on the card.

Files are kept content-addressed under `EMAIL_ATTACHMENTS_DIR`: `<sha256>/<name>`, so the same
file mailed twice is stored once and nothing a sender names can escape the folder. Writes go
through a temporary file and a rename, so a crash never leaves half a file under a real name.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from supportbot_email.parse import Part

_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]+")


@dataclass(frozen=True, slots=True)
class Kept:
    name: str
    size: int
    sha256: str
    path: Path

    @property
    def label(self) -> str:
        """`report.pdf (1.2 MB)`: how the card lists it."""
        return f"{self.name} ({human_size(self.size)})"


class AttachmentStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def keep(self, parts: tuple[Part, ...]) -> tuple[Kept, ...]:
        return tuple([await asyncio.to_thread(self._write, part) for part in parts])

    def _write(self, part: Part) -> Kept:
        digest = hashlib.sha256(part.data).hexdigest()
        name = safe_name(part.name)
        target = self.folder / digest / name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
            with os.fdopen(handle, "wb") as out:
                out.write(part.data)
            os.replace(temporary, target)
        return Kept(name=part.name, size=len(part.data), sha256=digest, path=target)


def safe_name(name: str) -> str:
    """A file name that stays inside its folder on any file system."""
    cleaned = _UNSAFE.sub("_", name).strip(" .")
    return cleaned[:150] or "attachment"


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
