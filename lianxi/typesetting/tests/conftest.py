from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from lianxi.testing.libreoffice import libreoffice_convert

MM_PER_PT = 25.4 / 72


def mm(value_pt: float) -> float:
    return value_pt * MM_PER_PT


def screenshots(pdf: Path, prefix: str, directory: Path) -> list[Path]:
    """Render every page to PNG (pdftoppm -r 60) next to the other screenshots."""
    for old in directory.glob(f"{prefix}-*.png"):
        old.unlink()
    if shutil.which("pdftoppm") is None:
        return []
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(pdf), str(directory / prefix)],
        check=True,
        timeout=120,
    )
    return sorted(directory.glob(f"{prefix}-*.png"))


@pytest.fixture(scope="session")
def documents_dir() -> Any:
    from django.conf import settings

    path = Path(settings.DATA_DIR) / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- LibreOffice on "an official PC" -----------------------------------------------------------

SCAN_RULE = """  <match target="scan">
    <test name="family" compare="eq"><string>{free}</string></test>{weight_test}
    <edit name="family" mode="assign_replace"><string>{official}</string></edit>{weight_edit}
  </match>"""


def official_pc_fontconfig(directory: Path) -> Path | None:
    """A fonts.conf in which only the official font names exist (GB/T 9704's 仿宋_GB2312,
    方正小标宋简体, 黑体, 楷体_GB2312, 宋体): the free faces this machine's PDFs use are scanned
    under those names (their own names are gone), in a private cache.  None when a role's
    official font is really installed here (nothing to pretend) or fontconfig is missing."""
    from lianxi.typesetting import fonts

    if shutil.which("fc-match") is None:
        return None
    rules, dirs, taken = [], {"/usr/share/fonts/truetype/dejavu"}, set()
    for role, preferences in fonts.PREFERENCES.items():
        official, free = preferences[0], fonts.resolve(role)  # type: ignore[index]
        bold = fonts.is_bold(role)  # type: ignore[arg-type]
        if free == official:
            return None
        if (free, bold) in taken:
            continue
        taken.add((free, bold))
        found = fonts.font_file(free)
        if found is None:
            return None
        dirs.add(str(Path(found[0]).parent))
        weight = "bold" if bold else "regular"
        rules.append(
            SCAN_RULE.format(
                free=free,
                official=official,
                weight_test=(
                    f'\n    <test name="weight" compare="eq"><const>{weight}</const></test>'
                    if free in {fonts.resolve(r) for r in fonts.PREFERENCES if r != role} or bold
                    else ""
                ),
                weight_edit=(
                    '\n    <edit name="weight" mode="assign"><const>regular</const></edit>'
                    if bold
                    else ""
                ),
            )
        )
    conf = directory / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        + "".join(f"  <dir>{d}</dir>\n" for d in sorted(dirs))
        + f"  <cachedir>{directory / 'cache'}</cachedir>\n"
        + "\n".join(rules)
        + "\n</fontconfig>\n",
        encoding="utf-8",
    )
    return conf


def libreoffice_to_pdf(docx: Path, outdir: Path, *, fontconfig: Path | None = None) -> Path:
    """Convert with LibreOffice headless (its own profile; FONTCONFIG_FILE when given)."""
    return libreoffice_convert(docx, outdir, fontconfig=fontconfig)


def pdffonts(pdf: Path) -> list[str]:
    """The embedded font names poppler's pdffonts lists (subset prefixes removed)."""
    out = subprocess.run(
        ["pdffonts", str(pdf)], check=True, capture_output=True, text=True, timeout=60
    ).stdout
    return [line.split()[0].split("+")[-1] for line in out.splitlines()[2:] if line.strip()]
