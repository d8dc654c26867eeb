"""Issuing (四(六)): the secretariat numbers a document from the lead organ's register, seals it
with the seals of the organs that signed (四(五)) — the joint meeting's own documents with the
health commission's seal on its behalf (代章) — and sends it with receipts; seals and registers
are the secretariat's."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent

from ..models import (
    Consultation,
    DocumentReceipt,
    DocumentVersion,
    IssuedNumber,
    OfficialDocument,
    Seal,
)
from ..services import (
    Parties,
    cosign_request,
    document_issue,
    number_withdraw,
    receipt_acknowledge,
    seal_upload,
    sealing_units,
)
from .issuing_helpers import image_bytes, make_register, reached, seal_png, send_and_sign

pytestmark = pytest.mark.django_db
Status = OfficialDocument.Status


@pytest.fixture
def register(clerk: Any, health: Any) -> Any:
    return make_register(clerk, health)


@pytest.fixture
def notice(make_plan: Any, hrss: Any, union: Any, gov_reader: Any, unit_named: Any) -> Any:
    """A 通知 of the health commission alone: to 人社局 and 总工会, 抄送 the government office."""
    return make_plan(
        kind="通知",
        title="关于报送职业病防治工作进展的通知",
        parties=Parties(
            main_to_unit_ids=[hrss.pk, union.pk],
            main_to_names=["各县区卫生健康委"],
            copy_to_unit_ids=[unit_named("市政府办公室").pk],
        ),
    )


def _year() -> int:
    return timezone.localdate().year


def test_a_document_without_co_issuer_or_open_round_is_issued_at_once_四六(
    notice, clerk, register, hrss, union, other_liaison, gov_reader
):
    document = document_issue(actor=clerk.membership, document=notice)
    year = _year()
    assert document.status == Status.ISSUED
    assert document.document_number == f"信卫职健〔{year}〕1号"
    assert document.issued_by == clerk
    number = IssuedNumber.objects.get(document=document)
    assert (number.serial, number.year, number.status) == (1, year, IssuedNumber.Status.USED)
    receipts = DocumentReceipt.objects.filter(document=document)
    assert sorted((r.unit.name, r.kind) for r in receipts) == [
        ("市人力资源和社会保障局", "main"),
        ("市总工会", "main"),
        ("市政府办公室", "copy"),
    ]
    assert "hrss" in reached("document.issued")
    assert "gov" in reached("document.copy")
    assert AuditEvent.objects.filter(action="document.issue", target_id=str(document.pk)).exists()


def test_a_joint_document_is_issued_only_when_every_co_issuer_signed_四五_四六(
    plan, clerk, register, hrss_member, union_member
):
    with pytest.raises(ApplicationError, match="尚未会签：市人力资源和社会保障局、市总工会"):
        document_issue(actor=clerk.membership, document=plan)
    cosign_request(actor=clerk.membership, document=plan)
    send_and_sign_part = plan.cosignatures.get(unit=hrss_member.membership.unit)
    from ..services import cosign_sign

    cosign_sign(actor=hrss_member.membership, signature=send_and_sign_part)
    with pytest.raises(ApplicationError, match="尚未会签：市总工会"):
        document_issue(actor=clerk.membership, document=plan)
    assert not IssuedNumber.objects.exists()
    pending = plan.cosignatures.get(unit=union_member.membership.unit, status="pending")
    cosign_sign(actor=union_member.membership, signature=pending)
    document = document_issue(actor=clerk.membership, document=plan)
    assert document.document_number == f"信卫职健〔{_year()}〕1号"


def test_an_open_comment_round_stops_the_issue_三二_四六(notice, clerk, register):
    Consultation.objects.create(
        document=notice,
        version=DocumentVersion.objects.get(document=notice, number=1),
        round=1,
        deadline_workdays=5,
        deadline="2026-12-10",
        sent_by=clerk,
    )
    with pytest.raises(ApplicationError, match="第1轮征求意见尚未结束"):
        document_issue(actor=clerk.membership, document=notice)
    assert not IssuedNumber.objects.exists()


def test_an_upward_document_needs_each_organs_signatory_四六(make_plan, clerk, register, health):
    request = make_plan(kind="请示", title="关于申请专项经费的请示", parties=None)
    with pytest.raises(ApplicationError, match="上行文须写明签发人：市卫生健康委"):
        document_issue(actor=clerk.membership, document=request)
    request.issuers.filter(unit=health).update(signatory="赵主任")
    assert document_issue(actor=clerk.membership, document=request).status == Status.ISSUED


def test_only_the_secretariat_issues_四六(notice, register, health_member, second_clerk):
    with pytest.raises(PermissionDenied):
        document_issue(actor=health_member.membership, document=notice)
    with pytest.raises(PermissionDenied):
        document_issue(actor=second_clerk.membership, document=notice)
    assert not IssuedNumber.objects.exists()


def test_no_register_of_the_lead_organ_is_refused_clearly_四六(notice, clerk, hrss):
    make_register(clerk, hrss, "信人社")  # another organ's register does not number it
    with pytest.raises(ApplicationError, match="主办机关（市卫生健康委）尚未设置发文字号"):
        document_issue(actor=clerk.membership, document=notice)


def test_several_registers_the_clerk_chooses_one_四六(notice, clerk, health, hrss, register):
    other = make_register(clerk, health, "信卫办")
    with pytest.raises(ApplicationError, match="请选择"):
        document_issue(actor=clerk.membership, document=notice)
    foreign = make_register(clerk, hrss, "信人社")
    with pytest.raises(ApplicationError, match="不属于本公文的主办机关"):
        document_issue(actor=clerk.membership, document=notice, register=foreign)
    document = document_issue(actor=clerk.membership, document=notice, register=other)
    assert document.document_number == f"信卫办〔{_year()}〕1号"


def test_the_joint_meetings_own_document_takes_its_register_and_the_seal_on_its_behalf_四六(
    make_plan, clerk, health, register
):
    own = make_plan(kind="通知", in_mechanism_name=True, parties=None)
    with pytest.raises(ApplicationError, match="尚未设置联席会议的发文字号"):
        document_issue(actor=clerk.membership, document=own)
    make_register(clerk, health, "信职防联", for_mechanism=True)
    seal = seal_upload(actor=clerk.membership, unit=health, data=seal_png())
    document = document_issue(actor=clerk.membership, document=own)
    assert document.document_number == f"信职防联〔{_year()}〕1号"
    assert sealing_units(document) == [health]
    use = AuditEvent.objects.get(action="seal.use")
    assert use.data["unit"] == "市卫生健康委" and use.data["on_behalf"] is True
    assert use.target_id == str(seal.pk)


def test_each_seal_use_is_audited_per_unit_per_issue_四六(
    plan, clerk, health, hrss, union, register, hrss_member, union_member
):
    for unit in (health, hrss, union):
        seal_upload(actor=clerk.membership, unit=unit, data=seal_png())
    send_and_sign(plan, clerk, hrss_member, union_member)
    document_issue(actor=clerk.membership, document=plan)
    uses = AuditEvent.objects.filter(action="seal.use").order_by("id")
    assert [u.data["unit"] for u in uses] == ["市卫生健康委", "市人力资源和社会保障局", "市总工会"]
    assert {u.data["number"] for u in uses} == {f"信卫职健〔{_year()}〕1号"}


def test_a_seal_is_never_that_of_a_unit_that_did_not_sign_四五(
    plan, clerk, health, hrss, union, hrss_member
):
    cosign_request(actor=clerk.membership, document=plan)
    from .issuing_helpers import sign_all

    sign_all(plan, hrss_member)
    assert sealing_units(plan) == [health, hrss]


def test_a_withdrawn_number_stays_recorded_and_is_never_reused_四六(
    notice, clerk, register, other_liaison
):
    document_issue(actor=clerk.membership, document=notice)
    first = IssuedNumber.objects.get()
    with pytest.raises(ApplicationError, match="请填写作废原因"):
        number_withdraw(actor=clerk.membership, issued_number=first, reason="")
    number_withdraw(actor=clerk.membership, issued_number=first, reason="主送单位漏列")
    notice.refresh_from_db()
    assert notice.status == Status.DRAFT and notice.document_number == ""
    assert not notice.receipts.exists()
    assert "hrss" in reached("document.withdrawn")
    first.refresh_from_db()
    assert (first.status, first.withdrawn_reason) == (IssuedNumber.Status.WITHDRAWN, "主送单位漏列")
    with pytest.raises(ApplicationError, match="已作废"):
        number_withdraw(actor=clerk.membership, issued_number=first, reason="再次")
    again = document_issue(actor=clerk.membership, document=notice)
    assert again.document_number == f"信卫职健〔{_year()}〕2号"
    assert sorted(IssuedNumber.objects.values_list("serial", "status")) == [
        (1, "withdrawn"),
        (2, "used"),
    ]


def test_a_joint_document_withdrawn_returns_to_signed_四五_四六(
    plan, clerk, register, hrss_member, union_member
):
    send_and_sign(plan, clerk, hrss_member, union_member)
    document_issue(actor=clerk.membership, document=plan)
    number_withdraw(
        actor=clerk.membership, issued_number=IssuedNumber.objects.get(), reason="文号错误"
    )
    plan.refresh_from_db()
    assert plan.status == Status.SIGNED


def test_only_the_secretariat_withdraws_a_number_四六(notice, clerk, register, health_member):
    document_issue(actor=clerk.membership, document=notice)
    with pytest.raises(PermissionDenied):
        number_withdraw(
            actor=health_member.membership, issued_number=IssuedNumber.objects.get(), reason="x"
        )


def test_a_back_dated_issue_is_numbered_in_its_year_and_a_future_date_refused_四六(
    notice, clerk, register
):
    today = timezone.localdate()
    with pytest.raises(ApplicationError, match="成文日期不能晚于今天"):
        document_issue(
            actor=clerk.membership, document=notice, issued_on=date(today.year + 1, 1, 2)
        )
    document = document_issue(
        actor=clerk.membership, document=notice, issued_on=date(today.year - 1, 12, 30)
    )
    assert document.document_number == f"信卫职健〔{today.year - 1}〕1号"
    assert timezone.localdate(document.issued_at) == date(today.year - 1, 12, 30)


def test_the_receiving_unit_signs_for_it_and_no_one_else_四六(
    notice, clerk, register, other_liaison, safety_liaison, gov_reader, hrss
):
    document_issue(actor=clerk.membership, document=notice)
    receipt = DocumentReceipt.objects.get(document=notice, unit=hrss)
    with pytest.raises(ApplicationError, match="只有收文单位可以签收"):
        receipt_acknowledge(actor=safety_liaison.membership, receipt=receipt)
    receipt_acknowledge(actor=other_liaison.membership, receipt=receipt)
    receipt.refresh_from_db()
    assert receipt.acknowledged_by == other_liaison and receipt.acknowledged_at is not None
    copy = DocumentReceipt.objects.get(document=notice, kind="copy")
    receipt_acknowledge(actor=gov_reader.membership, receipt=copy)
    assert AuditEvent.objects.filter(action="document.acknowledge").count() == 2


# --- seals --------------------------------------------------------------------------------


def test_a_transparent_png_seal_replaces_the_units_seal_in_use_四六(clerk, health):
    first = seal_upload(actor=clerk.membership, unit=health, data=seal_png())
    second = seal_upload(actor=clerk.membership, unit=health, data=seal_png(500))
    first.refresh_from_db()
    assert not first.active and second.active
    assert (second.width, second.height) == (500, 500)
    assert Seal.objects.filter(unit=health, active=True).get() == second
    assert AuditEvent.objects.filter(action="seal.upload").count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (image_bytes(400, "JPEG"), "应为透明背景的 PNG 图片（所传文件为 JPEG 格式）"),
        (image_bytes(400, "PNG"), "须为透明背景"),
        (image_bytes(400, "PNG", mode="RGBA"), "须为透明背景"),  # alpha channel, all opaque
        (image_bytes(100, "PNG", mode="RGBA"), "宽和高应在 200 至 2000 像素之间"),
        (image_bytes(2400, "PNG", mode="RGBA"), "宽和高应在 200 至 2000 像素之间"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024), "不能超过 1 MB"),
        (b"not an image", "无法识别"),
        (b"", "请选择印章图片"),
    ],
    ids=["jpeg", "no-alpha", "opaque-alpha", "too-small", "too-large", "too-big", "junk", "empty"],
)
def test_a_seal_that_is_not_a_transparent_png_of_fit_size_is_refused_in_chinese_四六(
    clerk, health, data, message
):
    with pytest.raises(ApplicationError, match=message):
        seal_upload(actor=clerk.membership, unit=health, data=data)
    assert not Seal.objects.exists()


def test_only_the_secretariat_uploads_seals_四六(health_member, health, second_clerk):
    with pytest.raises(PermissionDenied):
        seal_upload(actor=health_member.membership, unit=health, data=seal_png())
    with pytest.raises(ApplicationError, match="不属于本联席会议"):
        seal_upload(actor=second_clerk.membership, unit=health, data=seal_png())
    assert not Seal.objects.exists()


# --- registers ----------------------------------------------------------------------------


def test_registers_are_the_secretariats_with_a_clean_prefix_unique_per_meeting_四六(
    clerk, health, hrss, health_member
):
    make_register(clerk, health)
    with pytest.raises(ApplicationError, match="已存在"):
        make_register(clerk, hrss)
    with pytest.raises(ApplicationError, match="不含年份、括号、序号"):
        make_register(clerk, hrss, "信人社〔2026〕")
    with pytest.raises(PermissionDenied):
        make_register(health_member, health, "信卫办")
    make_register(clerk, health, "信职防联", for_mechanism=True)
    with pytest.raises(ApplicationError, match="联席会议发文字号已设置为“信职防联”"):
        make_register(clerk, health, "信职防", for_mechanism=True)
