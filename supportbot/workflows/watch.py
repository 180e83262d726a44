"""Notice edits to workflow and template files: poll modification times (cheap, portable)."""

from __future__ import annotations

from pathlib import Path

Signature = tuple[tuple[str, int, int], ...]


def signature(folder: Path) -> Signature:
    """Name, mtime and size of every YAML file in `folder` and its `templates/` folder."""
    entries: list[tuple[str, int, int]] = []
    for where in (folder, folder / "templates"):
        if not where.is_dir():
            continue
        for path in where.iterdir():
            if path.suffix in (".yaml", ".yml"):
                try:
                    stat = path.stat()
                except OSError:
                    continue  # deleted between listing and stat: the next poll sees it
                entries.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(entries))
