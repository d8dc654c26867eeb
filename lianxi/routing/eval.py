"""`make eval-routing`: routing on a labelled set of everyday matters, beside a keyword baseline.

The set (`data/eval_matters.json`) holds matters as a clerk hears them, each with the lead
unit(s) an expert would accept, covering every unit of the annex. Routing is built from the
rules file that ships with the platform (no database): the current duties, the shipped
thesaurus and no past decisions. The baseline is jieba + BM25 over the duty texts alone.

Prints top-1 and top-3 accuracy of both and every miss (text, expected, got).
"""

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .engine import DATA_DIR, DutyDoc, Router, UnitDoc, read_thesaurus_file

EVAL_FILE = DATA_DIR / "eval_matters.json"
TARGET_TOP1 = 0.80
TARGET_TOP3 = 0.95


@dataclass
class Matter:
    text: str
    lead: list[str]


@dataclass
class Result:
    name: str
    top1: float
    top3: float
    misses: list[tuple[str, list[str], list[str]]]
    ms_per_matter: float


def load_matters(path: Path = EVAL_FILE) -> list[Matter]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Matter(m["text"], list(m["lead"])) for m in data["matters"]]


def annex_units() -> list[UnitDoc]:
    """The member units and their duties as the shipped rules file states them."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    from lianxi.organization.importer import parse_rules

    path = Path(settings.LIANXI_DEFAULT_RULES)
    parsed = parse_rules(path.read_bytes(), filename=path.name)
    return [
        UnitDoc(
            key=n,
            name=unit.name,
            duties=tuple(DutyDoc(d.number, d.label, d.text) for d in unit.duties),
        )
        for n, unit in enumerate(parsed.units, start=1)
    ]


def evaluate(router: Router, matters: list[Matter], name: str) -> Result:
    hits1 = hits3 = 0
    misses = []
    started = time.perf_counter()
    for matter in matters:
        ranked = [u.name for u in router.route(matter.text).units]
        if ranked[0] in matter.lead:
            hits1 += 1
        else:
            misses.append((matter.text, matter.lead, ranked[:3]))
        if any(name in matter.lead for name in ranked[:3]):
            hits3 += 1
    elapsed = (time.perf_counter() - started) * 1000 / max(len(matters), 1)
    n = max(len(matters), 1)
    return Result(name, hits1 / n, hits3 / n, misses, elapsed)


def run(units: list[UnitDoc] | None = None) -> tuple[Result, Result]:
    units = units if units is not None else annex_units()
    matters = load_matters()
    routing = evaluate(Router(units, read_thesaurus_file()), matters, "routing")
    baseline = evaluate(Router(units, {}, use_thesaurus=False), matters, "baseline")
    return routing, baseline


def _short(name: str) -> str:
    return name.removeprefix("市")


def main() -> int:
    matters = load_matters()
    units = annex_units()
    covered = {n for m in matters for n in m.lead}
    missing = [u.name for u in units if u.name not in covered]
    routing, baseline = run(units)
    print(
        f"分办评测：{len(matters)} 条事项，{len(units)} 个成员单位"
        + (f"（未覆盖：{'、'.join(missing)}）" if missing else "（每个单位都有）")
    )
    print(f"{'':10}{'top-1':>8}{'top-3':>8}{'ms/条':>8}")
    for r, label in ((routing, "分办"), (baseline, "基线 BM25")):
        print(f"{label:10}{r.top1:8.3f}{r.top3:8.3f}{r.ms_per_matter:8.2f}")
    print(f"目标：top-1 ≥ {TARGET_TOP1}，top-3 ≥ {TARGET_TOP3}")
    for r, label in ((routing, "分办"), (baseline, "基线")):
        print(f"\n{label}未命中首位（{len(r.misses)} 条）：")
        for text, expected, got in r.misses:
            exp = "/".join(_short(e) for e in expected)
            print(f"  {text}\n    应为 {exp}；得到 {'、'.join(_short(g) for g in got)}")
    ok = routing.top1 >= TARGET_TOP1 and routing.top3 >= TARGET_TOP3
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
