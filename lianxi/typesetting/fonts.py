"""Which font each typographic role of an official document uses on this machine.

GB/T 9704-2012 names 小标宋 (headings, 纪要标志), 仿宋 (body), 黑体 (level-1 headings and the
出席 labels), 楷体 (level-2 headings) and 宋体 (page numbers).  The official fonts are
proprietary; an install that has them gets them, every other install falls back to free fonts
from Debian packages (``scripts/install-fonts.sh`` installs them):

- xiaobiaosong (小标宋): 方正小标宋简体, FZXiaoBiaoSong-B05S, 方正小标宋_GBK, FZXiaoBiaoSong-B05;
  free: Noto Serif CJK SC, set bold (fonts-noto-cjk)
- fangsong (仿宋): 仿宋_GB2312, FangSong_GB2312, 仿宋, FangSong;
  free: FandolFang (texlive-lang-chinese), then Noto Serif CJK SC
- heiti (黑体): 黑体, SimHei; free: Noto Sans CJK SC (fonts-noto-cjk)
- kaiti (楷体): 楷体_GB2312, KaiTi_GB2312, 楷体, KaiTi;
  free: AR PL UKai CN (fonts-arphic-ukai), then Noto Serif CJK SC
- songti (宋体, page numbers): 宋体, SimSun; free: Noto Serif CJK SC

The installed families are read once from ``fc-list`` (the same fontconfig database that
WeasyPrint/Pango use) and matched by exact family name, so a name fontconfig would merely
substitute never counts as installed.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from typing import Literal

Role = Literal["xiaobiaosong", "fangsong", "heiti", "kaiti", "songti"]

PREFERENCES: dict[Role, tuple[str, ...]] = {
    "xiaobiaosong": (
        "方正小标宋简体",
        "FZXiaoBiaoSong-B05S",
        "方正小标宋_GBK",
        "FZXiaoBiaoSong-B05",
        "Noto Serif CJK SC",
    ),
    "fangsong": (
        "仿宋_GB2312",
        "FangSong_GB2312",
        "仿宋",
        "FangSong",
        "FandolFang",
        "Noto Serif CJK SC",
    ),
    "heiti": ("黑体", "SimHei", "Noto Sans CJK SC"),
    "kaiti": (
        "楷体_GB2312",
        "KaiTi_GB2312",
        "楷体",
        "KaiTi",
        "AR PL UKai CN",
        "Noto Serif CJK SC",
    ),
    "songti": ("宋体", "SimSun", "Noto Serif CJK SC"),
}


def official(role: Role) -> str:
    """The font GB/T 9704 and the government's templates name for the role (仿宋_GB2312 …)."""
    return PREFERENCES[role][0]


# Windows' name for the character set a font covers (w:charset in a .docx font table): GB2312.
GB2312_CHARSET = "86"


# When a glyph is missing from the chosen font (a rare character in a name), Pango moves on
# along the CSS stack; these always close it.
LAST_RESORT: dict[Role, tuple[str, ...]] = {
    "xiaobiaosong": ("Noto Serif CJK SC", "serif"),
    "fangsong": ("Noto Serif CJK SC", "serif"),
    "heiti": ("Noto Sans CJK SC", "sans-serif"),
    "kaiti": ("Noto Serif CJK SC", "serif"),
    "songti": ("Noto Serif CJK SC", "serif"),
}


@functools.cache
def installed_families() -> frozenset[str]:
    """Every family name (all localised aliases) fontconfig knows, lower-cased."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return frozenset()
    result = subprocess.run(
        [fc_list, "--format", "%{family}\n"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    names: set[str] = set()
    for line in result.stdout.splitlines():
        for name in line.split(","):
            name = name.strip().replace("\\-", "-")
            if name:
                names.add(name.lower())
    return frozenset(names)


def is_installed(family: str) -> bool:
    return family.lower() in installed_families()


def resolve(role: Role) -> str:
    """The first installed family of the role's preference list (the last one if none is)."""
    preferences = PREFERENCES[role]
    for family in preferences:
        if is_installed(family):
            return family
    return preferences[-1]


def css_stack(role: Role) -> str:
    """A CSS font-family value: the resolved font, the other installed ones, a last resort."""
    chosen = resolve(role)
    names = [chosen]
    names += [f for f in PREFERENCES[role] if f != chosen and is_installed(f)]
    names += [f for f in LAST_RESORT[role] if f not in names]
    return ", ".join(name if name in ("serif", "sans-serif") else f'"{name}"' for name in names)


# A bold weight stands in for 小标宋's heavy strokes when the free Noto Serif replaces it.
_BOLD_FALLBACKS: dict[Role, frozenset[str]] = {"xiaobiaosong": frozenset({"Noto Serif CJK SC"})}


def is_bold(role: Role) -> bool:
    """Whether the role is set bold (only a free stand-in for 小标宋 is)."""
    return resolve(role) in _BOLD_FALLBACKS.get(role, frozenset())


@dataclass(frozen=True)
class VerticalMetrics:
    """Per em: what Pango lays a line out with, and the ideographic em box top."""

    ascent: float  # above the baseline, as Pango/HarfBuzz use it for the line box
    descent: float  # below the baseline, positive
    em_top: float  # top of the ideographic em box above the baseline (OS/2 typo ascender)


_DEFAULT_METRICS = VerticalMetrics(ascent=0.88, descent=0.12, em_top=0.88)


@functools.cache
def font_file(family: str) -> tuple[str, int] | None:
    """(path, index in a collection) of the file fontconfig picks for ``family``."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    out = subprocess.run(
        [fc_match, "--format", "%{file}|%{index}", family],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    ).stdout
    if "|" not in out:
        return None
    path, index = out.rsplit("|", 1)
    return path, int(index or 0)


@functools.cache
def vertical_metrics(family: str) -> VerticalMetrics:
    """Read the family's metrics from the font file fontconfig picks for it."""
    found = font_file(family)
    if found is None:
        return _DEFAULT_METRICS
    try:
        from fontTools.ttLib import TTFont

        path, index = found
        with TTFont(path, fontNumber=index, lazy=True) as font:
            upm = font["head"].unitsPerEm
            os2 = font["OS/2"]
            hhea = font["hhea"]
            use_typo = bool(os2.fsSelection & (1 << 7))
            typo = (os2.sTypoAscender, -os2.sTypoDescender)
            horizontal = (hhea.ascent, -hhea.descent)
    except Exception:  # an unreadable or exotic font: assume an em-box font
        return _DEFAULT_METRICS
    # HarfBuzz (hence Pango): typo metrics when USE_TYPO_METRICS is set, else hhea.
    ascent, descent = typo if use_typo or not any(horizontal) else horizontal
    return VerticalMetrics(ascent=ascent / upm, descent=descent / upm, em_top=typo[0] / upm)


def first_line_ink_offset(role: Role, *, size_pt: float, line_height_pt: float) -> float:
    """Points from a line box's top to the top of its characters' em box (CSS half-leading)."""
    m = vertical_metrics(resolve(role))
    half_leading = (line_height_pt - (m.ascent + m.descent) * size_pt) / 2
    return half_leading + (m.ascent - m.em_top) * size_pt


def baseline_in_line(role: Role, *, size_pt: float, line_height_pt: float) -> float:
    """Points from a CSS line box's top to its baseline (half-leading plus the ascent)."""
    m = vertical_metrics(resolve(role))
    return (line_height_pt - (m.ascent + m.descent) * size_pt) / 2 + m.ascent * size_pt


def report() -> dict[str, str]:
    """Role -> chosen family, for diagnostics and the admin's peace of mind."""
    return {role: resolve(role) for role in PREFERENCES}


@functools.cache
def advance_widths(family: str) -> dict[int, float] | None:
    """Code point -> advance width per em of the font file fontconfig picks for ``family``
    (None when it cannot be read)."""
    found = font_file(family)
    if found is None:
        return None
    try:
        from fontTools.ttLib import TTFont

        path, index = found
        with TTFont(path, fontNumber=index, lazy=True) as font:
            upm = font["head"].unitsPerEm
            hmtx = font["hmtx"].metrics
            cmap = font.getBestCmap() or {}
            return {code: hmtx[glyph][0] / upm for code, glyph in cmap.items() if glyph in hmtx}
    except Exception:  # an unreadable font: callers assume full-width characters
        return None


def text_width_pt(
    text: str, role: Role, *, size_pt: float, letter_spacing_pt: float = 0.0
) -> float:
    """The width of ``text`` set in the role's font (advance widths plus letter spacing after
    every character but the last), for placing lines whose ends the layout must know: the
    签发人 block, the signatures under their seals, the 附件说明's numbers.  A character the
    font lacks counts one em (a CJK fallback face's width)."""
    widths = advance_widths(resolve(role)) or {}
    total = sum(widths.get(ord(char), 1.0) for char in text) * size_pt
    return total + letter_spacing_pt * max(len(text) - 1, 0)
