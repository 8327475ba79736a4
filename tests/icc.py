"""Build small, valid ICC v2 RGB display profiles in code, so colour tests need no profile files.

A matrix/TRC profile is all lcms needs: the three primaries (as D50 XYZ colorants), one gamma
per channel and a white point. ``swapped_primaries_profile()`` swaps sRGB's red and blue
primaries, so a pure red pixel stored under it *means* blue: a decoder that applies the
profile shows blue, one that ignores it shows red. Nothing subtler could tell the two apart
as reliably.
"""

from __future__ import annotations

import struct

D50 = (0.9642, 1.0, 0.8249)
# sRGB colorants adapted to D50 (the ICC profile connection space), as in sRGB IEC61966-2.1.
SRGB_RED = (0.4361, 0.2225, 0.0139)
SRGB_GREEN = (0.3851, 0.7169, 0.0971)
SRGB_BLUE = (0.1431, 0.0606, 0.7141)


def rgb_profile(
    description: str,
    red: tuple[float, float, float],
    green: tuple[float, float, float],
    blue: tuple[float, float, float],
    gamma: float = 2.2,
) -> bytes:
    """A display-class RGB profile with the given D50 colorants and one gamma curve."""
    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, round(gamma * 256)) + bytes(2)
    text = description.encode("ascii") + b"\0"
    desc = b"desc" + bytes(4) + struct.pack(">I", len(text)) + text + bytes(4 + 4 + 2 + 1 + 67)
    tags = [
        (b"desc", desc),
        (b"wtpt", _xyz(D50)),
        (b"rXYZ", _xyz(red)),
        (b"gXYZ", _xyz(green)),
        (b"bXYZ", _xyz(blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
        (b"cprt", b"text" + bytes(4) + b"public domain\0"),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += bytes(-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size) + bytes(4) + struct.pack(">I", 0x02100000)
        + b"mntr" + b"RGB " + b"XYZ " + bytes(12) + b"acsp" + bytes(4 + 4 + 4 + 4 + 8 + 4)
        + _s15(D50) + bytes(4)
    )  # fmt: skip
    header += bytes(128 - len(header))
    return header + struct.pack(">I", len(tags)) + table + data


def swapped_primaries_profile() -> bytes:
    """sRGB with its red and blue primaries exchanged (see the module docstring)."""
    return rgb_profile("PhotoSift test: red and blue swapped", SRGB_BLUE, SRGB_GREEN, SRGB_RED)


def _xyz(values: tuple[float, float, float]) -> bytes:
    return b"XYZ " + bytes(4) + _s15(values)


def _s15(values: tuple[float, float, float]) -> bytes:
    return b"".join(struct.pack(">i", round(v * 65536)) for v in values)
