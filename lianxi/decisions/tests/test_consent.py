"""Consent of the units concerned (四(四)): rounds, answers, silence, the outcome in one
transaction, and the 请示 to the city government when units disagree."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lianxi.conftest import aware
from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent
from lianxi.documents.models import OfficialDocument
from lianxi.documents.services import cosign_request, cosign_sign, document_issue
from lianxi.documents.tests.issuing_helpers import make_register
from lianxi.notifications.models import Message
from lianxi.supervision.models import ActionItem

from ..access import DecisionSight, shows_answer, visible_decisions
from ..models import Decision, DecisionRound, Opinion
from ..services import (
    ResolutionInput,
    decision_adopt,
    decision_escalate,
    government_decision_record,
    opinion_answer,
    round_close,
)
from .conftest import one_item, opinion_of, say

pytestmark = pytest.mark.django_db

Stance = Opinion.Stance
AFTER_DEADLINE = aware(2026, 11, 10, 9)  # the deadline is Monday 2026-11-09


def test_a_round_asks_every_concerned_unit_with_a_deadline_in_working_days_四四(matter, put, four):
    round_ = put(matter)
    assert round_.deadline.isoformat() == "2026-11-09"
    assert sorted(o.unit.name for o in round_.opinions.all()) == sorted(u.name for u in four)
    assert {o.status for o in round_.opinions.all()} == {Opinion.Status.PENDING}
    matter.refresh_from_db()
    assert matter.status == Decision.Status.CONSULTING


def test_disagreeing_needs_reasons_and_agreeing_in_principle_needs_amendments_四四(
    matter, put, people
):
    put(matter)
    _, member = people["safety"]
    with pytest.raises(ApplicationError, match="不同意的，请写明理由"):
        say(member, matter, Stance.DISAGREE)
    with pytest.raises(ApplicationError, match="原则同意的，请写明修改意见"):
        say(member, matter, Stance.AGREE_WITH_AMENDMENTS, "  ")
    assert opinion_of(matter, member.membership.unit).status == Opinion.Status.PENDING


def test_the_liaison_drafts_and_only_the_member_or_a_named_substitute_gives_the_answer_四四(
    matter, put, people
):
    put(matter)
    liaison, member = people["union"]
    opinion = opinion_of(matter, liaison.membership.unit)
    opinion_answer(actor=liaison.membership, opinion=opinion, stance=Stance.AGREE, text="")
    opinion.refresh_from_db()
    assert opinion.status == Opinion.Status.DRAFTED
    with pytest.raises(ApplicationError, match="受委托负责同志"):
        opinion_answer(actor=liaison.membership, opinion=opinion, stance=Stance.AGREE, submit=True)
    # The member on leave: the liaison gives the answer the named substitute approved.
    opinion_answer(
        actor=liaison.membership,
        opinion=opinion,
        stance=Stance.AGREE,
        submit=True,
        substitute_name="刘副主席",
        substitute_title="市总工会副主席",
    )
    opinion.refresh_from_db()
    assert (opinion.status, opinion.answered_as, opinion.substitute_name) == (
        Opinion.Status.SUBMITTED,
        Opinion.AnsweredAs.SUBSTITUTE,
        "刘副主席",
    )
    with pytest.raises(ApplicationError, match="已经答复"):
        opinion_answer(actor=member.membership, opinion=opinion, stance=Stance.DISAGREE,
                       text="改变主意", submit=True)  # fmt: skip
    event = AuditEvent.objects.filter(action="decision.opinion").latest("id")
    assert event.data["answered_as"] == "substitute" and event.data["substitute"] == "刘副主席"


def test_a_member_answers_for_the_unit_and_no_one_answers_for_another_unit_四四(
    matter, put, people
):
    put(matter)
    _, member = people["hrss"]
    safety_liaison, _ = people["safety"]
    say(member, matter, Stance.AGREE)
    assert opinion_of(matter, member.membership.unit).answered_as == Opinion.AnsweredAs.MEMBER
    with pytest.raises(ApplicationError, match="只有被征求意见单位"):
        opinion_answer(
            actor=safety_liaison.membership,
            opinion=opinion_of(matter, member.membership.unit),
            stance=Stance.DISAGREE,
            text="x",
        )


def test_answers_are_hidden_from_other_units_until_the_round_closes_四四(
    matter, put, people, clerk
):
    round_ = put(matter)
    _, hrss_member = people["hrss"]
    _, union_member = people["union"]
    hrss_opinion = say(hrss_member, matter, Stance.AGREE)
    union_view = DecisionSight(union_member.membership, secretariat=False, government=False)
    clerk_view = DecisionSight(clerk.membership, secretariat=True, government=False)
    round_.refresh_from_db()
    assert shows_answer(clerk_view, hrss_opinion, round_)
    assert not shows_answer(union_view, hrss_opinion, round_)
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        round_close(actor=clerk.membership, decision=matter)
    round_.refresh_from_db()
    assert shows_answer(union_view, hrss_opinion, round_)


def test_silence_at_the_deadline_is_never_consent_四四(matter, put, people, clerk, four):
    put(matter)
    for key in ("hrss", "union", "safety"):
        say(people[key][1], matter, Stance.AGREE)
    with (
        pytest.raises(ApplicationError, match="截止后才能结束本轮"),
        time_machine.travel(aware(2026, 11, 9, 15), tick=False),
    ):
        round_close(actor=clerk.membership, decision=matter)
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        round_ = round_close(actor=clerk.membership, decision=matter)
    silent = opinion_of(matter, four[3])
    assert (silent.status, silent.stance, silent.overdue) == (Opinion.Status.SILENT, "", True)
    with pytest.raises(ApplicationError, match="逾期未答复不视为同意"):
        decision_adopt(actor=clerk.membership, decision=matter, resolutions=one_item(four[0]))
    assert not ActionItem.objects.exists()
    assert round_.status == DecisionRound.Status.CLOSED


def test_all_agreeing_adopts_the_matter_and_its_items_in_one_transaction_四四_二四(
    matter, put, people, clerk, four
):
    put(matter)
    for key in ("hrss", "union", "safety"):
        say(people[key][1], matter, Stance.AGREE)
    say(people["finance"][1], matter, Stance.AGREE_WITH_AMENDMENTS, "资金按年度预算安排。")
    with time_machine.travel(aware(2026, 11, 5, 9), tick=False):
        round_close(actor=clerk.membership, decision=matter)  # every unit answered: early
        bad = [*one_item(four[0]), ResolutionInput(text="", lead_unit_id=four[1].pk)]
        with pytest.raises(ApplicationError, match="第 2 项决定事项"):
            decision_adopt(
                actor=clerk.membership, decision=matter, resolutions=bad, amendments_taken=True
            )
        assert not ActionItem.objects.exists()
        with pytest.raises(ApplicationError, match="市财政局原则同意并提出了修改意见"):
            decision_adopt(actor=clerk.membership, decision=matter, resolutions=one_item(four[0]))
        made = decision_adopt(
            actor=clerk.membership,
            decision=matter,
            amendments_taken=True,
            resolutions=[
                ResolutionInput(
                    text="将尘肺病患者纳入医疗救助",
                    lead_unit_id=four[0].pk,
                    supporting_unit_ids=[four[3].pk],
                    deadline_workdays=20,
                ),
                *one_item(four[1], "做好困难尘肺病患者帮扶"),
            ],
        )
    matter.refresh_from_db()
    assert matter.status == Decision.Status.ADOPTED
    items = ActionItem.objects.order_by("pk")
    assert [(i.title, i.lead_unit.name, i.source) for i in items] == [
        ("将尘肺病患者纳入医疗救助", "市人力资源和社会保障局", ActionItem.Source.DECISION),
        ("做好困难尘肺病患者帮扶", "市总工会", ActionItem.Source.DECISION),
    ]
    assert [u.name for u in items[0].supporting_units.all()] == ["市财政局"]
    assert [r.action_item_id for r in made] == [i.pk for i in items]
    assert opinion_of(matter, four[3]).amendments_taken is True
    assert AuditEvent.objects.filter(action="decision.adopt").count() == 1


def _disagreed(matter: Decision, put: Any, people: Any, clerk: Any) -> None:
    put(matter)
    for key in ("hrss", "union", "finance"):
        say(people[key][1], matter, Stance.AGREE)
    say(people["safety"][1], matter, Stance.DISAGREE, "尘肺病救助不属于应急管理部门职责。")
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        round_close(actor=clerk.membership, decision=matter)


def test_without_agreement_the_request_carries_each_units_position_and_reasons_四四(
    matter, put, people, clerk, four, health_member, gov_reader, unit_named
):
    _disagreed(matter, put, people, clerk)
    with pytest.raises(ApplicationError, match="未取得各相关单位一致同意"):
        decision_adopt(actor=clerk.membership, decision=matter, resolutions=one_item(four[0]))
    with pytest.raises(ApplicationError, match="至少列出两个可选方案"):
        decision_escalate(actor=clerk.membership, decision=matter, disagreement="职责",
                          options=["只有一个"], recommendation="建议方案一")  # fmt: skip
    document = decision_escalate(
        actor=clerk.membership,
        decision=matter,
        disagreement="应急管理局认为救助不属其职责。",
        options=["由医疗保障局牵头救助", "由人社局牵头，应急管理局配合"],
        recommendation="建议采纳方案一。",
        co_signing_unit_ids=[four[0].pk],
    )
    matter.refresh_from_db()
    assert matter.status == Decision.Status.AWAITING_GOVERNMENT
    assert document.kind == OfficialDocument.Kind.REQUEST
    version = document.versions.get()
    body = "\n".join(version.paragraphs)
    assert "市应急管理局：不同意。理由和意见：尘肺病救助不属于应急管理部门职责。" in body
    assert "市财政局：同意" in body
    assert "方案一：由医疗保障局牵头救助" in body and "方案二：由人社局牵头" in body
    assert "应急管理局认为救助不属其职责。" in body and "建议采纳方案一。" in body
    assert "工作规则第四条第（四）项" in body
    assert [r.unit_id for r in document.recipients.all()] == [unit_named("市政府办公室").pk]
    assert [i.unit.name for i in document.issuers.order_by("order")] == [
        "市卫生健康委",
        "市人力资源和社会保障局",
    ]


def _escalate(matter: Decision, clerk: Any, four: Any) -> OfficialDocument:
    return decision_escalate(
        actor=clerk.membership,
        decision=matter,
        disagreement="职责分歧",
        options=["方案甲", "方案乙"],
        recommendation="建议方案甲",
        co_signing_unit_ids=[four[0].pk],
    )


def _issue(document: OfficialDocument, clerk: Any, health: Any, hrss_member: Any) -> date:
    """The 请示 co-signed by 人社局 and issued to the government office; its date."""
    cosign_request(actor=clerk.membership, document=document)
    cosign_sign(actor=hrss_member.membership, signature=document.cosignatures.get())
    make_register(clerk, health, prefix="信职联")
    issued = document_issue(actor=clerk.membership, document=document)
    return timezone.localtime(issued.issued_at).date()


def test_the_government_decides_on_the_issued_request_and_it_binds_四四(
    matter, put, people, clerk, four, health, health_member, gov_reader
):
    _disagreed(matter, put, people, clerk)
    document = _escalate(matter, clerk, four)
    matter.refresh_from_db()
    today = timezone.localdate()
    with pytest.raises(ApplicationError, match="请示尚未印发"):
        government_decision_record(actor=clerk.membership, decision=matter, option=1,
                                   text="同意", decided_on=today,
                                   resolutions=one_item(four[0]))  # fmt: skip
    assert not visible_decisions(gov_reader).exists()  # a draft 请示 was not sent to it
    issued_on = _issue(document, clerk, health, people["hrss"][1])
    matter.refresh_from_db()
    assert list(visible_decisions(gov_reader)) == [matter]
    with pytest.raises(ApplicationError, match="请上传市政府批复的扫描件"):
        government_decision_record(actor=clerk.membership, decision=matter, option=1,
                                   text="同意方案甲", decided_on=issued_on,
                                   resolutions=one_item(four[0]))  # fmt: skip
    with pytest.raises(ApplicationError, match="请示所列的方案"):
        government_decision_record(actor=gov_reader.membership, decision=matter, option=3,
                                   text="同意", decided_on=issued_on,
                                   resolutions=one_item(four[0]))  # fmt: skip
    made = government_decision_record(
        actor=gov_reader.membership,
        decision=matter,
        option=1,
        text="同意方案甲，由人社局牵头。",
        decided_on=issued_on,
        resolutions=one_item(four[0]),
    )
    matter.refresh_from_db()
    assert matter.status == Decision.Status.DECIDED
    assert (matter.government_option, matter.government_recorded_by) == (1, gov_reader)
    item = made[0].action_item
    assert (item.source, item.lead_unit.name) == (
        ActionItem.Source.GOVERNMENT,
        "市人力资源和社会保障局",
    )
    told = Message.objects.filter(kind="decision.government").get()
    assert "采纳方案一" in told.body


def test_the_secretariat_records_the_paper_reply_with_its_scan_四四(
    matter, put, people, clerk, four, health, health_member, gov_reader
):
    _disagreed(matter, put, people, clerk)
    issued_on = _issue(_escalate(matter, clerk, four), clerk, health, people["hrss"][1])
    matter.refresh_from_db()
    scan = SimpleUploadedFile("市政府批复.pdf", b"%PDF-1.4 scan", content_type="application/pdf")
    government_decision_record(
        actor=clerk.membership,
        decision=matter,
        option=2,
        text="同意方案乙。",
        decided_on=issued_on,
        resolutions=one_item(four[2], "应急管理局配合做好救助对象排查"),
        scan=scan,
    )
    matter.refresh_from_db()
    assert matter.government_scan_name == "市政府批复.pdf"
    with matter.government_scan.open("rb") as stored:
        assert stored.read() == b"%PDF-1.4 scan"


def test_the_request_names_a_substitutes_answer_and_each_rounds_revision_四四(
    matter, put, people, clerk, health_member, gov_reader
):
    put(matter)
    for key in ("hrss", "finance"):
        say(people[key][1], matter, Stance.AGREE)
    say(people["safety"][1], matter, Stance.DISAGREE, "职责不符。")
    say(people["union"][0], matter, Stance.AGREE, substitute_name="刘副主席")
    with time_machine.travel(AFTER_DEADLINE, tick=False):
        round_close(actor=clerk.membership, decision=matter)
    document = decision_escalate(actor=clerk.membership, decision=matter, disagreement="职责",
                                 options=["甲", "乙"], recommendation="甲")  # fmt: skip
    body = "\n".join(document.versions.get().paragraphs)
    assert "市总工会：同意（成员请假，由受委托负责同志刘副主席审定）" in body
    assert "先后一轮征求" in body and "第一轮（2026年11月9日截止）：" in body


def test_a_stance_at_a_meeting_is_recorded_only_once_the_meeting_began_四四(matter, clerk, four):
    from datetime import timedelta

    from lianxi.meetings.services import agenda_item_add, meeting_schedule

    from ..services import opinion_record_at_meeting, round_open

    start = aware(2026, 11, 2, 9)
    with time_machine.travel(start, tick=False):
        meeting = meeting_schedule(kind="plenary", title="全体会议", location="三楼会议室",
                                   starts_at=start + timedelta(days=3),
                                   ends_at=start + timedelta(days=3, hours=2),
                                   actor=clerk.membership)  # fmt: skip
        item = agenda_item_add(meeting=meeting, title="尘肺病救助", actor=clerk.membership)
        round_open(actor=clerk.membership, decision=matter, method="meeting",
                   agenda_item_id=item.pk)  # fmt: skip
        with pytest.raises(ApplicationError, match="会议尚未召开"):
            opinion_record_at_meeting(
                actor=clerk.membership, opinion=opinion_of(matter, four[0]), stance="agree"
            )
    with time_machine.travel(start + timedelta(days=3, minutes=5), tick=False):
        opinion = opinion_record_at_meeting(
            actor=clerk.membership, opinion=opinion_of(matter, four[0]), stance="agree"
        )
    assert opinion.answered_as == Opinion.AnsweredAs.AT_MEETING
