"""`python -m bench.uploads`: the rules import's worst allowed uploads, timed, weighed (issue 17).

One JSON object per file per line: {"name", "bytes", "seconds", "py_peak_mb", "rss_mb",
"baseline_rss_mb", "result"}. Each file is parsed in a fresh process: `seconds` without
tracing, then `py_peak_mb` (tracemalloc's peak) in a second run, `rss_mb` the process's peak
resident size and `baseline_rss_mb` that of the same process before parsing (Django loaded).

The files are the largest the limits allow, in the shapes that cost most: a 5 MB text of
wrapped lines in one clause and in one duty (the joins were quadratic), a 5 MB text of
"关于印发" lines (the notice-title search was quadratic), a .docx of 16 MB of XML in long
paragraphs, one of a 63-column table near the element limit, one of 64,000 short paragraphs,
and the issue's shape (merged cells spanning a million columns: 36.5 s and 1.8 GB before).
"""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIVE_MB = 5 * 1024 * 1024 - 20_000
ALPHABET = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会"
RNG = random.Random(17)


def _seed_lines() -> list[str]:
    from lianxi.organization.tests.test_importer import SEED

    return SEED.read_text(encoding="utf-8").split("\n")


def _text_filled(line: str, after: str) -> bytes:
    lines = _seed_lines()
    size = len("\n".join(lines).encode())
    at = next(i for i, text in enumerate(lines) if text.startswith(after)) + 1
    lines[at:at] = [line] * ((FIVE_MB - size) // (len(line.encode()) + 1))
    return "\n".join(lines).encode()


def _docx_filled(extra: str) -> bytes:
    from lianxi.core.tests.hostile_docx import rewrite
    from lianxi.organization.tests.test_importer import make_docx

    data = make_docx(_seed_lines())
    return rewrite(data, lambda xml: xml.replace(b"<w:sectPr", extra.encode() + b"<w:sectPr", 1))


def _random(n: int, k: int = len(ALPHABET)) -> str:
    return "".join(RNG.choice(ALPHABET[:k]) for _ in range(n))


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _cell(text: str, props: str = "") -> str:
    return f"<w:tc>{props}<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


def build(name: str) -> tuple[bytes, str]:
    if name == "txt_wrapped_clause_5mb":
        return _text_filled("这是一段很长的文字没有句号继续写", "二、"), "rules.txt"
    if name == "txt_wrapped_duty_5mb":
        return _text_filled("继续履行职责的文字没有句号", "十五、"), "rules.txt"
    if name == "txt_notice_title_search_5mb":
        return _text_filled("关于印发" * 1000, "信阳市卫生健康委员会"), "rules.txt"
    if name == "docx_16mb_xml_long_paragraphs":
        count = 15_700_000 // (2000 * 3 + 40)
        paragraphs = (_para(_random(2000, 12) + "。") for _ in range(count))
        return _docx_filled("".join(paragraphs)), "r.docx"
    if name == "docx_table_63_columns_200k_elements":
        rows = ("<w:tr>" + _cell(_random(8)) * 63 + "</w:tr>" for _ in range(780))
        return _docx_filled("<w:tbl>" + "".join(rows) + "</w:tbl>"), "r.docx"
    if name == "docx_64k_paragraphs":
        return _docx_filled("".join(_para(_random(20)) for _ in range(64_000))), "r.docx"
    if name == "docx_merged_cells_million_columns":
        span = '<w:tcPr><w:gridSpan w:val="1000000"/></w:tcPr>'
        row = "<w:tr>" + _cell("甲", span) + _cell("乙" * 14, span) + "</w:tr>"
        rows = (row for _ in range(200))
        return _docx_filled("<w:tbl>" + "".join(rows) + "</w:tbl>"), "r.docx"
    raise KeyError(name)


CASES = [
    "txt_wrapped_clause_5mb",
    "txt_wrapped_duty_5mb",
    "txt_notice_title_search_5mb",
    "docx_16mb_xml_long_paragraphs",
    "docx_table_63_columns_200k_elements",
    "docx_64k_paragraphs",
    "docx_merged_cells_million_columns",
]


def measure_one(name: str) -> None:
    import resource
    import time
    import tracemalloc

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from lianxi.organization.importer import RulesParseError, parse_rules

    data, filename = build(name)
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def run() -> str:
        try:
            parse_rules(data, filename=filename)
        except RulesParseError as exc:
            return "refused: " + exc.message[:40]
        return "parsed"

    start = time.perf_counter()
    result = run()
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    figure = {
        "name": name,
        "bytes": len(data),
        "seconds": round(seconds, 2),
        "py_peak_mb": round(peak, 1),
        "rss_mb": round(rss),
        "baseline_rss_mb": round(baseline),
        "result": result,
    }
    print(json.dumps(figure, ensure_ascii=False), flush=True)


def main() -> int:
    if len(sys.argv) > 1:
        measure_one(sys.argv[1])
        return 0
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    for name in CASES:
        subprocess.run([sys.executable, "-m", "bench.uploads", name], cwd=ROOT, env=env, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
