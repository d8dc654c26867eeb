"""Per-glyph font fallback for every PDF we print (a rare character in a place name: 浉河区).

The free 仿宋 (FandolFang) lacks some characters of the General Standard Chinese Characters
list, "浉" among them.  Left to itself, Pango takes such a character from the next font of the
CSS stack *with that font's ascent and descent*, and the line it stands on grows (2 pt with
Noto Serif CJK), so the 22-line grid of GB/T 9704 drifts on every line that has one.

:func:`fallback_html` (template filter ``fallback_glyphs``, ``{% load typesetting %}``) escapes a
text and wraps each run of characters the role's chosen font lacks in a ``<span>`` naming the
first installed face that has them, with ``line-height: 1`` so that the line keeps its height.
Which face has a character is read from the font files' cmap (fontTools), the files being the
ones fontconfig picks, as WeasyPrint/Pango do.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Iterator

from django.utils.safestring import SafeData, SafeString, mark_safe

from . import fonts

FALLBACK_CLASS = "glyph-fallback"


@functools.cache
def coverage(family: str) -> frozenset[int] | None:
    """The code points ``family``'s font file maps, or None when it cannot be read."""
    if not fonts.is_installed(family):
        return frozenset()
    found = fonts.font_file(family)
    if found is None:
        return None
    try:
        from fontTools.ttLib import TTFont

        path, index = found
        with TTFont(path, fontNumber=index, lazy=True) as font:
            cmap = font.getBestCmap() or {}
    except Exception:  # an unreadable font: we cannot tell, so we do not interfere
        return None
    return frozenset(cmap)


def has_glyph(family: str, char: str) -> bool:
    """Whether ``family`` has ``char`` (True when its coverage cannot be read)."""
    covered = coverage(family)
    return covered is None or ord(char) in covered


def candidates(role: fonts.Role) -> list[str]:
    """Installed faces to take a missing character from, closest to the role first.

    The role's own preferences after the chosen one, its last resorts, then every other
    role's installed faces.
    """
    chosen = fonts.resolve(role)
    names: list[str] = []
    other_roles = [r for r in fonts.PREFERENCES if r != role]
    pools = [fonts.PREFERENCES[role], fonts.LAST_RESORT[role]]
    pools += [fonts.PREFERENCES[r] for r in other_roles]
    for pool in pools:
        for name in pool:
            if name not in names and name != chosen and fonts.is_installed(name):
                names.append(name)
    return names


def _needs_fallback(chosen: str, char: str) -> bool:
    return not char.isspace() and ord(char) >= 0x80 and not has_glyph(chosen, char)


@functools.cache
def fallback_face(role: fonts.Role, char: str) -> str | None:
    """The face that sets ``char`` in text of ``role``: None when the role's font has it."""
    chosen = fonts.resolve(role)
    if not _needs_fallback(chosen, char):
        return None
    for name in candidates(role):
        if has_glyph(name, char):
            return name
    return None  # nobody has it: leave it to Pango


def runs(text: str, role: fonts.Role) -> Iterator[tuple[str, str | None]]:
    """``text`` cut into (run, face) pieces; face None for the role's own font."""
    current: list[str] = []
    face: str | None = None
    for char in text:
        wanted = fallback_face(role, char)
        if current and wanted != face:
            yield "".join(current), face
            current = []
        face = wanted
        current.append(char)
    if current:
        yield "".join(current), face


def fallback_html(text: object, role: fonts.Role = "fangsong") -> SafeString:
    """``text`` escaped for HTML, its characters missing from the role's font in a span.

    The span names the face that has them and has ``line-height: 1``: inside a line of
    exact height its inline box stays within the line's, so the line does not grow.
    """
    safe = isinstance(text, SafeData)
    out = []
    for piece, face in runs(str(text), role):
        escaped = piece if safe else html.escape(piece, quote=False)
        if face is None:
            out.append(escaped)
        else:
            style = f"font-family: '{face}'; line-height: 1"
            out.append(f'<span class="{FALLBACK_CLASS}" style="{style}">{escaped}</span>')
    return mark_safe("".join(out))  # noqa: S308 — every piece is escaped above
