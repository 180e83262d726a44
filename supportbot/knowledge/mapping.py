"""Advice to the kernel about a read-only memory-mapped file (Linux; elsewhere, nothing).

Sudachi maps its 110 MB dictionary and reads it at random: a word here, a connection cost
there. By default the kernel reads ahead around every page that faults and maps the pages
around it, so a process that has analysed a few hundred texts holds most of the file in its
resident set (file-backed, shared, clean: reclaimable, but counted in RSS and, in a
container, in its memory). `random` turns read-ahead off for the mapping, and `release`
drops the pages it holds (after indexing a whole corpus at start-up); the next lookups fault
in, from the page cache, only the pages they read.
"""

from __future__ import annotations

import ctypes
import logging
from pathlib import Path

log = logging.getLogger(__name__)

MADV_RANDOM = 1
MADV_DONTNEED = 4
_MAPS = Path("/proc/self/maps")


def random(suffix: str) -> int:
    """Read the mappings of files ending in `suffix` at random from now on; their size."""
    return _advise(suffix, MADV_RANDOM)


def release(suffix: str) -> int:
    """Let go of the resident pages of those mappings (never written: nothing is lost)."""
    return _advise(suffix, MADV_DONTNEED)


def _advise(suffix: str, advice: int) -> int:
    try:
        maps = _MAPS.read_text()
        libc = ctypes.CDLL(None, use_errno=True)
        madvise = libc.madvise
    except (OSError, AttributeError):  # not Linux: the kernel's defaults stay
        return 0
    madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    madvise.restype = ctypes.c_int
    advised = 0
    for line in maps.splitlines():
        parts = line.split(maxsplit=5)
        if len(parts) < 6 or not parts[5].endswith(suffix) or "w" in parts[1]:
            continue  # another file, or a writable mapping (DONTNEED would lose its changes)
        start, end = (int(bound, 16) for bound in parts[0].split("-"))
        if madvise(start, end - start, advice) == 0:
            advised += end - start
        else:
            log.debug("madvise(%s, %d) failed: errno %d", parts[5], advice, ctypes.get_errno())
    return advised
