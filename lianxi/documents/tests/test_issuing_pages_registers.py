"""The secretariat's 发文字号 page (registers listed, a new one added, a bad 代字 refused in
Chinese) and its 发文登记簿 (every number of the year, withdrawn ones with their reason) with the
.xlsx export (四(六)). Each page: the secretariat, another unit (403), anonymous (login), the
clerk of another joint meeting (its own, empty, ledger)."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from ..models import IssuedNumber, NumberRegister
from ..services import Parties, document_issue, number_withdraw
from .issuing_helpers import make_register

pytestmark = pytest.mark.django_db


def text_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def assert_secretariat_only(url: str, login: Any, *others: Any) -> None:
    for person in others:
        assert login(person).get(url).status_code == 403, person.username
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


@pytest.fixture
def issued(make_plan: Any, clerk: Any, health: Any, hrss: Any) -> list[IssuedNumber]:
    """Two 通知 issued from 信卫职健, the first one's number then withdrawn."""
    make_register(clerk, health)
    numbers = []
    for title in ("关于报送职业病防治工作进展的通知", "关于开展职业健康宣传周活动的通知"):
        document = make_plan(kind="通知", title=title, parties=Parties(main_to_unit_ids=[hrss.pk]))
        document_issue(actor=clerk.membership, document=document)
        numbers.append(IssuedNumber.objects.get(document=document))
    number_withdraw(actor=clerk.membership, issued_number=numbers[0], reason="标题有误")
    return numbers


# --- 发文字号 -------------------------------------------------------------------------------


def test_the_secretariat_adds_a_register_on_the_page_四六(clerk, login, health, hrss):
    client = login(clerk)
    assert "尚未设置发文字号。" in text_of(client.get("/documents/registers/"))
    response = client.post(
        "/documents/registers/", {"unit": str(hrss.pk), "code": "信人社", "for_mechanism": ""}
    )
    assert response.status_code == 302
    page = text_of(client.get(response["Location"]))
    assert "已添加发文字号。" in page
    assert "市人力资源和社会保障局" in page and "信人社〔" in page
    register = NumberRegister.objects.get()
    assert (register.unit, register.prefix, register.for_mechanism) == (hrss, "信人社", False)


def test_a_bad_prefix_is_refused_in_chinese_and_nothing_added_四六(clerk, login, health):
    client = login(clerk)
    response = client.post(
        "/documents/registers/", {"unit": str(health.pk), "code": "信卫〔2025〕"}
    )
    assert "发文代字只写机关代字" in text_of(response)
    assert not NumberRegister.objects.exists()


def test_the_registers_page_is_the_secretariats_四六(
    clerk, login, health, health_member, other_liaison, second_clerk
):
    make_register(clerk, health)
    assert_secretariat_only("/documents/registers/", login, health_member, other_liaison)
    # Another joint meeting's clerk sees its own registers, not these.
    table = (
        text_of(login(second_clerk).get("/documents/registers/"))
        .split('id="registers"')[1]
        .split("</table>")[0]
    )
    assert "信卫职健" not in table and "尚未设置发文字号。" in table
    assert (
        login(health_member)
        .post("/documents/registers/", {"unit": str(health.pk), "code": "信卫疾控"})
        .status_code
        == 403
    )
    assert NumberRegister.objects.count() == 1


# --- 发文登记簿 -----------------------------------------------------------------------------


def test_the_outgoing_register_lists_every_number_withdrawn_ones_with_why_四六(
    issued, clerk, login, django_assert_max_num_queries
):
    client = login(clerk)
    with django_assert_max_num_queries(12):
        page = text_of(client.get("/documents/outgoing/"))
    year = timezone.localdate().year
    assert f"信卫职健〔{year}〕1号" in page and f"信卫职健〔{year}〕2号" in page
    assert "标题有误" in page and "作废" in page
    assert "关于开展职业健康宣传周活动的通知" in page
    assert "本年度尚未取号。" in text_of(client.get("/documents/outgoing/?year=2020"))


def test_the_outgoing_register_exports_as_xlsx_四六(issued, clerk, login):
    year = timezone.localdate().year
    response = login(clerk).get(f"/documents/outgoing.xlsx?year={year}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response)))
    rows = list(book.active.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == [f"信卫职健〔{year}〕1号", f"信卫职健〔{year}〕2号"]
    assert rows[0][5] == "标题有误"


@pytest.mark.parametrize("url", ["/documents/outgoing/", "/documents/outgoing.xlsx"])
def test_the_outgoing_register_is_the_secretariats_四六(
    issued, login, url, health_member, other_liaison, second_clerk
):
    assert_secretariat_only(url, login, health_member, other_liaison)
    response = login(second_clerk).get(url)
    assert response.status_code == 200
    assert "信卫职健".encode() not in b"".join(response)
