"""Figures per unit and period (三(四)1): sent, adopted, adoption rate, returned — equal to
counts made here from the records — with a chart and an .xlsx the office opens in WPS/Excel."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from lianxi.conftest import aware
from lianxi.testing.libreoffice import libreoffice_convert

from ..models import InfoReport
from ..selectors import adoption_figures, period_window
from ..services import ArticleIn, brief_create, brief_issue, info_report_review, info_report_send
from .conftest import sent

pytestmark = pytest.mark.django_db


@pytest.fixture
def season(hrss_pair: Any, union_pair: Any, clerk: Any) -> None:
    """人社局: 4 sent in 2027 H1 (2 adopted, one after a return; 1 declined; 1 pending), 1 in
    H2 adopted, 1 in 2026; 总工会: 2 in H1, both adopted and one of them in a brief issued in
    March; 1 draft never sent."""
    review = clerk.membership

    def decide(report: InfoReport, decision: str, when: Any, note: str = "") -> InfoReport:
        return info_report_review(
            actor=review, report=report, decision=decision, note=note, now=when
        )

    a = sent(hrss_pair, "人社一", when=aware(2027, 1, 10))
    decide(a, "adopt", aware(2027, 1, 11))
    b = sent(hrss_pair, "人社二", when=aware(2027, 2, 10))
    decide(b, "return", aware(2027, 2, 11), "请补充。")
    for person in hrss_pair:
        info_report_send(actor=person.membership, report=b, now=aware(2027, 7, 2))
    decide(b, "adopt", aware(2027, 7, 3))
    decide(
        sent(hrss_pair, "人社三", when=aware(2027, 3, 10)), "decline", aware(2027, 3, 11), "重复"
    )
    sent(hrss_pair, "人社四", when=aware(2027, 6, 30, 23, 59))
    decide(sent(hrss_pair, "人社五", when=aware(2027, 7, 1, 0, 1)), "adopt", aware(2027, 7, 2))
    sent(hrss_pair, "人社去年", when=aware(2026, 12, 31, 23))
    u1 = decide(sent(union_pair, "工会一", when=aware(2027, 2, 1)), "adopt", aware(2027, 2, 2))
    decide(sent(union_pair, "工会二", when=aware(2027, 2, 3)), "adopt", aware(2027, 2, 4))
    from .conftest import drafted

    drafted(union_pair[0], "工会草稿")
    brief = brief_create(
        actor=review, title="三月简报", articles=[ArticleIn(source_report_id=u1.pk)]
    )
    brief_issue(actor=review, brief=brief, now=aware(2027, 3, 5))


def _counted(unit_name: str, year: int, period: str) -> dict[str, Any]:
    """The same figures counted here, one report at a time, from the rows themselves."""
    start, end = period_window(year, period)
    mine = [
        r
        for r in InfoReport.objects.filter(unit__name=unit_name)
        if r.first_sent_at is not None and start <= r.first_sent_at < end
    ]
    adopted = sum(1 for r in mine if r.status == "adopted")
    return {
        "sent": len(mine),
        "adopted": adopted,
        "returned": sum(1 for r in mine if r.returned_count),
        "declined": sum(1 for r in mine if r.status == "declined"),
        "rate": round(100 * adopted / len(mine), 1) if mine else None,
    }


@pytest.mark.usefixtures("season")
def test_the_figures_equal_counts_made_from_the_records_三_四_1(clerk: Any) -> None:
    """三(四)1: per unit and period, counted by the first sending (a report returned and sent
    again in H2 stays in H1); 23:59 on 30 June is H1, 00:01 on 1 July is H2."""
    mechanism_id = clerk.membership.unit.mechanism_id
    for year, period in ((2027, "year"), (2027, "h1"), (2027, "h2"), (2027, "q1"), (2026, "year")):
        rows = {r.unit.name: r for r in adoption_figures(mechanism_id, year, period)}
        for name in ("市人力资源和社会保障局", "市总工会"):
            r = rows[name]
            got = {
                "sent": r.sent,
                "adopted": r.adopted,
                "returned": r.returned,
                "declined": r.declined,
                "rate": r.rate,
            }
            assert got == _counted(name, year, period), (name, year, period)
    h1 = {r.unit.name: r for r in adoption_figures(mechanism_id, 2027, "h1")}
    assert (h1["市人力资源和社会保障局"].sent, h1["市人力资源和社会保障局"].adopted) == (4, 2)
    assert h1["市人力资源和社会保障局"].rate == 50.0
    assert h1["市总工会"].in_briefs == 1 and h1["市财政局"].rate is None


@pytest.mark.usefixtures("season")
def test_the_figures_page_and_its_xlsx_三_四_1(
    clerk: Any, login: Callable[[Any], Client], tmp_path: Path, django_assert_max_num_queries: Any
) -> None:
    """三(四)1: the page (chart data, table) and the .xlsx show the same figures; LibreOffice
    reads the .xlsx as WPS/Excel would; the page's queries do not grow with the units."""
    client = login(clerk)
    with django_assert_max_num_queries(14):
        page = client.get("/bulletins/figures/?year=2027&period=h1")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-chart="unit-counts"' in html and "全市合计报送 6 条，采用 4 条" in html
    response = client.get("/bulletins/figures.xlsx?year=2027&period=h1")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet is not None
    rows = {r[0]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["市人力资源和社会保障局"][1:4] == (4, 2, 0.5)
    assert rows["合计"][1:3] == (6, 4)
    source = tmp_path / "figures.xlsx"
    source.write_bytes(response.content)
    csv = libreoffice_convert(source, tmp_path, to="csv:Text - txt - csv (StarCalc):44,34,76")
    text = csv.read_text(encoding="utf-8")
    assert "2027年上半年各成员单位信息报送采用情况" in text
    assert "市人力资源和社会保障局,4,2,50.0%" in text


def test_a_unit_cannot_read_the_figures_三_四_1(
    other_liaison: Any, login: Callable[[Any], Client]
) -> None:
    client = login(other_liaison)
    assert client.get("/bulletins/figures/").status_code == 403
    assert client.get("/bulletins/figures.xlsx").status_code == 403
