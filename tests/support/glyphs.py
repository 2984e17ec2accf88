"""Which characters every common UI font can show (for checking the chat's labels and icons).

The page uses the system's sans-serif fonts (no web fonts are fetched), so a label must only use
characters that Arial, Segoe UI, Roboto, DejaVu Sans, Liberation Sans and the like all hold: the
Windows Glyph List 4 (WGL4) they are all built to cover. Emoji and dingbats ("✓", "✅", "⚠️")
are not in it, and show as an empty box where no emoji font is installed.
"""

from __future__ import annotations

WGL4_RANGES = (
    (0x0020, 0x007E),
    (0x00A0, 0x017F),
    (0x0192, 0x0192),
    (0x01FA, 0x01FF),
    (0x02C6, 0x02C7),
    (0x02C9, 0x02C9),
    (0x02D8, 0x02DD),
    (0x0384, 0x03CE),
    (0x0401, 0x045F),
    (0x0490, 0x0491),
    (0x1E80, 0x1E85),
    (0x1EF2, 0x1EF3),
    (0x2013, 0x2015),
    (0x2017, 0x201E),
    (0x2020, 0x2022),
    (0x2026, 0x2026),
    (0x2030, 0x2030),
    (0x2032, 0x2033),
    (0x2039, 0x203A),
    (0x203C, 0x203C),
    (0x20AC, 0x20AC),
    (0x2122, 0x2122),
    (0x2190, 0x2195),
    (0x25A0, 0x25A1),
    (0x25AA, 0x25AC),
    (0x25B2, 0x25B2),
    (0x25BA, 0x25BA),
    (0x25BC, 0x25BC),
    (0x25C4, 0x25C4),
    (0x25CA, 0x25CB),
    (0x25CF, 0x25CF),
)
"""A subset of WGL4 (Latin, Greek, Cyrillic, punctuation, arrows, a few shapes): enough for labels."""


def outside_common_fonts(text: str) -> str:
    """The characters of ``text`` (line breaks aside) that are not in :data:`WGL4_RANGES`."""
    return "".join(
        sorted({c for c in text if c not in "\n\r\t" and not any(a <= ord(c) <= b for a, b in WGL4_RANGES)})
    )
