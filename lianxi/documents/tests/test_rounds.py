"""Comment rounds (征求意见, 三(二)): sending, a unit's reply drafted by its liaison and approved
by its member, the drafter's decisions, closing, and the second round."""

# The rounds' fixtures are imported from rounds_fixtures, and pytest passes them by name.
# ruff: noqa: F811

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from lianxi.core.calendar import add_workdays
from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent
from lianxi.notifications.models import Delivery, Message

from ..access import visible_versions
from ..models import Comment, Consultation, OfficialDocument, UnitReply
from ..services import (
    comment_decide,
    consultation_close,
    consultation_send,
    consultation_suggested_units,
    document_save,
    reply_approve,
)
from .conftest import PLAN_BODY
from .rounds_fixtures import (  # noqa: F401
    SENT_ON,
    answer,
    consulted,
    finance,
    finance_member,
    reply_of,
    round1,
    safety,
    safety_member,
    send_round,
)

pytestmark = pytest.mark.django_db

Status = UnitReply.Status


def _comment(paragraph: int | None, text: str, proposed: str = "") -> dict[str, Any]:
    return {"paragraph": paragraph, "text": text, "proposed": proposed}


# --- sending ---------------------------------------------------------------------------------


def test_a_round_sends_the_current_version_to_each_unit_with_a_workday_deadline_三二(
    round1, plan, hrss, union, safety, finance, consulted
):
    assert round1.round == 1 and round1.status == Consultation.Status.OPEN
    assert round1.version.number == plan.version == 1
    assert round1.deadline == add_workdays(SENT_ON, 3) == date(2026, 11, 5)
    assert [r.unit for r in round1.replies.all()] == sorted(
        [hrss, union, safety, finance], key=lambda u: u.order
    )
    assert set(round1.replies.values_list("status", flat=True)) == {Status.PENDING}
    messages = Message.objects.filter(kind="document.consultation")
    assert messages.count() == 4
    liaison = consulted["safety"][0]
    # Its inbox delivery (the liaison has an email address too: an email delivery besides).
    delivered = Delivery.objects.filter(
        user=liaison, message__kind="document.consultation", channel=Delivery.Channel.INBOX
    )
    assert delivered.exists()
    reply = reply_of(round1, safety)
    assert delivered.get().message.url == f"/documents/replies/{reply.pk}/"
    event = AuditEvent.objects.get(action="document.consultation_send")
    assert event.data["round"] == 1 and len(event.data["units"]) == 4


@pytest.mark.parametrize("workdays", [0, 61, "五"])
def test_the_deadline_is_1_to_60_working_days_三二(plan, send_round, workdays):
    with pytest.raises(ApplicationError, match="反馈时限"):
        send_round(plan, deadline_workdays=workdays)
    assert not Consultation.objects.exists()


def test_the_drafting_unit_a_duplicate_or_a_non_member_unit_is_refused_三二(
    plan, send_round, health, hrss, unit_named
):
    with pytest.raises(ApplicationError, match="起草单位不必"):
        send_round(plan, unit_ids=[hrss.pk, health.pk])
    with pytest.raises(ApplicationError, match="重复"):
        send_round(plan, unit_ids=[hrss.pk, hrss.pk])
    with pytest.raises(ApplicationError, match="成员单位"):
        send_round(plan, unit_ids=[unit_named("市政府办公室").pk])
    with pytest.raises(ApplicationError, match="请选择"):
        send_round(plan, unit_ids=[])
    assert not Consultation.objects.exists()


def test_a_unit_of_another_joint_meeting_is_refused_三二(plan, send_round, second_unit_named):
    with pytest.raises(ApplicationError, match="不属于本联席会议"):
        send_round(plan, unit_ids=[second_unit_named("市财政局").pk])


def test_only_the_drafting_unit_sends_a_round_三二(plan, send_round, hrss_member, union):
    with pytest.raises(PermissionDenied):
        send_round(plan, actor=hrss_member.membership, unit_ids=[union.pk])
    assert not Consultation.objects.exists()


def test_a_second_round_while_one_is_open_is_refused_三二(round1, plan, send_round):
    with pytest.raises(ApplicationError, match="第 1 轮征求意见尚未结束"):
        send_round(plan)
    assert plan.consultations.count() == 1


def test_the_suggestion_names_the_co_issuers_and_units_whose_duties_the_text_touches_三二(
    make_plan, mechanism, health, hrss, union, unit_named
):
    from lianxi.organization.tests.factories import give_annex_duties
    from lianxi.routing import selectors as routing

    give_annex_duties(mechanism)
    routing.clear_cache()
    document = make_plan(
        paragraphs=[
            *PLAN_BODY,
            "（二）加强尘肺病患者救治救助。对符合条件的困难尘肺病患者按规定纳入医疗救助和最低生活保障范围。",
            "（三）开展矿山、冶金等重点行业粉尘危害治理，督促企业落实安全生产主体责任。",
        ]
    )
    suggested = consultation_suggested_units(document)
    names = [s.unit.name for s in suggested]
    reasons = {s.unit.name: s.reason for s in suggested}
    assert "市卫生健康委" not in names
    assert reasons[hrss.name] == reasons[union.name] == "联合发文单位"
    routed = [s for s in suggested if s.reason.startswith("职责匹配")]
    assert routed, names
    assert "市民政局" in names or "市医疗保障局" in names or "市应急管理局" in names
    orders = [s.unit.order for s in suggested]
    assert orders == sorted(orders)


# --- a unit's reply --------------------------------------------------------------------------


def test_no_comment_takes_no_comments_三二(round1, hrss, other_liaison):
    with pytest.raises(ApplicationError, match="无意见"):
        answer(other_liaison, round1, hrss, stance="无意见", comments=[_comment(1, "改一下")])
    reply = answer(other_liaison, round1, hrss, stance="无意见")
    assert reply.status == Status.DRAFTED and reply.stance == UnitReply.Stance.NO_COMMENT
    assert not reply.comments.exists()


def test_comments_need_one_comment_each_anchored_to_a_paragraph_of_the_version_sent_三二(
    round1, hrss, other_liaison
):
    with pytest.raises(ApplicationError, match="至少填写一条"):
        answer(other_liaison, round1, hrss, stance="有修改意见", comments=[])
    with pytest.raises(ApplicationError, match="段落不存在"):
        answer(
            other_liaison,
            round1,
            hrss,
            stance="comments",
            comments=[_comment(len(PLAN_BODY), "超出范围")],
        )
    with pytest.raises(ApplicationError, match="第 1 条意见"):
        answer(other_liaison, round1, hrss, stance="comments", comments=[_comment(2, "  ")])
    reply = answer(
        other_liaison,
        round1,
        hrss,
        stance="comments",
        comments=[
            _comment(2, "目标偏高", "到2025年底，申报率达到90%以上。"),
            _comment(None, "建议增加宣传培训内容"),
        ],
    )
    first, second = reply.comments.order_by("order")
    assert first.paragraph == 2 and first.quoted == PLAN_BODY[2]
    assert first.proposed == "到2025年底，申报率达到90%以上。"
    assert second.paragraph is None and second.quoted == ""


def test_disagree_needs_reasons_which_become_a_comment_the_drafter_answers_三二(
    round1, union, union_liaison
):
    with pytest.raises(ApplicationError, match="理由"):
        answer(union_liaison, round1, union, stance="不同意")
    reply = answer(
        union_liaison, round1, union, stance="不同意", reasons="工会不宜作为联合发文单位"
    )
    assert reply.reasons == "工会不宜作为联合发文单位"
    (comment,) = reply.comments.all()
    assert comment.paragraph is None and comment.text == "工会不宜作为联合发文单位"


def test_a_new_draft_replaces_the_earlier_draft_comments_三二(round1, hrss, other_liaison):
    answer(
        other_liaison,
        round1,
        hrss,
        stance="comments",
        comments=[_comment(0, "一"), _comment(1, "二")],
    )
    reply = answer(other_liaison, round1, hrss, stance="comments", comments=[_comment(3, "三")])
    assert list(reply.comments.values_list("text", flat=True)) == ["三"]
    assert Comment.objects.count() == 1


def test_another_unit_cannot_draft_a_units_reply_三二(round1, hrss, union_liaison, clerk):
    for person in (union_liaison, clerk):
        with pytest.raises(PermissionDenied):
            answer(person, round1, hrss, stance="无意见")
    assert reply_of(round1, hrss).status == Status.PENDING


def test_a_liaison_cannot_approve_the_member_approves_before_it_goes_三二(
    round1, hrss, other_liaison, hrss_member, clerk
):
    answer(other_liaison, round1, hrss, stance="comments", comments=[_comment(4, "请明确牵头单位")])
    reply = reply_of(round1, hrss)
    with pytest.raises(PermissionDenied, match="成员审核"):
        reply_approve(actor=other_liaison.membership, reply=reply)
    with pytest.raises(PermissionDenied, match="成员审核"):
        answer(other_liaison, round1, hrss, stance="无意见", submit=True)
    assert reply_of(round1, hrss).status == Status.DRAFTED
    Message.objects.all().delete()
    reply = reply_approve(actor=hrss_member.membership, reply=reply)
    assert reply.status == Status.SUBMITTED and reply.submitted_at is not None
    assert reply.approved_by == hrss_member
    message = Message.objects.get(kind="document.reply")
    assert Delivery.objects.filter(message=message, user=clerk).exists()
    with pytest.raises(ApplicationError, match="不能再修改"):
        answer(hrss_member, round1, hrss, stance="无意见")


def test_approving_a_reply_not_yet_drafted_is_refused_三二(round1, hrss, hrss_member):
    with pytest.raises(ApplicationError, match="还没有起草"):
        reply_approve(actor=hrss_member.membership, reply=reply_of(round1, hrss))


def test_a_member_drafting_may_approve_at_once_三二(round1, union, union_member):
    reply = answer(union_member, round1, union, stance="无意见", submit=True)
    assert reply.status == Status.SUBMITTED and reply.approved_by == union_member
    assert AuditEvent.objects.filter(action="document.reply_approve").count() == 1


def test_the_round_ends_when_every_unit_has_answered_三二(
    round1, consulted, hrss, union, safety, finance
):
    for key, unit in (("hrss", hrss), ("union", union), ("safety", safety)):
        answer(consulted[key][1], round1, unit, stance="无意见", submit=True)
    round1.refresh_from_db()
    assert round1.status == Consultation.Status.OPEN
    answer(consulted["finance"][1], round1, finance, stance="无意见", submit=True)
    round1.refresh_from_db()
    assert round1.status == Consultation.Status.CLOSED and round1.closed_at is not None


# --- the drafter's decisions -------------------------------------------------------------------


@pytest.fixture
def submitted_comment(round1, hrss, other_liaison, hrss_member) -> Comment:
    answer(
        other_liaison, round1, hrss, stance="comments", comments=[_comment(2, "目标偏高", "90%")]
    )
    reply_approve(actor=hrss_member.membership, reply=reply_of(round1, hrss))
    return Comment.objects.get()


def test_only_the_drafter_decides_a_comment_三二(submitted_comment, hrss_member, union_member):
    for person in (hrss_member, union_member):
        with pytest.raises(PermissionDenied):
            comment_decide(actor=person.membership, comment=submitted_comment, decision="采纳")
    submitted_comment.refresh_from_db()
    assert submitted_comment.decision == ""


@pytest.mark.parametrize("decision", ["部分采纳", "不采纳"])
def test_partly_or_not_adopted_needs_a_reason_三二(submitted_comment, clerk, decision):
    with pytest.raises(ApplicationError, match="理由"):
        comment_decide(actor=clerk.membership, comment=submitted_comment, decision=decision)
    comment = comment_decide(
        actor=clerk.membership, comment=submitted_comment, decision=decision, reason="已有规定"
    )
    assert comment.get_decision_display() == decision and comment.decision_reason == "已有规定"


def test_a_decision_may_change_until_the_document_is_issued_三二(
    submitted_comment, clerk, health_liaison, plan
):
    comment_decide(actor=clerk.membership, comment=submitted_comment, decision="采纳")
    comment = comment_decide(
        actor=health_liaison.membership,
        comment=submitted_comment,
        decision="部分采纳",
        reason="调整为92%",
    )
    assert comment.decision == Comment.Decision.PARTLY and comment.decided_by == health_liaison
    events = AuditEvent.objects.filter(action="document.comment_decide").order_by("id")
    assert [e.data["previous"] for e in events] == ["", "adopted"]
    OfficialDocument.objects.filter(pk=plan.pk).update(status=OfficialDocument.Status.ISSUED)
    with pytest.raises(ApplicationError, match="已印发"):
        comment_decide(actor=clerk.membership, comment=submitted_comment, decision="采纳")
    submitted_comment.refresh_from_db()
    assert submitted_comment.decision == Comment.Decision.PARTLY


def test_a_comment_not_yet_approved_by_its_member_cannot_be_decided_三二(
    round1, union, union_liaison, clerk
):
    answer(union_liaison, round1, union, stance="comments", comments=[_comment(0, "草稿意见")])
    with pytest.raises(ApplicationError, match="尚未经本单位成员审核"):
        comment_decide(actor=clerk.membership, comment=Comment.objects.get(), decision="采纳")


# --- closing early -----------------------------------------------------------------------------


def test_closing_early_treats_silent_units_as_no_comment_when_the_round_says_so_三二(
    round1, clerk, hrss, union, other_liaison, union_member
):
    answer(other_liaison, round1, hrss, stance="无意见")  # drafted, never approved
    answer(union_member, round1, union, stance="无意见", submit=True)
    consultation_close(actor=clerk.membership, consultation=round1)
    round1.refresh_from_db()
    statuses = dict(round1.replies.values_list("unit__name", "status"))
    assert statuses == {
        "市人力资源和社会保障局": Status.DEEMED,
        "市总工会": Status.SUBMITTED,
        "市应急管理局": Status.DEEMED,
        "市财政局": Status.DEEMED,
    }
    assert round1.status == Consultation.Status.CLOSED
    with pytest.raises(ApplicationError, match="已结束"):
        answer(other_liaison, round1, hrss, stance="无意见")


def test_closing_early_records_silent_units_as_overdue_otherwise_三二(
    plan, send_round, clerk, hrss
):
    consultation = send_round(plan, silence_is_consent=False)
    consultation_close(actor=clerk.membership, consultation=consultation)
    assert set(consultation.replies.values_list("status", flat=True)) == {Status.OVERDUE}


def test_only_the_drafter_closes_a_round_三二(round1, hrss_member):
    with pytest.raises(PermissionDenied):
        consultation_close(actor=hrss_member.membership, consultation=round1)
    round1.refresh_from_db()
    assert round1.status == Consultation.Status.OPEN


# --- a second round ----------------------------------------------------------------------------


def test_a_second_round_on_a_revised_version_keeps_the_first_rounds_replies_and_decisions_三二(
    submitted_comment, round1, plan, clerk, send_round, hrss, other_liaison
):
    comment_decide(actor=clerk.membership, comment=submitted_comment, decision="采纳")
    consultation_close(actor=clerk.membership, consultation=round1)
    revised = [*PLAN_BODY]
    revised[2] = "到2025年底，重点行业用人单位职业病危害项目申报率达到90%以上。"
    document_save(
        actor=clerk.membership, document=plan, based_on=1, title=plan.title, paragraphs=revised
    )
    round2 = send_round(plan, unit_ids=[hrss.pk])
    assert round2.round == 2 and round2.version.number == 2
    answer(other_liaison, round2, hrss, stance="comments", comments=[_comment(2, "同意修改")])
    first = reply_of(round1, hrss)
    assert first.status == Status.SUBMITTED
    (kept,) = first.comments.all()
    assert kept.decision == Comment.Decision.ADOPTED and kept.quoted == PLAN_BODY[2]
    (new,) = reply_of(round2, hrss).comments.all()
    assert new.quoted == revised[2]
    assert plan.consultations.count() == 2


def test_the_consulted_unit_sees_only_the_version_sent_to_it_三二(
    round1, plan, clerk, other_liaison, safety_liaison
):
    document_save(
        actor=clerk.membership,
        document=plan,
        based_on=1,
        title=plan.title,
        paragraphs=[*PLAN_BODY, "四、附则"],
    )
    assert list(visible_versions(other_liaison, plan).values_list("number", flat=True)) == [1, 2]
    assert list(visible_versions(safety_liaison, plan).values_list("number", flat=True)) == [1]


def test_a_round_is_sent_only_on_a_draft_三二(plan, send_round):
    OfficialDocument.objects.filter(pk=plan.pk).update(status=OfficialDocument.Status.COSIGNING)
    with pytest.raises(ApplicationError, match="会签"):
        send_round(plan)


def test_consultation_send_takes_the_drafting_unit_liaison_too_三二(plan, health_liaison, hrss):
    consultation = consultation_send(
        actor=health_liaison.membership,
        document=plan,
        unit_ids=[hrss.pk],
        deadline_workdays=1,
        today=SENT_ON,
    )
    assert consultation.deadline == date(2026, 11, 3)
    assert consultation.sent_by == health_liaison
