"""Reads of the annual cycle: the completeness board, the topics grouped, a plan compared with
its year's summary, and the plenary cadence watched (四(三), 三(一)1)."""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from lianxi.chinese_text import segments
from lianxi.core.calendar import workdays_after, workdays_between
from lianxi.meetings.models import Meeting
from lianxi.organization.models import Mechanism
from lianxi.organization.selectors import mechanism_settings
from lianxi.search.text import tokenizer

from .models import (
    PART_LABELS,
    PARTS,
    AnnualCycle,
    AnnualSubmission,
    PartStatus,
    PlanTask,
    TopicProposal,
)

# Topic proposals whose words overlap at least this much (cosine of their TF-IDF weighted word
# counts) are grouped as alike; measured by `make eval-topics` (lianxi/annual/eval).
SIMILAR_AT = 0.35
# Words too common in proposals to tell them apart.
_STOP_TEXT = (
    "关于 建议 提请 研究 推进 加强 进一步 工作 问题 开展 有关 相关 我市 全市 联席会议 "
    "议题 落实 情况 专题 推动 完善 建立 健全 强化 提升 做好 的 和 与 及 等 在 对 了 为 是"
)
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class Cell:
    part: str
    status: str
    label: str
    note: str


@dataclass
class BoardRow:
    submission: AnnualSubmission
    cells: list[Cell]
    complete: bool
    late_workdays: int  # > 0: late by so many working days (sent late, or still missing)


@dataclass
class Board:
    cycle: AnnualCycle
    rows: list[BoardRow]
    counts: dict[str, int]  # per state, over every cell
    complete: int
    late: int


def cycles(mechanism_id: int) -> QuerySet[AnnualCycle]:
    return AnnualCycle.objects.filter(mechanism_id=mechanism_id).order_by("-year")


@dataclass
class CycleDue:
    """What a running cycle asks of the secretariat today: units late, parts awaiting review."""

    cycle: AnnualCycle
    late: int = 0
    review: int = 0


def cycles_due(mechanism_id: int, today: date) -> list[CycleDue]:
    """The secretariat's side of the cycles whose deadline falls this year or later, oldest
    first: the home panel's counts, as the board counts them (late: not complete by
    completed_at after the deadline; review: parts sent and not yet confirmed or returned)."""
    by_cycle: dict[int, CycleDue] = {}
    for s in (
        AnnualSubmission.objects.filter(
            cycle__mechanism_id=mechanism_id, cycle__deadline__gte=date(today.year, 1, 1)
        )
        .select_related("cycle")
        .only("cycle__year", "cycle__deadline", "completed_at", *(f"{p}_status" for p in PARTS))
    ):
        row = by_cycle.setdefault(s.cycle_id, CycleDue(cycle=s.cycle))
        if s.completed_at is None and today > s.cycle.deadline:
            row.late += 1
        row.review += sum(s.status_of(p) == PartStatus.SENT for p in PARTS)
    return sorted(by_cycle.values(), key=lambda r: r.cycle.year)


def unit_open_submissions(unit_id: int, limit: int = 2) -> list[AnnualSubmission]:
    """A unit's submissions with a part not yet with the secretariat, newest cycle first."""
    open_ = Q()
    for part in PARTS:
        open_ |= ~Q(**{f"{part}_status__in": [PartStatus.SENT, PartStatus.CONFIRMED]})
    return list(
        AnnualSubmission.objects.filter(unit_id=unit_id)
        .filter(open_)
        .select_related("cycle")
        .order_by("-cycle__year")[:limit]
    )


def late_workdays(submission: AnnualSubmission, cycle: AnnualCycle, today: date) -> int:
    """Working days past the deadline: when the last part arrived, or till today if not yet."""
    if submission.completed_at is not None:
        done = timezone.localtime(submission.completed_at).date()
        return max(0, workdays_between(cycle.deadline, done))
    return max(0, workdays_between(cycle.deadline, today))


def board(cycle: AnnualCycle, today: date) -> Board:
    """Units × parts with each state: one query, and one read of the calendar for the late
    flags of every row."""
    submissions = list(cycle.submissions.select_related("unit").order_by("unit__order", "unit_id"))
    ends = [
        timezone.localtime(s.completed_at).date() if s.completed_at else today for s in submissions
    ]
    after = workdays_after(cycle.deadline, max(ends)) if ends and max(ends) > cycle.deadline else []
    rows = []
    counts: Counter[str] = Counter()
    for s, end in zip(submissions, ends, strict=True):
        cells = [
            Cell(
                part=p,
                status=s.status_of(p),
                label=PartStatus(s.status_of(p)).label,
                note=getattr(s, f"{p}_note"),
            )
            for p in PARTS
        ]
        counts.update(c.status for c in cells)
        complete = s.completed_at is not None
        rows.append(
            BoardRow(
                submission=s,
                cells=cells,
                complete=complete,
                late_workdays=bisect_right(after, end),
            )
        )
    return Board(
        cycle=cycle,
        rows=rows,
        counts=dict(counts),
        complete=sum(r.complete for r in rows),
        late=sum(1 for r in rows if r.late_workdays > 0 and not r.complete),
    )


# --- topics ------------------------------------------------------------------------------------


def _words(text: str) -> Counter[str]:
    return Counter(
        w
        for w in segments(tokenizer(), text, search=True)
        if len(w) >= 2 and w not in STOP_WORDS and not w.isdigit()
    )


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(n * b.get(w, 0.0) for w, n in a.items())
    return dot / (
        math.sqrt(sum(n * n for n in a.values())) * math.sqrt(sum(n * n for n in b.values()))
    )


def similarity(a: str, b: str) -> float:
    """Cosine of the two texts' word counts (jieba, search mode; common words left out)."""
    return _cosine(_words(a), _words(b))


def clusters(texts: list[str], at: float | None = None) -> list[list[int]]:
    """The texts' indices in groups: single link over cosine ≥ `at` (SIMILAR_AT), each group in
    the texts' order, the groups in the order of their first text."""
    return _clusters([_words(t) for t in texts], SIMILAR_AT if at is None else at)


def _clusters(counts: list[Counter[str]], threshold: float) -> list[list[int]]:
    # Weighted by rarity among the proposals (TF-IDF): in a joint meeting on occupational
    # disease nearly every topic says 职业健康 or 职业病危害, and single link would chain all of
    # them through those words (make eval-topics: development F1 0.485 unweighted, 0.636 weighted).
    seen_in = Counter(w for c in counts for w in set(c))
    n = len(counts)
    words = [
        {w: k * (math.log((n + 1) / (seen_in[w] + 1)) + 1) for w, k in c.items()} for c in counts
    ]
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if _cosine(words[i], words[j]) >= threshold:
                parent[find(j)] = find(i)
    grouped: dict[int, list[int]] = {}
    for i in range(n):
        grouped.setdefault(find(i), []).append(i)
    return list(grouped.values())


@dataclass
class TopicGroup:
    proposals: list[TopicProposal]
    shared_words: list[str] = field(default_factory=list)

    @property
    def units(self) -> list[Any]:
        return list(dict.fromkeys(p.submission.unit for p in self.proposals))

    @property
    def undecided(self) -> list[TopicProposal]:
        """The proposals still to be accepted or declined: what the group's forms act on."""
        return [p for p in self.proposals if p.status == TopicProposal.Status.PROPOSED]


def sent_topics(cycle: AnnualCycle) -> list[TopicProposal]:
    return list(
        TopicProposal.objects.filter(
            submission__cycle=cycle,
            submission__topics_status__in=[PartStatus.SENT, PartStatus.CONFIRMED],
        )
        .select_related("submission__unit", "agenda_item__meeting")
        .order_by("submission__unit__order", "submission__unit_id", "order")
    )


def topic_groups(cycle: AnnualCycle) -> list[TopicGroup]:
    """The sent proposals of all units, like ones together (single link over SIMILAR_AT); the
    largest groups first, then in the units' order."""
    proposals = sent_topics(cycle)
    words = [_words(f"{p.title} {p.description}") for p in proposals]
    groups = []
    for members in _clusters(words, SIMILAR_AT):
        shared: Counter[str] = Counter()
        if len(members) > 1:
            for i in members:
                shared.update(set(words[i]))
        groups.append(
            TopicGroup(
                proposals=[proposals[i] for i in members],
                shared_words=_shown(shared),
            )
        )
    groups.sort(key=lambda g: (-len(g.proposals), min(proposals.index(p) for p in g.proposals)))
    return groups


def _shown(shared: Counter[str], limit: int = 5) -> list[str]:
    """The words the group's proposals share, most shared and longest first, a word inside a
    longer one shown (尘肺 within 尘肺病) left out."""
    words = sorted((w for w, n in shared.items() if n > 1), key=lambda w: (-shared[w], -len(w), w))
    shown: list[str] = []
    for word in words:
        if not any(word in longer for longer in shown):
            shown.append(word)
    return shown[:limit]


def plenaries_open(mechanism_id: int) -> list[Meeting]:
    """The plenaries a topic may be put on: not held, not cancelled."""
    return list(
        Meeting.objects.filter(
            mechanism_id=mechanism_id,
            kind=Meeting.Kind.PLENARY,
            status__in=[Meeting.Status.DRAFT, Meeting.Status.NOTIFIED],
        ).order_by("starts_at")
    )


# --- a plan and its summary --------------------------------------------------------------------


@dataclass
class TaskReview:
    task: PlanTask
    said: list[str]  # the summary's sentences about the task


def _sentences(text: str) -> list[str]:
    out, current = [], ""
    for ch in text:
        current += ch
        if ch in "。；;！!？?\n":
            if current.strip():
                out.append(current.strip())
            current = ""
    if current.strip():
        out.append(current.strip())
    return out


def plan_reviewed(submission: AnnualSubmission) -> tuple[AnnualSubmission | None, list[TaskReview]]:
    """The same unit's plan of the year before (the year this summary accounts for), each task
    with the summary's sentences that speak of it and the action item made of it."""
    previous = (
        AnnualSubmission.objects.filter(
            cycle__mechanism_id=submission.cycle.mechanism_id,
            cycle__year=submission.cycle.year - 1,
            unit_id=submission.unit_id,
        )
        .prefetch_related(
            Prefetch(
                "tasks",
                queryset=PlanTask.objects.select_related("lead_unit", "action_item").order_by(
                    "order"
                ),
            )
        )
        .first()
    )
    if previous is None or not previous.sent("plan"):
        return previous, []
    sentences = _sentences(submission.summary)
    reviews = []
    for task in previous.tasks.all():
        said = [s for s in sentences if similarity(task.title, s) >= SIMILAR_AT]
        reviews.append(TaskReview(task=task, said=said))
    return previous, reviews


# --- the plenary cadence (三(一)1) --------------------------------------------------------------


@dataclass(frozen=True)
class PlenaryWatch:
    per_year: int | None
    period_start: date
    period_end: date
    elapsed_percent: int
    held_or_scheduled: bool
    warn: bool
    source: str


def plenary_watch(mechanism: Mechanism, today: date) -> PlenaryWatch:
    """三(一)1: the rules' plenary cadence (once a year, each half-year, each quarter) against the
    plenaries held or scheduled in the current period; warn once the period is well advanced
    (the configured share of it) and none is."""
    settings = mechanism_settings(mechanism)
    per_year = settings.plenary_per_year
    months = 12 // per_year if per_year in (1, 2, 3, 4, 6, 12) else 12
    first_month = ((today.month - 1) // months) * months + 1
    start = date(today.year, first_month, 1)
    end_month = first_month + months
    end = date(today.year + 1, 1, 1) if end_month > 12 else date(today.year, end_month, 1)
    span = (end - start).days
    elapsed = round(100 * (today - start).days / span)
    # The meetings are read only when the answer could warn: the home page asks every time.
    could_warn = per_year is not None and elapsed >= settings.plenary_warning_percent
    held = could_warn and (
        Meeting.objects.filter(
            mechanism=mechanism,
            kind=Meeting.Kind.PLENARY,
            starts_at__date__gte=start,
            starts_at__date__lt=end,
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .exists()
    )
    return PlenaryWatch(
        per_year=per_year,
        period_start=start,
        period_end=end,
        elapsed_percent=elapsed,
        held_or_scheduled=held,
        warn=could_warn and not held,
        source=settings.sources.get("plenary_per_year", ""),
    )


__all__ = ["PART_LABELS"]
