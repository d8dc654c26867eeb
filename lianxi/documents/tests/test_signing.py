"""会签 (四(五)): the drafter sends the current version to every co-issuing unit; each unit's
member signs the text it saw or returns it with reasons; an edit voids the signatures; every step
is audited."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent

from ..models import Consultation, CoSignature, DocumentVersion, OfficialDocument
from ..services import (
    cosign_request,
    cosign_return,
    cosign_sign,
    document_save,
)
from .conftest import PLAN_BODY
from .issuing_helpers import reached, send_and_sign, sign_all

pytestmark = pytest.mark.django_db
Status = OfficialDocument.Status


def _pending(document: OfficialDocument, unit: Any) -> CoSignature:
    return CoSignature.objects.get(document=document, unit=unit, status=CoSignature.Status.PENDING)


def _actions(document: OfficialDocument) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            target_type__endswith="officialdocument", target_id=str(document.pk)
        )
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_cosign_request_asks_every_co_issuer_at_once_with_the_version_hash_四五(
    plan, clerk, hrss, union, hrss_member, union_member
):
    signatures = cosign_request(actor=clerk.membership, document=plan)
    plan.refresh_from_db()
    assert plan.status == Status.COSIGNING
    version = DocumentVersion.objects.get(document=plan, number=plan.version)
    assert [(s.unit, s.status, s.text_sha256, s.version) for s in signatures] == [
        (hrss, CoSignature.Status.PENDING, version.sha256, version),
        (union, CoSignature.Status.PENDING, version.sha256, version),
    ]
    assert {"hrssboss", "unionboss"} <= reached("document.cosign")


def test_in_order_only_the_first_is_asked_and_the_next_waits_its_turn_四五(
    make_plan, clerk, hrss, union, hrss_member, union_member
):
    document = make_plan(sign_order=OfficialDocument.SignOrder.SEQUENTIAL)
    cosign_request(actor=clerk.membership, document=document)
    assert reached("document.cosign") >= {"hrssboss"}
    assert "unionboss" not in reached("document.cosign")
    with pytest.raises(ApplicationError, match="请待市人力资源和社会保障局会签后再签"):
        cosign_sign(actor=union_member.membership, signature=_pending(document, union))
    cosign_sign(actor=hrss_member.membership, signature=_pending(document, hrss))
    assert "unionboss" in reached("document.cosign")
    cosign_sign(actor=union_member.membership, signature=_pending(document, union))
    document.refresh_from_db()
    assert document.status == Status.SIGNED


def test_all_signed_makes_the_document_ready_to_issue_and_tells_the_drafter_四五(
    plan, clerk, hrss_member, union_member
):
    cosign_request(actor=clerk.membership, document=plan)
    sign_all(plan, hrss_member)
    plan.refresh_from_db()
    assert plan.status == Status.COSIGNING
    sign_all(plan, union_member)
    plan.refresh_from_db()
    assert plan.status == Status.SIGNED
    signed = plan.cosignatures.filter(status=CoSignature.Status.SIGNED)
    assert sorted(signed.values_list("signer_name", flat=True)) == ["孙主席", "钱局长"]
    assert "clerk" in reached("document.signed")
    assert _actions(plan).count("document.cosign_sign") == 2


def test_a_document_without_co_issuer_has_nothing_to_sign_四五(make_plan, clerk):
    document = make_plan(parties=None)
    with pytest.raises(ApplicationError, match="没有联合发文单位，无需会签"):
        cosign_request(actor=clerk.membership, document=document)
    document.refresh_from_db()
    assert document.status == Status.DRAFT
    assert not document.cosignatures.exists()


def test_an_open_comment_round_stops_the_request_三二_四五(plan, clerk):
    version = DocumentVersion.objects.get(document=plan, number=1)
    Consultation.objects.create(
        document=plan,
        version=version,
        round=1,
        deadline_workdays=5,
        deadline="2026-12-10",
        sent_by=clerk,
    )
    with pytest.raises(ApplicationError, match="第1轮征求意见尚未结束"):
        cosign_request(actor=clerk.membership, document=plan)
    assert not plan.cosignatures.exists()


def test_only_the_drafting_unit_sends_and_only_the_co_issuers_member_signs_四五(
    plan, clerk, other_liaison, union_member, hrss
):
    with pytest.raises(PermissionDenied):
        cosign_request(actor=other_liaison.membership, document=plan)
    cosign_request(actor=clerk.membership, document=plan)
    signature = _pending(plan, hrss)
    # The unit's liaison prepares; its member (负责同志) signs.
    with pytest.raises(PermissionDenied):
        cosign_sign(actor=other_liaison.membership, signature=signature)
    with pytest.raises(PermissionDenied):
        cosign_sign(actor=union_member.membership, signature=signature)
    assert _pending(plan, hrss).signed_by is None


def test_an_edit_after_signing_voids_the_signatures_and_says_why_四五(
    plan, clerk, hrss, union, hrss_member, union_member
):
    cosign_request(actor=clerk.membership, document=plan)
    sign_all(plan, hrss_member)
    document_save(
        actor=clerk.membership,
        document=plan,
        based_on=1,
        title=plan.title,
        paragraphs=[*PLAN_BODY, "四、其他事项"],
        attachments=["专项治理工作任务分工表"],
        note="（此件公开发布）",
    )
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT
    voided = plan.cosignatures.filter(status=CoSignature.Status.VOID)
    assert {s.unit for s in voided} == {hrss, union}
    assert all("第 2 稿修改了正文" in s.voided_reason for s in voided)
    stale = voided.get(unit=union)
    with pytest.raises(ApplicationError, match="该会签已作废"):
        cosign_sign(actor=union_member.membership, signature=stale)
    # Sent again, the new requests bind the second version's hash.
    again = cosign_request(actor=clerk.membership, document=plan)
    version = DocumentVersion.objects.get(document=plan, number=2)
    assert {s.text_sha256 for s in again} == {version.sha256}


def test_a_signer_whose_text_changed_under_them_is_refused_四五(plan, clerk, hrss, hrss_member):
    """The hash is checked when signing too, whatever wrote the newer version."""
    cosign_request(actor=clerk.membership, document=plan)
    first = DocumentVersion.objects.get(document=plan, number=1)
    DocumentVersion.objects.create(
        document=plan,
        number=2,
        title=first.title,
        paragraphs=[*first.paragraphs, "补充一段。"],
        sha256="0" * 64,
        created_by=clerk,
        created_unit=first.created_unit,
    )
    OfficialDocument.objects.filter(pk=plan.pk).update(version=2)
    with pytest.raises(ApplicationError, match="正文已修改，请重新送签"):
        cosign_sign(actor=hrss_member.membership, signature=_pending(plan, hrss))
    assert _pending(plan, hrss).status == CoSignature.Status.PENDING


def test_a_return_needs_reasons_sends_the_draft_back_and_tells_the_drafter_四五(
    plan, clerk, hrss, union, hrss_member, union_member
):
    cosign_request(actor=clerk.membership, document=plan)
    sign_all(plan, hrss_member)
    with pytest.raises(ApplicationError, match="请填写退回理由"):
        cosign_return(actor=union_member.membership, signature=_pending(plan, union), reason=" ")
    cosign_return(
        actor=union_member.membership,
        signature=_pending(plan, union),
        reason="第二部分未写明总工会的职责分工，请补充。",
    )
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT
    returned = plan.cosignatures.get(unit=union, status=CoSignature.Status.RETURNED)
    assert returned.reason == "第二部分未写明总工会的职责分工，请补充。"
    assert returned.signer_name == "孙主席"
    assert "clerk" in reached("document.cosign_returned")
    # Sent again unchanged: 人社局 signed exactly this text and is not asked again.
    again = cosign_request(actor=clerk.membership, document=plan)
    assert [s.unit for s in again] == [union]
    assert plan.cosignatures.get(status=CoSignature.Status.SIGNED).unit == hrss


def test_every_step_is_audited_四五(plan, clerk, hrss, union, hrss_member, union_member):
    cosign_request(actor=clerk.membership, document=plan)
    sign_all(plan, hrss_member)
    cosign_return(actor=union_member.membership, signature=_pending(plan, union), reason="请修改")
    send_and_sign(plan, clerk, union_member)
    assert _actions(plan) == [
        "document.create",
        "document.cosign_request",
        "document.cosign_sign",
        "document.cosign_return",
        "document.cosign_request",
        "document.cosign_sign",
    ]
    assert plan.status == Status.SIGNED


def test_a_request_twice_is_refused_四五(plan, clerk):
    cosign_request(actor=clerk.membership, document=plan)
    with pytest.raises(ApplicationError, match="已在会签中"):
        cosign_request(actor=clerk.membership, document=plan)
