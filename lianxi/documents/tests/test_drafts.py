"""Drafts with versions (三(二)): every save a version, stale saves refused, edits void
co-signatures (四(五))."""

from typing import Any

import pytest

from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent

from ..models import CoSignature, OfficialDocument
from ..services import Parties, StaleSave, document_create, document_save, document_set_parties
from ..services.common import current_version, split_paragraphs
from .conftest import PLAN_BODY

pytestmark = pytest.mark.django_db


def test_joint_draft_lists_the_lead_first_then_co_issuers_in_seal_order_三二(
    plan, health, hrss, union
):
    assert [i.unit for i in plan.issuers.all()] == [health, hrss, union]
    version = current_version(plan)
    assert version.number == 1 and version.paragraphs == PLAN_BODY
    assert plan.get_kind_display() == "方案" and plan.status == OfficialDocument.Status.DRAFT
    assert AuditEvent.objects.filter(action="document.create").count() == 1


def test_every_save_is_a_version_三二(plan, clerk):
    document_save(
        actor=clerk.membership,
        document=plan,
        based_on=1,
        title=plan.title,
        paragraphs=[*PLAN_BODY, "四、附则"],
        summary="增加附则",
    )
    plan.refresh_from_db()
    assert plan.version == 2
    assert list(plan.versions.values_list("number", flat=True)) == [1, 2]
    assert plan.versions.get(number=1).paragraphs == PLAN_BODY


def test_a_stale_save_is_refused_with_the_other_save_and_nothing_written_三二(
    plan, clerk, health_liaison
):
    document_save(
        actor=health_liaison.membership,
        document=plan,
        based_on=1,
        title=plan.title,
        paragraphs=[*PLAN_BODY, "李联络的修改"],
    )
    with pytest.raises(StaleSave) as refused:
        document_save(
            actor=clerk.membership,
            document=plan,
            based_on=1,
            title=plan.title,
            paragraphs=[*PLAN_BODY, "王秘书的修改"],
        )
    assert refused.value.current.number == 2
    assert refused.value.current.paragraphs[-1] == "李联络的修改"
    assert "李联络" in refused.value.message
    assert plan.versions.count() == 2


def test_an_edit_after_signing_voids_the_signatures_四五(plan, clerk, hrss):
    version = current_version(plan)
    signature = CoSignature.objects.create(
        document=plan,
        unit=hrss,
        order=1,
        status=CoSignature.Status.SIGNED,
        version=version,
        text_sha256=version.sha256,
    )
    OfficialDocument.objects.filter(pk=plan.pk).update(status=OfficialDocument.Status.SIGNED)
    plan.refresh_from_db()
    document_save(
        actor=clerk.membership,
        document=plan,
        based_on=1,
        title=plan.title,
        paragraphs=[*PLAN_BODY[:-1], "改了最后一段"],
    )
    signature.refresh_from_db()
    plan.refresh_from_db()
    assert signature.status == CoSignature.Status.VOID
    assert "第 2 稿修改了正文" in signature.voided_reason
    assert plan.status == OfficialDocument.Status.DRAFT
    assert AuditEvent.objects.filter(action="document.signatures_void").exists()


def test_only_the_drafting_unit_edits_三二(plan, other_liaison):
    with pytest.raises(Exception) as refused:
        document_save(
            actor=other_liaison.membership, document=plan, based_on=1, title="x", paragraphs=["y"]
        )
    assert "起草单位" in str(refused.value)


def test_bad_input_is_refused_in_chinese_and_creates_nothing(clerk, hrss, second_clerk):
    before = OfficialDocument.objects.count()
    cases: list[dict[str, Any]] = [
        {"kind": "报纸"},
        {"title": ""},
        {"title": "两行\n标题"},
        {"paragraphs": []},
        {"parties": Parties(co_issuing_unit_ids=[hrss.pk, hrss.pk])},
        {"parties": Parties(co_issuing_unit_ids=[second_clerk.membership.unit_id])},
        {"parties": Parties(co_issuing_unit_ids=[clerk.membership.unit_id])},
    ]
    for change in cases:
        fields: dict[str, Any] = {
            "actor": clerk.membership,
            "kind": "通知",
            "title": "关于开会的通知",
            "paragraphs": ["正文"],
        }
        fields.update(change)
        with pytest.raises(ApplicationError) as refused:
            document_create(**fields)
        assert any("\u4e00" <= c <= "\u9fff" for c in refused.value.message)
    assert OfficialDocument.objects.count() == before


def test_only_the_secretariat_drafts_in_the_joint_meetings_name_四六(other_liaison, clerk, health):
    with pytest.raises(ApplicationError, match="四\\(六\\)"):
        document_create(
            actor=other_liaison.membership,
            kind="通知",
            title="通知",
            paragraphs=["正文"],
            in_mechanism_name=True,
        )
    document = document_create(
        actor=clerk.membership,
        kind="通知",
        title="关于征求意见的通知",
        paragraphs=["正文"],
        in_mechanism_name=True,
    )
    assert document.sealed_by == health


def test_parties_change_only_in_draft_三二_四五(plan, clerk, hrss):
    document_set_parties(
        actor=clerk.membership, document=plan, parties=Parties(co_issuing_unit_ids=[hrss.pk])
    )
    assert plan.issuers.count() == 2
    OfficialDocument.objects.filter(pk=plan.pk).update(status=OfficialDocument.Status.COSIGNING)
    plan.refresh_from_db()
    with pytest.raises(ApplicationError):
        document_set_parties(actor=clerk.membership, document=plan, parties=Parties())


def test_split_paragraphs():
    assert split_paragraphs("一、目标\n\n第一行\n接着写\n\n（一）任务") == [
        "一、目标",
        "第一行接着写",
        "（一）任务",
    ]
    assert split_paragraphs("　　一、目标\n正文\n\n") == ["一、目标", "正文"]
