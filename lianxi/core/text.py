"""One input policy for text and dates, at the boundary (pages and API), and one-line outputs.

Every text a person or another system sends is one of three kinds:

- **one line** (a title, name, subject, phone, place, reason given in an input box): no line
  breaks and no control characters at all — tab included, since a tab in a title is always a
  paste accident and becomes an odd gap in a Subject, a file name or a CAP headline;
- **paragraph** (a description, progress text, minutes): line breaks (``\\n``, ``\\r``) and tabs
  kept (text pasted from a spreadsheet or a Word table has tabs), no other control character;
- **link**: one line, and only an absolute ``http://`` or ``https://`` address.

Refused everywhere: NUL (PostgreSQL cannot store it: a 500 before), the other C0 controls, DEL,
the C1 controls (U+0080–U+009F, U+0085 included: a "next line"), U+2028/U+2029 (line and
paragraph separators: line breaks to mail and calendar software) in one-line text, the
non-characters U+FFFE/U+FFFF and lone surrogates (not encodable as UTF-8: a 500 when written).

Dates are bounded to 2000-01-01 … 2100-12-31 (``DATE_MIN``/``DATE_MAX``): a deadline of
9999-12-31 broke every calendar feed it was in (the day after it is not a date) and year 0001
is a typing slip, never an occupational-hazard incident.

One-line outputs (a mail Subject, a file name, an ICS SUMMARY, a CAP headline) are built from
``one_line(text)``, so that a value stored before this policy — or by any path that skipped it —
cannot break a channel.

The page side is ``lianxi.core.forms.TextPolicyMixin``; the API side is ``lianxi.api.text``.
"""

import re
import unicodedata
from datetime import date, datetime
from typing import Literal
from urllib.parse import urlsplit

from lianxi.core.exceptions import ApplicationError

Kind = Literal["line", "paragraph", "link"]

DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2100, 12, 31)
DATE_RANGE_TEXT = "2000-01-01 至 2100-12-31"

# The longest text a field without its own limit takes: a one-line field, a paragraph field (a
# description, a progress report, a reason), and the minutes' text.
LINE_MAX = 1_000
PARAGRAPH_MAX = 20_000
MINUTES_MAX = 50_000

# Characters no text may hold, whatever its kind.
_ALWAYS_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
# Characters a one-line text may not hold on top of those.
_LINE_BAD = re.compile("[\t\n\r\u2028\u2029]")
# What one_line() folds into a single space.
_FOLD = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff\\s]+")

_NAMES = {
    "\x00": "空字符（NUL）",
    "\t": "制表符",
    "\n": "换行",
    "\r": "回车符",
    "\u2028": "换行",
    "\u2029": "换行",
}


def _describe(char: str) -> str:
    return _NAMES.get(char, f"控制字符（U+{ord(char):04X}）")


def text_problem(value: str, kind: Kind = "line") -> str | None:
    """What is wrong with `value` as text of this kind, in Chinese; None when it is fine.

    The message says what to do; the caller names the field (a form error sits under it,
    the API names it in ``loc``).
    """
    bad = _ALWAYS_BAD.search(value)
    if bad is not None:
        return f"含有不能保存的{_describe(bad.group())}，请删除后重新填写（可从纯文本中重新复制）。"
    if kind in ("line", "link"):
        bad = _LINE_BAD.search(value)
        if bad is not None:
            if bad.group() == "\t":
                return "不能包含制表符，请改为空格。"
            return "应为一行文字，不能换行，请删除其中的换行。"
    if kind == "link" and value and link_problem(value):
        return link_problem(value)
    return None


def clean_text(
    value: str, label: str, max_length: int, *, required: bool = True, kind: Kind = "line"
) -> str:
    """`value` stripped and checked for a service that takes a field without a form (a heading,
    who actually came, a document's paragraphs): the input policy (`text_problem`), required,
    at most `max_length` characters; else ApplicationError naming `label`, in Chinese."""
    value = (value or "").strip()
    problem = text_problem(value, kind)
    if problem is not None:
        raise ApplicationError(f"{label}{problem}")
    if required and not value:
        raise ApplicationError(f"请填写{label}。")
    if len(value) > max_length:
        raise ApplicationError(f"{label}不能超过 {max_length} 个字。")
    return value


def link_problem(value: str) -> str | None:
    """An input link must be an absolute http(s) address (javascript:, data:, file: … refused)."""
    if re.search(r"\s", value):
        return "链接中不能有空格或换行，请删除后重新填写。"
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return "链接应为以 http:// 或 https:// 开头的网址。"
    return None


def safe_href(value: str) -> str:
    """`value` if it may be rendered as a link (http(s), or a path on this site), else "".

    For templates and outputs: a link stored before the input policy (``javascript:alert(1)``)
    is then shown as text, never as something to click.
    """
    value = (value or "").strip()
    if not value or _ALWAYS_BAD.search(value) or _LINE_BAD.search(value):
        return ""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    parts = urlsplit(value)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return value
    return ""


def one_line(value: str, max_length: int | None = None) -> str:
    """`value` as one line: every run of line breaks, control and space characters becomes one
    space, the ends trimmed; cut to `max_length` (with "…") when given.

    For a Subject, a file name, an ICS SUMMARY, a CAP headline: whatever was stored, the output
    is a single line a mail server, a calendar or a hospital's system accepts.
    """
    text = _FOLD.sub(" ", unicodedata.normalize("NFC", value or "")).strip()
    if max_length is not None and len(text) > max_length:
        text = text[: max(max_length - 1, 0)].rstrip() + "…"
    return text


def date_problem(value: date | datetime) -> str | None:
    """Dates (and times) outside 2000-01-01 … 2100-12-31 are refused, in Chinese."""
    day = value.date() if isinstance(value, datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        return f"日期应在 {DATE_RANGE_TEXT} 之间。"
    return None


def date_in_range(value: date | datetime | None) -> bool:
    """For outputs reading stored values: True when `value` is inside the bounded range."""
    return value is not None and date_problem(value) is None
