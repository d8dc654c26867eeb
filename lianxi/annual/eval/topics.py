"""`python -m lianxi.annual.eval.topics`: how well similar topic proposals are grouped (四(三)).

Pairwise precision and recall of `selectors.clusters` against labelled groups, on the proposals
seen when SIMILAR_AT was chosen (tuning) and on proposals written apart and never used to tune
(held_out). Only the held-out figure says how the grouping will do on units' real proposals.
"""

from __future__ import annotations

import json
import sys
from itertools import combinations
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("topics.json")


def pair_scores(groups: list[list[str]], at: float | None = None) -> dict[str, Any]:
    from lianxi.annual.selectors import clusters

    texts = [t for group in groups for t in group]
    label = [n for n, group in enumerate(groups) for _ in group]
    found = [0] * len(texts)
    for n, members in enumerate(clusters(texts, at)):
        for i in members:
            found[i] = n
    pairs = list(combinations(range(len(texts)), 2))
    same_true = {(i, j) for i, j in pairs if label[i] == label[j]}
    same_found = {(i, j) for i, j in pairs if found[i] == found[j]}
    hit = len(same_true & same_found)
    precision = hit / len(same_found) if same_found else 1.0
    recall = hit / len(same_true) if same_true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "topics": len(texts),
        "groups": len(groups),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def main() -> int:
    import django

    django.setup()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for name in ("tuning", "development", "held_out"):
        print(json.dumps({"set": name, **pair_scores(data[name])}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.exit(main())
