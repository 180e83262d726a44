"""Notice edits to workflow and template files: poll modification times (cheap, portable)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

Signature = tuple[tuple[str, int, int], ...]


def signature(folder: Path) -> Signature:
    """Name, mtime and size of every YAML file in `folder` and its `templates/` folder."""
    return files_signature(
        path
        for where in (folder, folder / "templates")
        if where.is_dir()
        for path in where.iterdir()
        if path.suffix in (".yaml", ".yml")
    )


def files_signature(paths: Iterable[Path]) -> Signature:
    """Name, mtime and size of each of `paths` that exists: a change means a reload is due."""
    entries: list[tuple[str, int, int]] = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            continue  # deleted between listing and stat (or never there): the next poll sees it
        entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries))
