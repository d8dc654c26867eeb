"""The information and brief endpoints (三(四)1, 三(四)3): a unit's report drafted, sent and
reviewed; a brief created, issued (its 期号 an integer) and downloaded; the figures; the same
access as the pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pdfplumber
import pytest
from django.test import Client
from docx import Document

from lianxi.bulletins.models import Brief, InfoReport
from lianxi.conftest import _person
from lianxi.organization.models import Membership

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/info-reports"
BRIEFS = "/api/v1/briefs"


@pytest.fixture
def hrss_pair(other_liaison: Any, unit_named: Any) -> tuple[Any, Any]:
    member = _person(
        "hrssboss", "钱局长", unit_named("市人力资源和社会保障局"), Membership.Role.MEMBER
    )
    return other_liaison, member


@pytest.fixture
def union_pair(union_liaison: Any, unit_named: Any) -> tuple[Any, Any]:
    return union_liaison, _person(
        "unionboss", "孙主席", unit_named("市总工会"), Membership.Role.MEMBER
    )


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def _report(api_as: Callable[[Any], Client], pair: Any, title: str, **extra: Any) -> dict[str, Any]:
    liaison, member = pair
    response = post(
        api_as(liaison), REPORTS, {"title": title, "body": "第一段。\n第二段。", **extra}
    )
    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert body["status"] == "draft"
    sent = post(api_as(liaison), f"{REPORTS}/{body['id']}/send")
    assert sent.json()["status"] == "awaiting_member"
    sent = post(api_as(member), f"{REPORTS}/{body['id']}/send")
    assert sent.status_code == 200 and sent.json()["status"] == "sent"
    return dict(sent.json())


def test_a_report_through_the_api_from_draft_to_adoption_三_四_1(
    api_as: Callable[[Any], Client], hrss_pair: Any, union_pair: Any, clerk: Any
) -> None:
    """三(四)1: POST /info-reports (the unit's), send twice (liaison, member), review by the
    secretariat; refusals in Chinese; another unit 404, the secretariat cannot draft."""
    report = _report(api_as, hrss_pair, "人社局开展帮扶", kind="经验做法")
    assert report["kind"] == "experience"
    union = api_as(union_pair[0])
    assert union.get(f"{REPORTS}/{report['id']}").status_code == 404
    assert post(union, f"{REPORTS}/{report['id']}/send").status_code == 404
    assert post(api_as(clerk), REPORTS, {"title": "办公室", "body": "正文"}).status_code == 403
    office = api_as(clerk)
    refused = post(office, f"{REPORTS}/{report['id']}/review", {"decision": "return"})
    assert refused.status_code == 400 and "请填写退回意见" in refused.json()["detail"]
    assert (
        post(office, f"{REPORTS}/{report['id']}/review", {"decision": "maybe"}).status_code == 422
    )
    adopted = post(
        office, f"{REPORTS}/{report['id']}/review", {"decision": "采用", "adopted_as": "exchange"}
    )
    assert adopted.status_code == 200, adopted.content.decode()
    assert (adopted.json()["status"], adopted.json()["adopted_as"]) == ("adopted", "exchange")
    assert (
        post(
            api_as(hrss_pair[1]), f"{REPORTS}/{report['id']}/review", {"decision": "adopt"}
        ).status_code
        == 403
    )
    draft = post(api_as(hrss_pair[0]), REPORTS, {"title": "草稿", "body": "正文"}).json()
    assert office.get(f"{REPORTS}/{draft['id']}").status_code == 404  # a draft is the unit's


def test_a_brief_created_issued_and_downloaded_through_the_api_三_四_1(
    api_as: Callable[[Any], Client], hrss_pair: Any, union_pair: Any, clerk: Any
) -> None:
    """三(四)1: POST /briefs answers its id; POST /briefs/{id}/issue answers issue_number as an
    integer, the next of the year; the .docx and .pdf carry the brief's name and number."""
    report = _report(api_as, hrss_pair, "人社局开展帮扶")
    office = api_as(clerk)
    post(office, f"{REPORTS}/{report['id']}/review", {"decision": "adopt"})
    created = post(
        office,
        BRIEFS,
        {
            "title": "一季度工作动态",
            "articles": [
                {"source_report_id": report["id"]},
                {"title": "办公室开展督导", "body": "督导一段。"},
            ],
            "report_to": "市政府办公室",
            "issue_to": "联席会议各成员单位",
            "copies": 60,
        },
    )
    assert created.status_code == 201, created.content.decode()
    brief = created.json()
    assert brief["id"] and brief["issue_number"] is None and len(brief["articles"]) == 2
    assert brief["articles"][0]["source_unit"]["name"] == "市人力资源和社会保障局"
    assert api_as(union_pair[0]).get(f"{BRIEFS}/{brief['id']}").status_code == 404  # a draft
    assert post(api_as(union_pair[0]), f"{BRIEFS}/{brief['id']}/issue").status_code == 404
    issued = post(office, f"{BRIEFS}/{brief['id']}/issue")
    assert issued.status_code == 200, issued.content.decode()
    assert issued.json()["issue_number"] == 1 and isinstance(issued.json()["issue_number"], int)
    assert issued.json()["issue_label"] == "第1期"
    again = post(office, f"{BRIEFS}/{brief['id']}/issue")
    assert again.status_code == 400 and "印发" in again.json()["detail"]
    second = post(office, BRIEFS, {"title": "二期", "articles": [{"title": "甲", "body": "乙"}]})
    assert post(office, f"{BRIEFS}/{second.json()['id']}/issue").json()["issue_number"] == 2
    unit = api_as(union_pair[0])
    seen = unit.get(f"{BRIEFS}/{brief['id']}")
    assert seen.status_code == 200 and seen.json()["receipts"] == []  # receipts: the office's
    docx = unit.get(f"{BRIEFS}/{brief['id']}/brief.docx")
    assert docx.status_code == 200
    # The docx keeps digits apart from the Chinese with zero-width spaces (no Word autospace).
    text = "\n".join(p.text for p in Document(BytesIO(docx.content)).paragraphs)
    text = text.replace("\u200b", "")
    assert "职业病防治工作简报" in text and "第1期" in text
    pdf = unit.get(f"{BRIEFS}/{brief['id']}/brief.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    with pdfplumber.open(BytesIO(pdf.content)) as document:
        first = document.pages[0].extract_text() or ""
    assert "第1期" in first
    assert Brief.objects.get(pk=brief["id"]).receipts.count() == 16


def test_the_stats_endpoint_gives_each_units_figures_三_四_1(
    api_as: Callable[[Any], Client], hrss_pair: Any, clerk: Any
) -> None:
    report = _report(api_as, hrss_pair, "人社局开展帮扶")
    post(api_as(clerk), f"{REPORTS}/{report['id']}/review", {"decision": "adopt"})
    _report(api_as, hrss_pair, "第二条")
    year = InfoReport.objects.get(pk=report["id"]).first_sent_at.year  # type: ignore[union-attr]
    stats = api_as(clerk).get(f"{REPORTS}/stats?year={year}")
    assert stats.status_code == 200
    row = next(u for u in stats.json()["units"] if u["unit"]["name"] == "市人力资源和社会保障局")
    assert (row["sent"], row["adopted"], row["rate"]) == (2, 1, 50.0)
    assert api_as(hrss_pair[0]).get(f"{REPORTS}/stats?year={year}").status_code == 403
    assert Client().get(f"{REPORTS}/stats?year={year}").status_code == 401


def test_the_government_reader_reads_the_briefs_sent_to_it_and_nothing_else_三_四_1(
    api_as: Callable[[Any], Client], hrss_pair: Any, clerk: Any, gov_reader: Any
) -> None:
    """三(四)1: the government office is on a brief's distribution list: it reads the issued
    brief and its files, not a draft, not the units' reports, and writes nothing."""
    report = _report(api_as, hrss_pair, "人社局开展帮扶")
    office = api_as(clerk)
    draft = post(office, BRIEFS, {"title": "草稿", "articles": [{"title": "甲", "body": "乙"}]})
    issued = post(office, BRIEFS, {"title": "一期", "articles": [{"title": "甲", "body": "乙"}]})
    post(office, f"{BRIEFS}/{issued.json()['id']}/issue")
    gov = api_as(gov_reader)
    assert gov.get(f"{BRIEFS}/{issued.json()['id']}").status_code == 200
    assert gov.get(f"{BRIEFS}/{issued.json()['id']}/brief.pdf").status_code == 200
    assert gov.get(f"{BRIEFS}/{draft.json()['id']}").status_code == 404
    assert gov.get(f"{REPORTS}/{report['id']}").status_code == 404
    assert post(gov, REPORTS, {"title": "政府", "body": "正文"}).status_code == 403
    assert post(gov, f"{BRIEFS}/{draft.json()['id']}/issue").status_code == 404
    assert post(gov, f"{REPORTS}/{report['id']}/review", {"decision": "adopt"}).status_code == 404
    anonymous = Client()
    assert anonymous.get(f"{BRIEFS}/{issued.json()['id']}").status_code == 401
    assert post(anonymous, REPORTS, {"title": "匿名", "body": "正文"}).status_code == 401
