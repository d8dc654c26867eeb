"""LibreOffice headless, as the tests that check a .docx or an .xlsx on a reader's PC run it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def libreoffice_convert(
    source: Path, outdir: Path, *, to: str = "pdf", fontconfig: Path | None = None
) -> Path:
    """Convert `source` into `outdir` (its own profile there; FONTCONFIG_FILE when given) and
    return the written file. `to` is soffice's --convert-to value, e.g. "pdf" or
    "csv:Text - txt - csv (StarCalc):44,34,76"; the file's extension is the part before ":"."""
    env = dict(os.environ)
    if fontconfig is not None:
        env["FONTCONFIG_FILE"] = str(fontconfig)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{outdir}/profile",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env=env,
    )
    return outdir / f"{source.stem}.{to.split(':', 1)[0]}"
