"""The routing engine (二(四), annex): rank every unit by how its current duties cover a matter.

Pure Python over plain data, no database: `lianxi.routing.selectors` feeds it the duties, the
thesaurus and past decisions, and caches one built `Router` per process; the evaluation builds
one straight from the rules file.

How a matter is scored:

1. Words. jieba (search mode) with the domain words of `lianxi.chinese_text`: the shipped
   thesaurus' terms and the annex's own phrases are whole words, so "最低生活保障" is one word,
   not three.
2. Bridge. Everyday words lead through the thesaurus to the duties' vocabulary
   (血铅 → 铅中毒 → 职业中毒 → 化学因素 …), at most `MAX_HOPS` steps, each step worth
   `DECAY` of the one before. A thesaurus term found anywhere in the text counts even when
   segmentation cut it differently.
3. Duties. BM25 over the current duty texts, each query word weighted by how it was reached.
   A unit scores its best duty plus a quarter of its second best.
4. Decisions. Past matters the secretariat assigned (examples) vote by similarity (cosine of
   tf-idf word vectors, k nearest). The vote is blended with the duty match and shrunk by how
   much evidence there is, so one odd decision cannot outweigh a clear duty.
5. Confidence. If no duty matches well enough (and no close past decision exists), the answer
   says so and suggests no lead.
"""

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from lianxi import chinese_text

DATA_DIR = Path(__file__).resolve().parent / "data"
THESAURUS_FILE = DATA_DIR / "thesaurus.txt"

# jieba's general dictionary, without its rarest words: loads in a fraction of the time.
MIN_WORD_FREQ = 5

MAX_HOPS = 3
DECAY = 0.7
BM25_K1 = 0.3
BM25_B = 0.75
SECOND_DUTY_SHARE = 0.25
# Below this raw duty score nothing fits well enough to name a lead (tuned on nonsense matters).
CONFIDENT_SCORE = 1.2
SUPPORT_SHARE = 0.5
MAX_SUPPORT = 3
# Past decisions: k nearest with at least this similarity; the vote's weight in the blend grows
# with evidence S (sum of similarities) as S / (S + EVIDENCE_PRIOR), at most BLEND.
NEIGHBOURS = 7
MIN_SIMILARITY = 0.25
EVIDENCE_PRIOR = 1.0
BLEND = 1.0
SUPPORT_VOTE = 0.25
CONFIDENT_SIMILARITY = 0.6

_STOPWORDS_TEXT = """
的 了 和 与 及 或 等 在 是 有 也 都 就 还 又 把 被 给 让 向 对 从 为
以 于 并 而 但 这 那 个 我 你 他 她 它 们 我们 他们 她们 什么 怎么
怎么办 哪个 哪儿 哪里 谁 能 能不能 可以 要 想 需要 一 一直 一下 一个 一些
一家 现在 今年 已经 没有 没 不 很 太 好 好几个 几个 根本 从来 直接 所以
工作 开展 加强 负责 组织 指导 推进 推动 做好 落实 相关 有关 各类 各级 各地
按照 依法 依据 按规定 方面 情况 问题 部门 单位 全市 市里 市 县 县里 政府
相应 进行 建立 提高 提升 强化
"""
STOPWORDS = frozenset(_STOPWORDS_TEXT.split())
_WORDLIKE = re.compile(r"[\u4e00-\u9fff]|[A-Za-z0-9]{2,}")


def split_targets(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,，、;；|]+", text or "") if t]


def read_thesaurus_file(path: Path = THESAURUS_FILE) -> dict[str, list[str]]:
    """The shipped thesaurus: ``term<TAB>target target …`` per line, ``#`` comments."""
    entries: dict[str, list[str]] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip() if raw.lstrip().startswith("#") else raw.strip()
        if not line:
            continue
        term, _, rest = line.partition("\t")
        term = term.strip()
        if term:
            entries.setdefault(term, [])
            entries[term].extend(t for t in split_targets(rest) if t.lstrip("=") != term)
    return entries


def link_of(target: str) -> tuple[str, float]:
    """``=词`` is the same thing said another way (no decay); ``词`` is a broader term."""
    if target.startswith("="):
        return target[1:], 1.0
    return target, DECAY


# --- segmentation ---------------------------------------------------------------------------

_tokenizer_lock = threading.Lock()


@cache
def _tokenizer() -> Any:
    """Routing's tokenizer: the lean dictionary, the domain words and every thesaurus term."""
    thesaurus = (
        link_of(word)[0]
        for term, targets in read_thesaurus_file().items()
        for word in (term, *targets)
    )
    return chinese_text.new_tokenizer(
        min_freq=MIN_WORD_FREQ, words=(*chinese_text.read_domain_words(), *thesaurus)
    )


@cache
def _plain_tokenizer() -> Any:
    """jieba with its own dictionary only: the baseline's segmentation."""
    return chinese_text.new_tokenizer(min_freq=MIN_WORD_FREQ)


def add_words(words: Iterable[str]) -> None:
    tokenizer = _tokenizer()
    with _tokenizer_lock:
        chinese_text.add_new_words(tokenizer, words)


def tokenize(
    text: str,
    *,
    keep_single: frozenset[str] = frozenset(),
    plain: bool = False,
    search: bool = False,
) -> list[str]:
    """Content words of `text`; in search mode also the words inside long words."""
    words = []
    tokenizer = _plain_tokenizer() if plain else _tokenizer()
    for word in chinese_text.segments(tokenizer, text, search=search):
        word = word.strip()
        if not word or word in STOPWORDS or not _WORDLIKE.search(word):
            continue
        if len(word) == 1 and word not in keep_single:
            continue
        words.append(word)
    return words


# --- the input ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DutyDoc:
    number: int
    label: str
    text: str


@dataclass(frozen=True)
class UnitDoc:
    key: int
    name: str
    duties: tuple[DutyDoc, ...]


@dataclass(frozen=True)
class Example:
    text: str
    lead: int | None
    supporting: tuple[int, ...] = ()


# --- the answer -----------------------------------------------------------------------------


@dataclass
class DutyMatch:
    number: int
    label: str
    text: str
    score: float
    matched: list[str]

    def as_json(self) -> dict[str, Any]:
        return {"number": self.number, "text": self.text, "matched": self.matched}


@dataclass
class UnitScore:
    key: int
    name: str
    score: float
    duty_score: float
    vote: float
    role: str | None = None
    duties: list[DutyMatch] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "score": round(self.score, 3),
            "role": self.role,
            "duties": [d.as_json() for d in self.duties],
        }


@dataclass
class Neighbour:
    text: str
    similarity: float
    lead: int | None
    supporting: tuple[int, ...]


@dataclass
class Routing:
    text: str
    units: list[UnitScore]
    confident: bool
    neighbours: list[Neighbour] = field(default_factory=list)

    @property
    def lead(self) -> UnitScore | None:
        return next((u for u in self.units if u.role == "lead"), None)

    @property
    def supporting(self) -> list[UnitScore]:
        return [u for u in self.units if u.role == "support"]

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "units": [u.as_json() for u in self.units],
            "confident": self.confident,
        }


# --- the engine -----------------------------------------------------------------------------


class Router:
    """An index over one mechanism's current duties, the thesaurus and past decisions."""

    def __init__(
        self,
        units: Sequence[UnitDoc],
        thesaurus: dict[str, list[str]],
        examples: Sequence[Example] = (),
        *,
        use_thesaurus: bool = True,
    ) -> None:
        self.units = list(units)
        self.use_thesaurus = use_thesaurus
        self.links = {
            t: list(dict.fromkeys(link_of(target) for target in v)) for t, v in thesaurus.items()
        }
        self.thesaurus = {t: [w for w, _ in v] for t, v in self.links.items()}
        if use_thesaurus:
            add_words(w for t, v in self.thesaurus.items() for w in (t, *v))
        self.singles = frozenset(t for t in self.thesaurus if len(t) == 1)
        self._long_terms = sorted((t for t in self.thesaurus if len(t) > 1), key=len)
        self._known_terms = sorted(
            {w for t, v in self.thesaurus.items() for w in (t, *v) if len(w) > 1}
            | (set(chinese_text.read_domain_words()) if use_thesaurus else set()),
            key=len,
        )
        # duties
        self._docs: list[tuple[UnitDoc, DutyDoc, Counter[str]]] = []
        for unit in self.units:
            for duty in unit.duties:
                words = self._tokens(duty.text, search=True)
                # Every known term in the text counts, however jieba cut it.
                words.extend(w for w in self._known_terms if w in duty.text and w not in words)
                self._docs.append((unit, duty, Counter(words)))
        n = len(self._docs) or 1
        self._avgdl = sum(sum(c.values()) for _, _, c in self._docs) / n or 1.0
        df: Counter[str] = Counter()
        for _, _, counts in self._docs:
            df.update(counts.keys())
        self._idf = {w: math.log(1 + (n - d + 0.5) / (d + 0.5)) for w, d in df.items()}
        # past decisions
        known = {u.key for u in self.units}
        self.examples = [
            e for e in examples if e.lead in known or any(s in known for s in e.supporting)
        ]
        example_words = [Counter(self._example_words(e.text)) for e in self.examples]
        edf: Counter[str] = Counter()
        for counts in example_words:
            edf.update(counts.keys())
        for _, _, counts in self._docs:
            edf.update(counts.keys())
        total = len(example_words) + len(self._docs) + 1
        self._eidf = {w: math.log(1 + total / (d + 1)) for w, d in edf.items()}
        self._eidf_default = math.log(1 + total)
        self._example_vectors = [self._vector(c) for c in example_words]

    # words

    def _tokens(self, text: str, *, search: bool = False) -> list[str]:
        return tokenize(text, keep_single=self.singles, plain=not self.use_thesaurus, search=search)

    def _terms_in(self, text: str) -> list[str]:
        """Thesaurus terms found in the text, the longest where they overlap (血铅, not 铅)."""
        if not self.use_thesaurus:
            return []
        found = [t for t in self._long_terms if t in text]
        return [t for t in found if not any(t != o and t in o for o in found)]

    def _example_words(self, text: str) -> list[str]:
        words = self._tokens(text)
        words.extend(t for t in self._terms_in(text) if t not in words)
        return words

    def query_terms(self, text: str) -> dict[str, tuple[float, str]]:
        """Each word to look for in the duties, with its weight and how it was reached."""
        terms: dict[str, tuple[float, str]] = {}

        def put(word: str, weight: float, via: str) -> None:
            if word in STOPWORDS or (len(word) == 1 and word not in self.singles):
                return
            if word not in terms or terms[word][0] < weight:
                terms[word] = (weight, via)

        starts = self._example_words(text)
        for word in starts:
            put(word, 1.0, word)
        if not self.use_thesaurus:
            return terms
        frontier = [(w, 1.0, w) for w in dict.fromkeys(starts) if w in self.thesaurus]
        seen = {w for w, _, _ in frontier}
        for _hop in range(MAX_HOPS):
            following = []
            for word, weight, via in frontier:
                for target, factor in self.links.get(word, ()):
                    w = weight * factor
                    chain = f"{via}→{target}"
                    put(target, w, chain)
                    if target in self.thesaurus and target not in seen:
                        seen.add(target)
                        following.append((target, w, chain))
            frontier = following
        return terms

    def _vector(self, counts: Counter[str]) -> dict[str, float]:
        vector = {
            w: (1 + math.log(c)) * self._eidf.get(w, self._eidf_default) for w, c in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        return {w: v / norm for w, v in vector.items()}

    # scoring

    def _duty_scores(self, terms: dict[str, tuple[float, str]]) -> list[tuple[float, list[str]]]:
        scores = []
        for _, _, counts in self._docs:
            dl = sum(counts.values())
            # One word of the matter counts once per duty, through its best-matching term.
            best: dict[str, float] = {}
            matched = []
            for word, (weight, via) in terms.items():
                tf = counts.get(word)
                if not tf:
                    continue
                idf = self._idf[word]
                part = (
                    weight
                    * idf
                    * tf
                    * (BM25_K1 + 1)
                    / (tf + BM25_K1 * (1 - BM25_B + BM25_B * dl / self._avgdl))
                )
                origin = via.split("→", 1)[0]
                best[origin] = max(best.get(origin, 0.0), part)
                matched.append((part, word, via))
            score = sum(best.values())
            matched.sort(key=lambda m: -m[0])
            shown: list[str] = []
            for _, word, via in matched:
                label = word if via == word else f"{via.split('→', 1)[0]}→{word}"
                if not any(word in s.split("→")[-1] and word != s.split("→")[-1] for s in shown):
                    shown.append(label)
            scores.append((score, shown))
        return scores

    def neighbours(self, text: str) -> list[Neighbour]:
        if not self.examples:
            return []
        query = self._vector(Counter(self._example_words(text)))
        found = []
        for example, vector in zip(self.examples, self._example_vectors, strict=True):
            similarity = sum(v * vector.get(w, 0.0) for w, v in query.items())
            if similarity >= MIN_SIMILARITY:
                found.append(Neighbour(example.text, similarity, example.lead, example.supporting))
        found.sort(key=lambda n: -n.similarity)
        return found[:NEIGHBOURS]

    def route(self, text: str, *, examples: bool = True) -> Routing:
        text = (text or "").strip()
        terms = self.query_terms(text)
        duty_scores = self._duty_scores(terms)
        per_unit: dict[int, list[tuple[float, DutyDoc, list[str]]]] = {}
        for (unit, duty, _), (score, matched) in zip(self._docs, duty_scores, strict=True):
            per_unit.setdefault(unit.key, []).append((score, duty, matched))
        raw: dict[int, float] = {}
        for unit in self.units:
            best = sorted((s for s, _, _ in per_unit.get(unit.key, [])), reverse=True)
            raw[unit.key] = (best[0] if best else 0.0) + SECOND_DUTY_SHARE * (
                best[1] if len(best) > 1 else 0.0
            )
        top_raw = max(raw.values(), default=0.0)
        near = self.neighbours(text) if examples else []
        votes: dict[int, float] = {}
        evidence = sum(n.similarity for n in near)
        for n in near:
            if n.lead is not None:
                votes[n.lead] = votes.get(n.lead, 0.0) + n.similarity
            for key in n.supporting:
                votes[key] = votes.get(key, 0.0) + n.similarity * SUPPORT_VOTE
        share = BLEND * evidence / (evidence + EVIDENCE_PRIOR) if near else 0.0
        units: list[UnitScore] = []
        for unit in self.units:
            duty_part = raw[unit.key] / top_raw if top_raw > 0 else 0.0
            vote = votes.get(unit.key, 0.0) / evidence if evidence else 0.0
            matches = [
                DutyMatch(d.number, d.label, d.text, round(s, 3), m)
                for s, d, m in sorted(per_unit.get(unit.key, []), key=lambda x: -x[0])
                if s > 0
            ]
            units.append(
                UnitScore(
                    key=unit.key,
                    name=unit.name,
                    score=duty_part + share * vote,
                    duty_score=raw[unit.key],
                    vote=vote,
                    duties=matches,
                )
            )
        order = {u.key: i for i, u in enumerate(self.units)}
        units.sort(key=lambda u: (-u.score, order[u.key]))
        confident = top_raw >= CONFIDENT_SCORE or (
            bool(near) and near[0].similarity >= CONFIDENT_SIMILARITY
        )
        if confident and units and units[0].score > 0:
            units[0].role = "lead"
            cut = units[0].score * SUPPORT_SHARE
            for other in units[1 : 1 + MAX_SUPPORT]:
                if other.score >= cut and other.score > 0:
                    other.role = "support"
        return Routing(text=text, units=units, confident=confident, neighbours=near)
