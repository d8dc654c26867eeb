from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

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
