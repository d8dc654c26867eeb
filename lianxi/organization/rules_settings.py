"""The cadences and deadlines a rules document sets (四(三), 三(一)1), read from its clauses.

The annual cycle and the plenary watch run on settings, not on Xinyang's numbers in code: the
importer looks for the sentence that sets the plenary's cadence (全体会议原则上每年召开一次 /
每年至少召开两次 / 每半年召开一次 / 每季度召开一次) and the one that sets the annual submission
(每年1月15日前……报送上年度工作总结、本年度重点工作计划及……议题建议), and keeps the anchor of the
clause each came from. What a document does not say stays None, and the secretariat is asked.

Only a sentence is read, never the whole clause: "每半年向联席会议办公室报送一次工作进展情况" in the
same clause as the plenary is a progress report, not a plenary cadence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Protocol

from lianxi.core.numbering import cn_to_int

PARTS = ("summary", "plan", "topics")
PART_WORDS = {"summary": ("总结",), "plan": ("计划", "要点"), "topics": ("议题",)}

# --- the settings as the secretariat reads them ------------------------------------------------

RULE_SETTINGS = ("plenary_per_year", "annual_submission_deadline", "annual_submission_parts")
SETTING_LABELS = {
    "plenary_per_year": "全体会议每年召开次数",
    "annual_submission_deadline": "年度材料报送截止日",
    "annual_submission_parts": "年度报送内容",
    "annual_cycle_opens": "年度报送启动日",
    "annual_deadline_shift": "截止日遇节假日顺延",
    "annual_reminder_workdays": "截止前提醒（工作日）",
    "plenary_warning_percent": "全体会议提醒时点",
}
PART_NAMES = {"summary": "上年度工作总结", "plan": "本年度重点工作计划", "topics": "议题建议"}
PLENARY_CHOICES = {1: "每年一次", 2: "每半年一次", 4: "每季度一次"}


def plenary_text(value: int | None) -> str:
    if value is None:
        return "未规定"
    return PLENARY_CHOICES.get(value, f"每年{value}次")


def month_day_text(value: str | None) -> str:
    if not value:
        return "未规定"
    month, day = value.split("-")
    return f"每年{int(month)}月{int(day)}日前"


def setting_text(name: str, value: Any) -> str:
    """A setting as the secretariat reads it."""
    if name == "plenary_per_year":
        return plenary_text(value)
    if name in ("annual_submission_deadline", "annual_cycle_opens"):
        return month_day_text(value)
    if name == "annual_submission_parts":
        return "、".join(PART_NAMES[p] for p in value if p in PART_NAMES) or "未规定"
    if name == "annual_deadline_shift":
        return "顺延至下一工作日" if value else "不顺延"
    if name == "annual_reminder_workdays":
        return "、".join(f"前{n}个工作日" for n in value) or "不提醒"
    if name == "plenary_warning_percent":
        return f"周期过去{value}%时"
    return str(value)


# --- reading them from the rules ---------------------------------------------------------------

_SENTENCE_RE = re.compile(r"[^。；;！!\n]+")
_NUMBER = r"[0-9０-９]{1,2}|[一二两三四五六七八九十]{1,3}"
_PER_YEAR_RE = re.compile(
    rf"每(?:一)?年(?:度)?(?:原则上|至少|一般|不少于)?(?:召开|举行)?(?:全体会议|会议)?(?:至少|不少于)?"
    rf"(?:召开|举行)?(?P<n>{_NUMBER})次"
)
_HALF_YEAR_RE = re.compile(r"每半年|每年(?:上、下半年|上下半年)各")
_QUARTER_RE = re.compile(r"每(?:个)?季度")
_DEADLINE_RE = re.compile(
    rf"每年(?:的)?(?P<month>{_NUMBER})月(?P<day>{_NUMBER})日(?:前|之前|以前|止)"
)


_FRAGMENT_RE = re.compile(r"[，,]")


class _Clause(Protocol):
    anchor: str
    heading: str
    text: str


@dataclass
class RulesSettings:
    plenary_per_year: int | None = None
    annual_submission_deadline: str | None = None  # "MM-DD"
    annual_submission_parts: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        """The settings the document did not give: the secretariat is asked for these."""
        missing = []
        if self.plenary_per_year is None:
            missing.append("plenary_per_year")
        if self.annual_submission_deadline is None:
            missing.append("annual_submission_deadline")
        if not self.annual_submission_parts:
            missing.append("annual_submission_parts")
        return missing

    def to_json(self) -> dict[str, Any]:
        return {
            "plenary_per_year": self.plenary_per_year,
            "annual_submission_deadline": self.annual_submission_deadline,
            "annual_submission_parts": list(self.annual_submission_parts),
            "sources": dict(self.sources),
        }


def _number(text: str) -> int:
    text = unicodedata.normalize("NFKC", text)
    return int(text) if text.isdigit() else cn_to_int(text)


def _sentences(clause: _Clause) -> list[str]:
    # A clause headed "全体会议" whose text says "每年至少召开一次" names the plenary in its
    # heading only: the heading is read as the first sentence's subject.
    heading = (clause.heading or "").strip()
    sentences = [s.strip() for s in _SENTENCE_RE.findall(clause.text or "") if s.strip()]
    if heading and sentences and "全体会议" in heading and "全体会议" not in sentences[0]:
        sentences[0] = heading + sentences[0]
    elif heading:
        sentences.insert(0, heading)
    return sentences


def _plenary_cadence(sentence: str) -> int | None:
    """The plenaries a year a sentence sets, when it is about the plenary.

    Read fragment by fragment (between commas): the cadence must stand in a fragment that names
    the plenary, before or after the noun (全体会议每年召开一次 / 每年召开一次全体会议), so that
    "全体会议每年召开一次，成员单位每半年报送" or "……，专题会议每季度召开" lend it no other cadence.
    """
    for fragment in _FRAGMENT_RE.split(sentence):
        if "全体会议" not in fragment or not re.search("召开|举行", fragment):
            continue
        found = [
            (m.start(), value, m)
            for pattern, value in ((_QUARTER_RE, 4), (_HALF_YEAR_RE, 2), (_PER_YEAR_RE, 0))
            if (m := pattern.search(fragment))
        ]
        if not found:
            continue
        _, value, match = min(found, key=lambda f: f[0])
        if value:
            return value
        count = _number(match.group("n"))  # 每年N次
        return count if 1 <= count <= 12 else None
    return None


def _submission(sentence: str) -> tuple[str, list[str]] | None:
    """The deadline ("MM-DD") and the parts of an annual submission a sentence sets."""
    match = _DEADLINE_RE.search(sentence)
    if match is None or not re.search("报送|报|提交|上报", sentence[match.end() :]):
        return None
    after = sentence[match.end() :]
    if re.search("半年|季度", after):
        return None  # 每年7月15日前报送上半年工作总结: a report of part of the year
    parts = [part for part in PARTS if any(word in after for word in PART_WORDS[part])]
    if not parts:
        return None
    month, day = _number(match.group("month")), _number(match.group("day"))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{month:02d}-{day:02d}", parts


def rules_settings_read(clauses: list[Any]) -> RulesSettings:
    """The first clause, in document order, that sets each setting gives it (and its anchor)."""
    found = RulesSettings()
    for clause in clauses:
        for sentence in _sentences(clause):
            if found.plenary_per_year is None:
                cadence = _plenary_cadence(sentence)
                if cadence is not None:
                    found.plenary_per_year = cadence
                    found.sources["plenary_per_year"] = clause.anchor
            if found.annual_submission_deadline is None:
                submission = _submission(sentence)
                if submission is not None:
                    found.annual_submission_deadline, found.annual_submission_parts = submission
                    found.sources["annual_submission_deadline"] = clause.anchor
                    found.sources["annual_submission_parts"] = clause.anchor
    return found
