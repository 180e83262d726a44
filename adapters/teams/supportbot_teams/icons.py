"""The two app icons Teams requires, drawn with the standard library (zlib + struct).

Teams wants a 192×192 full-colour icon and a 32×32 outline icon: white on transparent.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

Pixel = tuple[int, int, int, int]
Paint = Callable[[int, int], Pixel]
COLOR_SIZE = 192
OUTLINE_SIZE = 32
_BRAND: Pixel = (79, 107, 237, 255)
_WHITE: Pixel = (255, 255, 255, 255)
_CLEAR: Pixel = (0, 0, 0, 0)


def color_icon() -> bytes:
    """A white speech bubble on the brand colour."""
    return png(COLOR_SIZE, lambda x, y: _WHITE if _bubble(x, y, COLOR_SIZE) else _BRAND)


def outline_icon() -> bytes:
    """The same bubble, white on transparent."""
    return png(OUTLINE_SIZE, lambda x, y: _WHITE if _bubble(x, y, OUTLINE_SIZE) else _CLEAR)


def _bubble(x: int, y: int, size: int) -> bool:
    # An ellipse in the upper part and a small tail at its lower left.
    cx, cy, rx, ry = size * 0.5, size * 0.45, size * 0.34, size * 0.26
    in_body = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1.0
    tail_top, tail_bottom = size * 0.62, size * 0.82
    in_tail = tail_top <= y <= tail_bottom and size * 0.28 <= x <= size * 0.28 + (tail_bottom - y)
    return in_body or in_tail


def png(size: int, paint: Paint) -> bytes:
    """A square RGBA PNG; `paint(x, y)` gives each pixel."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(paint(x, y)) for x in range(size)) for y in range(size)
    )
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA, no interlace
    return b"".join(
        [b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header), _chunk(b"IDAT", zlib.compress(rows, 9)),
         _chunk(b"IEND", b"")]
    )  # fmt: skip


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
