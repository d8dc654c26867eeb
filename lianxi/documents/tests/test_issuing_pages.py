"""The signing-and-issuing section of the document page and its actions: 送会签, 会签 and 退回
with reasons (四(五)); 印发 by the secretariat, the register chosen, why it cannot be issued
yet; 签收 by the receiving unit; the .docx/.pdf downloads (四(六)). Each action: allowed, another
unit (404), anonymous (login), another joint meeting (404)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ..models import CoSignature, DocumentReceipt, OfficialDocument
from ..services import Parties, document_issue
from .issuing_helpers import make_register, send_and_sign

pytestmark = pytest.mark.django_db
Status = OfficialDocument.Status
SignStatus = CoSignature.Status


@pytest.fixture
def register(clerk: Any, health: Any) -> Any:
    return make_register(clerk, health)


@pytest.fixture
def notice(make_plan: Any, hrss: Any, union: Any) -> OfficialDocument:
    """A 通知 of the health commission alone, to 人社局 and 总工会."""
    return make_plan(
        kind="通知",
        title="关于报送职业病防治工作进展的通知",
        parties=Parties(main_to_unit_ids=[hrss.pk, union.pk]),
    )


def text_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def messages_of(client: Client, response: Any) -> str:
    assert response.status_code == 302, response.status_code
    return text_of(client.get(response["Location"]))


def assert_refused_to_outsiders(
    url: str, login: Any, other_unit: Any, second_clerk: Any, data: dict[str, str] | None = None
) -> None:
    """Another unit of the joint meeting and the clerk of another joint meeting are answered
    404; an anonymous visitor is sent to log in."""
    post = data is not None
    for person in (other_unit, second_clerk):
        client = login(person)
        response = client.post(url, data) if post else client.get(url)
        assert response.status_code == 404, (person.username, response.status_code)
    anonymous = Client()
    response = anonymous.post(url, data) if post else anonymous.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


# --- the section --------------------------------------------------------------------------


def test_the_drafter_sees_send_for_cosigning_and_the_issue_problems_四五_四六(
    plan, clerk, login, register
):
    page = text_of(login(clerk).get(f"/documents/{plan.pk}/"))
    assert "送会签" in page
    assert "尚未会签：市人力资源和社会保障局、市总工会（工作规则四(五)）。" in page
    assert 'id="issue-form"' not in page
    assert "下载 PDF" in page


def test_only_the_co_issuers_member_gets_the_sign_and_return_buttons_四五(
    plan, clerk, login, hrss_member, other_liaison
):
    login(clerk).post(f"/documents/{plan.pk}/cosign/")
    signature = plan.cosignatures.get(unit=hrss_member.membership.unit)
    member_page = text_of(login(hrss_member).get(f"/documents/{plan.pk}/"))
    assert f"/documents/cosign/{signature.pk}/sign/" in member_page
    assert f"/documents/cosign/{signature.pk}/return/" in member_page
    liaison_page = text_of(login(other_liaison).get(f"/documents/{plan.pk}/"))
    assert "市人力资源和社会保障局" in liaison_page and "待会签" in liaison_page
    assert f"/documents/cosign/{signature.pk}/sign/" not in liaison_page


def test_a_voided_signature_is_shown_with_why_四五(plan, clerk, login, hrss_member, union_member):
    client = login(clerk)
    client.post(f"/documents/{plan.pk}/cosign/")
    signature = plan.cosignatures.get(unit=hrss_member.membership.unit)
    login(hrss_member).post(
        f"/documents/cosign/{signature.pk}/return/", {"reason": "第二部分职责分工不清。"}
    )
    page = text_of(client.get(f"/documents/{plan.pk}/"))
    assert "第二部分职责分工不清。" in page
    assert "已作废：市人力资源和社会保障局退回，会签中止" in page


# --- 送会签 --------------------------------------------------------------------------------


def test_the_drafter_sends_for_cosigning_四五(plan, clerk, login):
    client = login(clerk)
    page = messages_of(client, client.post(f"/documents/{plan.pk}/cosign/"))
    assert "已送联合发文单位会签。" in page
    plan.refresh_from_db()
    assert plan.status == Status.COSIGNING
    assert plan.cosignatures.filter(status=SignStatus.PENDING).count() == 2


def test_cosign_request_is_refused_to_others_四五(
    plan, login, safety_liaison, second_clerk, other_liaison
):
    assert_refused_to_outsiders(
        f"/documents/{plan.pk}/cosign/", login, safety_liaison, second_clerk, {}
    )
    # A co-issuer sees the document but does not send it: refused (403).
    assert login(other_liaison).post(f"/documents/{plan.pk}/cosign/").status_code == 403
    assert not plan.cosignatures.exists()


# --- 会签 and 退回 ---------------------------------------------------------------------------


@pytest.fixture
def pending(plan: OfficialDocument, clerk: Any, login: Any, hrss_member: Any) -> CoSignature:
    login(clerk).post(f"/documents/{plan.pk}/cosign/")
    return plan.cosignatures.get(unit=hrss_member.membership.unit)


def test_the_co_issuers_member_signs_四五(pending, login, hrss_member):
    client = login(hrss_member)
    page = messages_of(client, client.post(f"/documents/cosign/{pending.pk}/sign/"))
    assert "已会签。" in page
    pending.refresh_from_db()
    assert pending.status == SignStatus.SIGNED
    assert pending.signer_name == "钱局长"


def test_signing_is_refused_to_others_四五(
    pending, login, safety_liaison, second_clerk, other_liaison
):
    assert_refused_to_outsiders(
        f"/documents/cosign/{pending.pk}/sign/", login, safety_liaison, second_clerk, {}
    )
    # The co-issuer's liaison sees the request but only its member signs (403).
    assert login(other_liaison).post(f"/documents/cosign/{pending.pk}/sign/").status_code == 403
    pending.refresh_from_db()
    assert pending.status == SignStatus.PENDING


def test_the_co_issuer_returns_with_a_reason_and_not_without_四五(
    plan, pending, login, hrss_member
):
    client = login(hrss_member)
    url = f"/documents/cosign/{pending.pk}/return/"
    page = messages_of(client, client.post(url, {"reason": ""}))
    assert "请写明退回理由。" in page
    pending.refresh_from_db()
    assert pending.status == SignStatus.PENDING
    page = messages_of(client, client.post(url, {"reason": "请补充监督检查的分工。"}))
    assert "已退回起草单位。" in page
    pending.refresh_from_db()
    plan.refresh_from_db()
    assert (pending.status, pending.reason) == (SignStatus.RETURNED, "请补充监督检查的分工。")
    assert plan.status == Status.DRAFT


def test_returning_is_refused_to_others_四五(pending, login, safety_liaison, second_clerk):
    assert_refused_to_outsiders(
        f"/documents/cosign/{pending.pk}/return/",
        login,
        safety_liaison,
        second_clerk,
        {"reason": "不同意。"},
    )
    pending.refresh_from_db()
    assert pending.status == SignStatus.PENDING


# --- 印发 ------------------------------------------------------------------------------------


def test_the_secretariat_issues_a_signed_joint_document_四五_四六(
    plan, clerk, login, register, hrss_member, union_member
):
    send_and_sign(plan, clerk, hrss_member, union_member)
    client = login(clerk)
    assert 'id="issue-form"' in text_of(client.get(f"/documents/{plan.pk}/"))
    page = messages_of(client, client.post(f"/documents/{plan.pk}/issue/", {}))
    assert "已印发。" in page
    plan.refresh_from_db()
    assert plan.status == Status.ISSUED
    assert plan.document_number.startswith("信卫职健〔")
    assert plan.document_number in page


def test_several_registers_the_clerk_chooses_one_on_the_page_四六(
    notice, clerk, login, health, register
):
    other = make_register(clerk, health, prefix="信卫疾控")
    client = login(clerk)
    page = text_of(client.get(f"/documents/{notice.pk}/"))
    assert 'name="register"' in page and "信卫疾控" in page
    page = messages_of(client, client.post(f"/documents/{notice.pk}/issue/", {}))
    assert "主办机关有多个发文字号，请选择一个。" in page
    notice.refresh_from_db()
    assert notice.status == Status.DRAFT
    client.post(f"/documents/{notice.pk}/issue/", {"register": str(other.pk)})
    notice.refresh_from_db()
    assert notice.document_number.startswith("信卫疾控〔")


def test_an_unsigned_document_is_not_issued_and_says_why_四五(plan, clerk, login, register):
    client = login(clerk)
    page = messages_of(client, client.post(f"/documents/{plan.pk}/issue/", {}))
    assert "不能印发：尚未会签：市人力资源和社会保障局、市总工会" in page
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT


def test_issuing_is_refused_to_others_四六(
    notice, login, register, safety_liaison, second_clerk, health_member
):
    url = f"/documents/{notice.pk}/issue/"
    assert_refused_to_outsiders(url, login, safety_liaison, second_clerk, {})
    # The drafting unit's member sees it but only the secretariat issues (403).
    assert login(health_member).post(url, {}).status_code == 403
    notice.refresh_from_db()
    assert notice.status == Status.DRAFT


# --- 签收 ------------------------------------------------------------------------------------


@pytest.fixture
def receipt(notice: OfficialDocument, clerk: Any, register: Any, hrss: Any) -> DocumentReceipt:
    document_issue(actor=clerk.membership, document=notice)
    return DocumentReceipt.objects.get(document=notice, unit=hrss)


def test_the_receiving_unit_signs_for_it_四六(receipt, login, other_liaison, clerk):
    client = login(other_liaison)
    page = text_of(client.get(f"/documents/{receipt.document_id}/"))
    assert f"/documents/receipts/{receipt.pk}/acknowledge/" in page
    assert "市总工会" not in page.split('id="receipts"')[1]  # only its own receipt
    page = messages_of(client, client.post(f"/documents/receipts/{receipt.pk}/acknowledge/"))
    assert "已签收。" in page
    receipt.refresh_from_db()
    assert receipt.acknowledged_by == other_liaison
    # The secretariat sees every receipt and who signed.
    page = text_of(login(clerk).get(f"/documents/{receipt.document_id}/"))
    assert "张联络" in page and "市总工会" in page


def test_acknowledging_is_refused_to_others_四六(
    receipt, login, safety_liaison, second_clerk, union_liaison
):
    url = f"/documents/receipts/{receipt.pk}/acknowledge/"
    assert_refused_to_outsiders(url, login, safety_liaison, second_clerk, {})
    # Another receiving unit sees the document but not this receipt.
    assert login(union_liaison).post(url).status_code == 404
    receipt.refresh_from_db()
    assert receipt.acknowledged_at is None


def test_the_document_page_reads_its_receipts_in_fixed_queries_四六(
    make_plan,
    clerk,
    login,
    register,
    hrss,
    union,
    hrss_member,
    union_member,
    other_liaison,
    unit_named,
    django_assert_max_num_queries,
):
    """An issued joint document sent to four units: the secretariat's page lists every receipt
    and the co-issuer's liaison gets its own 签收 button, each page in a fixed number of
    queries (a receipt's 签收 is asked only for the reader's own unit's)."""
    units = [hrss, union, unit_named("市应急管理局"), unit_named("市财政局")]
    document = make_plan(
        parties=Parties(
            co_issuing_unit_ids=[hrss.pk, union.pk], main_to_unit_ids=[u.pk for u in units]
        )
    )
    send_and_sign(document, clerk, hrss_member, union_member)
    document_issue(actor=clerk.membership, document=document)
    url = f"/documents/{document.pk}/"
    secretariat = login(clerk)
    secretariat.get(url)
    with django_assert_max_num_queries(14):
        page = text_of(secretariat.get(url))
    receipts = page.split('id="receipts"', 1)[1]
    assert all(u.name in receipts for u in units)
    assert "/acknowledge/" not in receipts  # the secretariat is no receiving unit here
    liaison = login(other_liaison)
    liaison.get(url)
    with django_assert_max_num_queries(17):
        page = text_of(liaison.get(url))
    own = DocumentReceipt.objects.get(document=document, unit=hrss)
    assert page.count("/acknowledge/") == 1
    assert f"/documents/receipts/{own.pk}/acknowledge/" in page


# --- downloads -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "content_type", "magic"),
    [
        ("pdf", "application/pdf", b"%PDF"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK",
        ),
    ],
)
def test_the_document_downloads_四六(plan, clerk, login, suffix, content_type, magic):
    response = login(clerk).get(f"/documents/{plan.pk}/document.{suffix}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert b"".join(response).startswith(magic)


@pytest.mark.parametrize("suffix", ["pdf", "docx"])
def test_downloads_are_refused_to_others_四六(plan, login, safety_liaison, second_clerk, suffix):
    assert_refused_to_outsiders(
        f"/documents/{plan.pk}/document.{suffix}", login, safety_liaison, second_clerk
    )
