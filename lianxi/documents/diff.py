"""What changed between two versions of a document's body, paragraph by paragraph (三(二)).

Units drafting a policy together comment on each other's versions; the page that compares two
versions shows which paragraphs were added, removed or changed, and inside a changed paragraph
which words. A body is a list of paragraphs (headings are paragraphs too, see
:mod:`lianxi.typesetting.headings`).

Paragraphs are aligned with :class:`difflib.SequenceMatcher`. Where a run of paragraphs was
replaced by another run, the paragraphs of the two runs are paired, in order, when they are
similar enough (:data:`SIMILAR`, by characters); a pair is one "changed" paragraph, the rest are
removed and added. Inside a changed paragraph the words are compared, cut by jieba with the
platform's domain words (:mod:`lianxi.chinese_text`), so that 职业病危害 changed into 职业健康
shows as one word replaced, not as scattered characters.

Pure: no models, no database. A 200-paragraph comparison is a figure of ``bench/run.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from typing import Any, Literal

import jieba

from lianxi import chinese_text

# Two paragraphs of a replaced run are one changed paragraph from this similarity up.
SIMILAR = 0.5
# A replaced run of at most this many (old × new) paragraph pairs is paired at its best, every
# pair compared; a longer one looks this many paragraphs ahead (see _pairs_ahead).
BEST_PAIRING_CELLS = 400
LOOK_AHEAD = 4
SKIP_COST = 0.05
# The pairs looked at first: the next two paragraphs, or one skipped on either side.
_NEAR = ((0, 0), (1, 0), (0, 1))
# jieba's general dictionary without its rarest words, as routing loads it: a fraction of the
# whole one's loading time, and the cuts of ordinary official prose are the same.
MIN_WORD_FREQ = 5

# What jieba cuts into words; anything else (punctuation, spaces) it passes on char by char.
_RUN = jieba.re_han_default

PieceOp = Literal["same", "added", "removed"]
ChangeOp = Literal["same", "added", "removed", "changed"]


@dataclass(frozen=True)
class Piece:
    """A run of text inside a paragraph: the same in both versions, added, or removed."""

    text: str
    op: PieceOp


@dataclass(frozen=True)
class ParagraphChange:
    """One paragraph of the comparison. ``old_index``/``new_index`` are 0-based positions in
    the old and the new version (None where the paragraph is not in that version); for a
    "changed" paragraph ``pieces`` mark the words, for the others it is one piece."""

    op: ChangeOp
    old_index: int | None
    new_index: int | None
    old: str
    new: str
    pieces: list[Piece]


_lock = threading.Lock()


@cache
def _load_tokenizer() -> Any:
    return chinese_text.new_tokenizer(
        min_freq=MIN_WORD_FREQ, words=chinese_text.read_domain_words()
    )


def tokenizer() -> Any:
    """The comparison's own jieba tokenizer, loaded once per process."""
    with _lock:
        return _load_tokenizer()


def words(text: str) -> list[str]:
    """`text` cut into words; joined again they give `text` back, every character kept."""
    return chinese_text.segments(tokenizer(), text)


def _merged(pieces: Iterable[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for piece in pieces:
        if not piece.text:
            continue
        if out and out[-1].op == piece.op:
            out[-1] = Piece(out[-1].text + piece.text, piece.op)
        else:
            out.append(piece)
    return out


def _cuts_between(text: str, k: int) -> bool:
    """Whether jieba cuts `text` at `k` whatever stands around it: it cuts its text into runs
    of Chinese characters, letters and digits first, and each run on its own."""
    if k <= 0 or k >= len(text):
        return True
    if text[k - 1 : k + 1] == "\r\n":
        return False
    return not (_RUN.match(text[k - 1]) and _RUN.match(text[k]))


def _common_ends(old: str, new: str) -> tuple[int, int]:
    """How many characters at the start and at the end both paragraphs share, each ending
    where jieba cuts anyway: only the part between is cut into words and compared."""
    most = min(len(old), len(new))
    start = 0
    while start < most and old[start] == new[start]:
        start += 1
    end = 0
    while end < most - start and old[-1 - end] == new[-1 - end]:
        end += 1
    while start and not (_cuts_between(old, start) and _cuts_between(new, start)):
        start -= 1
    while end and not (_cuts_between(old, len(old) - end) and _cuts_between(new, len(new) - end)):
        end -= 1
    return start, end


def word_pieces(old: str, new: str) -> list[Piece]:
    """The words of `old` and `new` marked: the same ones, the removed ones, the added ones
    (removed before added where words were replaced); adjacent pieces of one kind merged."""
    start, end = _common_ends(old, new)
    a, b = words(old[start : len(old) - end]), words(new[start : len(new) - end])
    pieces: list[Piece] = [Piece(old[:start], "same")]
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            pieces.append(Piece("".join(a[i1:i2]), "same"))
            continue
        pieces.append(Piece("".join(a[i1:i2]), "removed"))
        pieces.append(Piece("".join(b[j1:j2]), "added"))
    pieces.append(Piece(old[len(old) - end :], "same"))
    return _merged(pieces)


def similarity(old: str, new: str) -> float:
    """How alike two paragraphs are, by characters: 1.0 the same, 0.0 nothing in common."""
    if not old and not new:
        return 1.0
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    # The two bounds cost far less than the ratio itself; most pairs of a long replaced run
    # are told apart by them.
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def _pairs(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """The pairs (i, j) of a replaced run that are one changed paragraph: in order, each
    paragraph in at most one pair. A short run is paired at its best; a long one (a word
    replaced all through the document) paragraph by paragraph, looking a few ahead."""
    if len(old) * len(new) <= BEST_PAIRING_CELLS:
        return _best_pairs(old, new)
    return _pairs_ahead(old, new)


def _best_pairs(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """The pairs whose total similarity is the highest it can be: every pair compared."""
    n, m = len(old), len(new)
    ratio = [[similarity(old[i], new[j]) for j in range(m)] for i in range(n)]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            take = ratio[i][j] + best[i + 1][j + 1] if ratio[i][j] >= SIMILAR else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], take)
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        if ratio[i][j] >= SIMILAR and best[i][j] == ratio[i][j] + best[i + 1][j + 1]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _pairs_ahead(old: Sequence[str], new: Sequence[str]) -> list[tuple[int, int]]:
    """Paragraph by paragraph from where the last pair ended: the next two paragraphs, or
    one of them with the paragraph after the other (one paragraph removed or added), the
    most alike (a skipped paragraph costs :data:`SKIP_COST`); none of these alike enough,
    the nearest pair within :data:`LOOK_AHEAD` paragraphs on either side; none there
    either, one paragraph of each side is skipped. Linear in the run's length."""
    n, m = len(old), len(new)

    def alike(a: int, b: int) -> float:
        return similarity(old[a], new[b]) if a < n and b < m else 0.0

    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < n and j < m:
        near = [
            (ratio - SKIP_COST * (a + b), (i + a, j + b))
            for a, b in _NEAR
            if (ratio := alike(i + a, j + b)) >= SIMILAR
        ]
        found = (
            max(near)[1]
            if near
            else next(
                (
                    (i + a, j + skipped - a)
                    for skipped in range(2, 2 * LOOK_AHEAD + 1)
                    for a in range(max(0, skipped - LOOK_AHEAD), min(skipped, LOOK_AHEAD) + 1)
                    if alike(i + a, j + skipped - a) >= SIMILAR
                ),
                None,
            )
        )
        if found is None:
            i, j = i + 1, j + 1
            continue
        pairs.append(found)
        i, j = found[0] + 1, found[1] + 1
    return pairs


def _removed(index: int, text: str) -> ParagraphChange:
    return ParagraphChange("removed", index, None, text, "", [Piece(text, "removed")])


def _added(index: int, text: str) -> ParagraphChange:
    return ParagraphChange("added", None, index, "", text, [Piece(text, "added")])


def _replaced(
    old: Sequence[str], new: Sequence[str], i1: int, i2: int, j1: int, j2: int
) -> list[ParagraphChange]:
    changes: list[ParagraphChange] = []
    i, j = i1, j1
    for pi, pj in [(i1 + a, j1 + b) for a, b in _pairs(old[i1:i2], new[j1:j2])]:
        changes.extend(_removed(k, old[k]) for k in range(i, pi))
        changes.extend(_added(k, new[k]) for k in range(j, pj))
        changes.append(
            ParagraphChange("changed", pi, pj, old[pi], new[pj], word_pieces(old[pi], new[pj]))
        )
        i, j = pi + 1, pj + 1
    changes.extend(_removed(k, old[k]) for k in range(i, i2))
    changes.extend(_added(k, new[k]) for k in range(j, j2))
    return changes


def paragraph_diff(old: Sequence[str], new: Sequence[str]) -> list[ParagraphChange]:
    """Every paragraph of both versions once, in reading order: the same ones, the removed
    ones (where they stood in the old version), the added ones and the changed ones."""
    old, new = list(old), list(new)
    changes: list[ParagraphChange] = []
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            changes.extend(
                ParagraphChange("same", i, j, old[i], new[j], [Piece(old[i], "same")])
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
        elif tag == "delete":
            changes.extend(_removed(i, old[i]) for i in range(i1, i2))
        elif tag == "insert":
            changes.extend(_added(j, new[j]) for j in range(j1, j2))
        else:
            changes.extend(_replaced(old, new, i1, i2, j1, j2))
    return changes


def diff_summary(changes: Iterable[ParagraphChange]) -> dict[str, int]:
    """How many paragraphs were added, removed and changed."""
    summary = {"added": 0, "removed": 0, "changed": 0}
    for change in changes:
        if change.op in summary:
            summary[change.op] += 1
    return summary
