"""The input policy for text and dates (issue 17, "text at one boundary"; GB/T 22239-2019
8.1.4.x 数据完整性 / 软件容错: what is entered is checked at the boundary, in Chinese).

The rule itself (``lianxi.core.text``), the form side (``TextPolicyMixin``) on real forms of the
platform, and the guard that every form of ``lianxi`` follows the policy — so the apps to come
cannot forget it.
"""

from __future__ import annotations

import importlib
import pkgutil
from datetime import date, datetime
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

import lianxi
from lianxi.core.forms import CalendarYearForm, LinkField, TextPolicyMixin, field_text_kind
from lianxi.core.text import (
    DATE_MAX,
    DATE_MIN,
    PARAGRAPH_MAX,
    date_problem,
    link_problem,
    one_line,
    safe_href,
    text_problem,
)
from lianxi.incidents.forms import IncidentForm
from lianxi.meetings.forms import MaterialForm
from lianxi.supervision.forms import ActionItemForm

# --- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9f", "\ufffe", "\uffff", "\ud800"]
)
def test_no_text_may_hold_a_control_character(bad: str) -> None:
    """GB/T 22239 8.1.4.x: NUL (a 500 on PostgreSQL), C0/C1 controls, non-characters and lone
    surrogates are refused in every kind of text, with a Chinese message."""
    for kind in ("line", "paragraph", "link"):
        problem = text_problem(f"甲{bad}乙", kind)  # type: ignore[arg-type]
        assert problem is not None and "删除" in problem


def test_line_breaks_and_tabs_only_in_paragraphs() -> None:
    """Issue 17: a line break in a title stops every e-mail about the record — one-line text
    refuses it (and a tab); paragraph text keeps both."""
    for text in ("第一行\n第二行", "第一行\r\n第二行", "甲\r乙", "甲\u2028乙", "甲\u2029乙"):
        assert "换行" in (text_problem(text, "line") or "")
        assert (
            text_problem(text.replace("\u2028", "\n").replace("\u2029", "\n"), "paragraph") is None
        )
    assert text_problem("甲\t乙", "line") == "不能包含制表符，请改为空格。"
    assert text_problem("甲\t乙", "paragraph") is None
    assert text_problem("2026年 第一次 全体会议（含「引号」）", "line") is None


def test_links_only_http_and_https() -> None:
    """Issue 17: a ``javascript:`` link was accepted as an action item's source link."""
    bad_links = ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "file:///etc"]
    bad_links += ["//evil.example/x", "/relative", "http://", "www.example.org", "http://a b"]
    for bad in bad_links:
        assert link_problem(bad) is not None, bad
        assert text_problem(bad, "link") is not None, bad
    for good in ("http://www.gov.cn/zhengce/", "HTTPS://xy.gov.cn/a?b=1#c"):
        assert link_problem(good) is None and text_problem(good, "link") is None


def test_safe_href_renders_only_http_links_and_site_paths() -> None:
    """Issue 17: a stored ``javascript:`` link is shown as text, never as a link."""
    assert safe_href("javascript:alert(1)") == ""
    assert safe_href(" javascript:alert(1)") == ""
    assert safe_href("//evil.example/") == ""
    assert safe_href("/\\evil.example/") == ""
    assert safe_href("http://a\n.example/") == ""
    assert safe_href("https://xy.gov.cn/a") == "https://xy.gov.cn/a"
    assert safe_href("/meetings/minutes/3/") == "/meetings/minutes/3/"


def test_one_line_folds_every_break_and_control_into_one_space() -> None:
    """Issue 17: subjects and other one-line outputs are made from a one-line form of the text,
    so no stored value can break a channel."""
    assert one_line("  关于\r\n召开\t全体会议\x00的\u2028通知\x85 ") == "关于 召开 全体会议 的 通知"
    assert one_line("") == ""
    assert one_line("甲" * 10, max_length=5) == "甲甲甲甲…"


def test_dates_bounded_to_2000_2100() -> None:
    """Issue 17: a deadline of 9999-12-31 and incidents dated year 0001 were accepted."""
    assert date_problem(DATE_MIN) is None and date_problem(DATE_MAX) is None
    for bad in (date(1999, 12, 31), date(2101, 1, 1), date(1, 1, 1), date(9999, 12, 31)):
        assert date_problem(bad) == "日期应在 2000-01-01 至 2100-12-31 之间。"
    assert date_problem(datetime(1, 1, 1, 8, 0)) is not None


# --- the form side, on the platform's own forms --------------------------------------------

INCIDENT = {
    "title": "某公司一氧化碳中毒事故",
    "occurred_at": "2026-11-30T09:00",
    "first_reported_at": "2026-11-30T10:00",
    "location": "某区某路 1 号",
    "enterprise_name": "某公司",
    "credit_code": "91411500MA44XXXX0X",
    "hazard": "chemical",
    "onset": "3 人头晕\n1 人昏迷",
}


def test_incident_form_refuses_nul_line_break_and_year_0001_under_the_field() -> None:
    """Issue 17 (pages): NUL, a line break in a title and year 0001 are form errors on the
    field, in Chinese; a paragraph keeps its line breaks."""
    assert IncidentForm(data=INCIDENT).is_valid()
    form = IncidentForm(data={**INCIDENT, "location": "某区\x00某路"})
    assert not form.is_valid() and "空字符（NUL）" in form.errors["location"][0]
    form = IncidentForm(data={**INCIDENT, "title": "某公司\n中毒事故"})
    assert not form.is_valid() and "不能换行" in form.errors["title"][0]
    form = IncidentForm(data={**INCIDENT, "occurred_at": "0001-01-01T09:00"})
    assert not form.is_valid() and "2000-01-01 至 2100-12-31" in form.errors["occurred_at"][0]
    form = IncidentForm(data=INCIDENT)
    assert form.is_valid() and form.cleaned_data["onset"] == "3 人头晕\n1 人昏迷"


def test_a_refused_raw_value_never_reaches_the_field(db: Any) -> None:
    """GB/T 22239 8.1.4.x: a control character in any field (a choice, a unit id) is refused
    before the field looks it up, so no lookup sees it (NUL was a 500 on PostgreSQL)."""
    form = ActionItemForm(
        data={"title": "甲", "source": "government", "lead_unit": "1\x00", "deadline": "2027-01-05"}
    )
    assert not form.is_valid()
    assert "空字符（NUL）" in form.errors["lead_unit"][0]


def test_action_item_form_refuses_a_javascript_link_and_a_far_deadline(db: Any) -> None:
    """Issue 17: a ``javascript:`` source link, and a deadline of 9999-12-31."""
    data = {"title": "甲", "source": "government", "feedback_every_workdays": "15"}
    form = ActionItemForm(data={**data, "source_url": "javascript:alert(1)"})
    assert not form.is_valid()
    assert form.errors["source_url"] == ["链接应为以 http:// 或 https:// 开头的网址。"]
    form = ActionItemForm(data={**data, "deadline": "9999-12-31"})
    assert not form.is_valid()
    assert form.errors["deadline"] == ["日期应在 2000-01-01 至 2100-12-31 之间。"]


def test_an_uploaded_file_name_is_one_line() -> None:
    """Issue 17: file names are one-line outputs (a download's Content-Disposition)."""
    upload = SimpleUploadedFile("材料\n第二行.txt", b"x", content_type="text/plain")
    form = MaterialForm(data={"title": ""}, files=MultiValueDict({"file": [upload]}))
    assert not form.is_valid() and str(form.errors["file"][0]).startswith("文件名")


def test_calendar_year_form_refuses_a_control_character_in_its_text() -> None:
    """GB/T 22239 8.1.4.x: a textarea is a paragraph (line breaks kept), controls refused."""
    data = {"year": "2027", "source": "国办发明电〔2026〕1号", "text": "2027-01-01 休 元旦\n"}
    assert CalendarYearForm(data=data).is_valid()
    form = CalendarYearForm(data={**data, "text": "2027-01-01 休\x1b 元旦"})
    assert not form.is_valid() and "U+001B" in form.errors["text"][0]


# --- every form of the platform follows the policy -----------------------------------------


def _all_forms() -> list[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages(lianxi.__path__, "lianxi."):
        parts = info.name.split(".")
        if {"tests", "migrations", "__main__", "testrun", "testing"} & set(parts):
            continue
        importlib.import_module(info.name)
    found: list[type[forms.BaseForm]] = []
    stack: list[type[Any]] = [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        module = cls.__module__
        if module.startswith("lianxi.") and ".tests" not in module:
            found.append(cls)
    return found


def test_every_form_in_lianxi_follows_the_text_policy() -> None:
    """Issue 17 ("make it automatic for new code"): every form of ``lianxi`` — the apps to come
    included — inherits ``lianxi.core.forms.Form`` (or ``TextPolicyMixin``); a link field is a
    ``LinkField`` (http(s) only), never a bare CharField or Django's URLField (which takes ftp)."""
    problems = []
    all_forms = _all_forms()
    assert len(all_forms) >= 30  # the walk found the platform's forms
    for cls in all_forms:
        name = f"{cls.__module__}.{cls.__qualname__}"
        if not issubclass(cls, TextPolicyMixin):
            problems.append(f"{name}: inherit lianxi.core.forms.Form (or TextPolicyMixin)")
        for field_name, field in getattr(cls, "base_fields", {}).items():
            looks_like_link = field_name == "url" or field_name.endswith(("_url", "_link"))
            if isinstance(field, forms.URLField) or (
                looks_like_link and field_text_kind(field) != "link"
            ):
                problems.append(f"{name}.{field_name}: use lianxi.core.forms.LinkField")
    assert problems == [], "\n".join(problems)


def test_link_field_is_a_link() -> None:
    assert field_text_kind(LinkField()) == "link"
    assert field_text_kind(forms.CharField(widget=forms.Textarea)) == "paragraph"
    assert field_text_kind(forms.CharField()) == "line"


def test_a_field_without_its_own_limit_takes_at_most_the_policy_s() -> None:
    """Issue 17 (100 000 characters): a paragraph field without max_length takes at most
    PARAGRAPH_MAX characters, a one-line field LINE_MAX, as the API does."""
    data = {"year": "2027", "source": "国办发明电〔2026〕1号"}
    form = CalendarYearForm(data={**data, "text": "甲" * (PARAGRAPH_MAX + 1)})
    assert not form.is_valid()
    message = f"不能超过 {PARAGRAPH_MAX} 个字（现为 {PARAGRAPH_MAX + 1} 个字）。"
    assert form.errors["text"] == [message]
    at_limit = CalendarYearForm(data={**data, "text": "甲" * PARAGRAPH_MAX})
    assert not any("不能超过" in e for e in at_limit.errors.get("text", []))


def test_the_minutes_page_which_posts_without_a_form_refuses_nul_in_a_heading(
    plenary: Any, sec: Any, clerk: Any, login: Any
) -> None:
    """Issue 17 ("a NUL byte … is a 500 on PostgreSQL"), for a page that posts its fields
    without a form (the minutes' section headings): refused with a Chinese message, nothing
    saved (the meetings services' _clean applies the policy)."""
    from lianxi.meetings import services as meetings
    from lianxi.meetings.tests.fixtures import hold

    minutes = meetings.minutes_draft(meeting=hold(plenary, sec), actor=sec)
    section = meetings.minutes_section_add(minutes=minutes, heading="一、会议情况", actor=sec)
    response = login(clerk).post(
        f"/meetings/minutes/{minutes.pk}/edit/",
        {"intro": "", f"heading-{section.pk}": "甲\x00乙", f"discussion-{section.pk}": "乙\x1b"},
        follow=True,
    )
    assert response.status_code == 200
    assert "标题含有不能保存的空字符（NUL）" in response.content.decode()
    section.refresh_from_db()
    assert section.heading == "一、会议情况"
