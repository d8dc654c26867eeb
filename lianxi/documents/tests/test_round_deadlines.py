"""The comment rounds' deadline tick (征求意见, 三(二)), `consultation_deadlines`: where the round
says 逾期未反馈视为无意见 the silent units are recorded as no comment and the round ends; else
silence is flagged and reminded once per level — the liaison the first working day after the
deadline, the member the second, the secretariat the third. Time is passed as `now`; the home
panel reads the clock, moved with time_machine. The round is sent on Monday 2026-11-02 with a
deadline of Thursday 2026-11-05 (rounds_fixtures)."""

# The rounds' fixtures are imported from rounds_fixtures, and pytest passes them by name.
# ruff: noqa: F811

from __future__ import annotations

from typing import Any

import pytest
import time_machine

from lianxi.conftest import aware
from lianxi.core.models import AuditEvent
from lianxi.core.ticks import registered_ticks, run_tick
from lianxi.notifications.models import Delivery, Message

from ..models import Consultation, OfficialDocument, UnitReply
from ..panels_rounds import replies_due_panel
from ..selectors_rounds import adoption_rows
from ..services import consultation_close, reply_approve
from ..services.consultation import consultation_deadlines
from .conftest import member_of
from .rounds_fixtures import (  # noqa: F401
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
Stance = UnitReply.Stance
REMINDER = "document.reply_reminder"
NOTHING = {"deemed": 0, "reminded": 0}

# The deadline (Thursday 2026-11-05) and the working days after it.
DEADLINE_EVENING = aware(2026, 11, 5, 23, 59)
FRIDAY = aware(2026, 11, 6, 9)  # 1st working day after: the liaison
SATURDAY = aware(2026, 11, 7, 9)
MONDAY = aware(2026, 11, 9, 9)  # 2nd: the member
TUESDAY = aware(2026, 11, 10, 9)  # 3rd: the secretariat
WEDNESDAY = aware(2026, 11, 11, 9)


def inbox(user: Any, kind: str = REMINDER) -> list[str]:
    """The subjects of the person's inbox messages of `kind`, oldest first."""
    return list(
        Delivery.objects.filter(user=user, channel=Delivery.Channel.INBOX, message__kind=kind)
        .order_by("message_id")
        .values_list("message__subject", flat=True)
    )


def statuses(consultation: Consultation) -> dict[str, str]:
    return dict(consultation.replies.values_list("unit__name", "status"))


@pytest.fixture
def silent_round(plan: OfficialDocument, send_round: Any) -> Consultation:
    """A round to the four units that does not take silence as consent."""
    return send_round(plan, silence_is_consent=False)


@pytest.fixture
def consent_round(make_plan: Any, send_round: Any) -> Consultation:
    """A round that takes silence as consent, on another document (one round at a time)."""
    return send_round(make_plan(title="关于开展职业健康宣传周活动的方案"))


def test_the_deadline_tick_is_registered_三二() -> None:
    """三(二): the platform's tick runs the rounds' deadlines."""
    assert registered_ticks()["documents.consultation_deadlines"] is consultation_deadlines


def test_nothing_happens_until_the_deadline_day_has_passed_三二(
    consent_round: Consultation, silent_round: Any
) -> None:
    """三(二): the deadline day is the units' to the end ('请于截止日前反馈'): a tick on its
    evening records and reminds nothing."""
    assert consultation_deadlines(DEADLINE_EVENING) == NOTHING
    assert set(UnitReply.objects.values_list("status", flat=True)) == {Status.PENDING}
    assert Consultation.objects.filter(status=Consultation.Status.OPEN).count() == 2
    assert not Message.objects.filter(kind=REMINDER).exists()


def test_the_deadline_day_is_the_platforms_not_utcs_三二(consent_round: Consultation) -> None:
    """三(二): five past midnight in 信阳 (still 2026-11-05 in UTC) the deadline has passed."""
    assert consultation_deadlines(aware(2026, 11, 6, 0, 5)) == {"deemed": 4, "reminded": 0}
    consent_round.refresh_from_db()
    assert consent_round.status == Consultation.Status.CLOSED


# --- 逾期未反馈视为无意见 -------------------------------------------------------------------------


def test_at_the_deadline_silent_units_are_recorded_as_no_comment_and_the_round_ends_三二(
    round1: Consultation, plan: OfficialDocument, consulted: Any, clerk: Any, hrss: Any, union: Any
) -> None:
    """三(二) 逾期未反馈视为无意见: the first tick after the deadline records every unit that has
    not sent its answer — one whose liaison drafted it without the member's approval too — as
    逾期视为无意见 (stance 无意见); the unit that answered keeps its answer and its comments; the
    round ends and the drafter is told who was silent."""
    answer(consulted["hrss"][0], round1, hrss, stance="无意见")  # drafted, never approved
    comment = {"paragraph": 2, "text": "目标偏高", "proposed": "达到90%以上。"}
    union_reply = answer(
        consulted["union"][1], round1, union, stance="comments", comments=[comment], submit=True
    )
    assert consultation_deadlines(FRIDAY) == {"deemed": 3, "reminded": 0}

    round1.refresh_from_db()
    assert round1.status == Consultation.Status.CLOSED and round1.closed_at == FRIDAY
    assert statuses(round1) == {
        "市人力资源和社会保障局": Status.DEEMED,
        "市总工会": Status.SUBMITTED,
        "市应急管理局": Status.DEEMED,
        "市财政局": Status.DEEMED,
    }
    assert set(round1.replies.filter(status=Status.DEEMED).values_list("stance", flat=True)) == {
        Stance.NO_COMMENT
    }
    answered = reply_of(round1, union)
    assert answered.stance == Stance.COMMENTS
    assert answered.submitted_at == union_reply.submitted_at
    assert list(answered.comments.values_list("text", flat=True)) == ["目标偏高"]
    assert not UnitReply.objects.exclude(reminder_level=0).exists()

    event = AuditEvent.objects.get(action="document.consultation_deemed")
    assert event.data == {
        "round": 1,
        "deemed": ["市财政局", "市人力资源和社会保障局", "市应急管理局"],  # the units' order
    }
    told = Message.objects.get(kind="document.consultation_deemed")
    assert told.subject == f"征求意见已截止：{plan.title}"
    assert "市财政局、市人力资源和社会保障局、市应急管理局逾期未反馈，视为无意见" in told.body
    assert inbox(clerk, "document.consultation_deemed") == [told.subject]
    assert not Message.objects.filter(kind=REMINDER).exists()
    # The 意见采纳情况表 says so for each silent unit.
    texts = {row.unit: row.text for row in adoption_rows(plan)}
    assert texts["市应急管理局"] == "逾期未反馈，视为无意见"
    assert texts["市总工会"] == "目标偏高"


def test_the_no_comment_tick_is_idempotent_三二(round1: Consultation, clerk: Any) -> None:
    """三(二): a second tick, the same day or later, and the whole platform tick change
    nothing: no second record, message or audit event."""
    assert consultation_deadlines(FRIDAY) == {"deemed": 4, "reminded": 0}
    round1.refresh_from_db()
    closed_at = round1.closed_at
    before = (Message.objects.count(), AuditEvent.objects.count())
    assert consultation_deadlines(FRIDAY) == NOTHING
    assert consultation_deadlines(TUESDAY) == NOTHING
    run_tick(WEDNESDAY)
    assert (Message.objects.count(), AuditEvent.objects.count()) == before
    round1.refresh_from_db()
    assert round1.closed_at == closed_at
    assert set(round1.replies.values_list("status", flat=True)) == {Status.DEEMED}
    assert inbox(clerk, "document.consultation_deemed") == [f"征求意见已截止：{round1.document}"]


def test_a_round_every_unit_answered_is_not_touched_at_the_deadline_三二(
    round1: Consultation, consulted: Any, hrss: Any, union: Any, safety: Any, finance: Any
) -> None:
    """三(二): a round ended by its last answer has nothing left for the tick."""
    for key, unit in (("hrss", hrss), ("union", union), ("safety", safety), ("finance", finance)):
        answer(consulted[key][1], round1, unit, stance="无意见", submit=True)
    assert consultation_deadlines(FRIDAY) == NOTHING
    assert set(round1.replies.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert not AuditEvent.objects.filter(action="document.consultation_deemed").exists()


# --- silence flagged and reminded ------------------------------------------------------------


def test_silence_is_reminded_to_the_liaison_then_the_member_then_the_secretariat_三二(
    silent_round: Consultation, plan: OfficialDocument, consulted: Any, clerk: Any
) -> None:
    """三(二) where silence is not consent: the silent units are flagged 逾期未反馈 and the round
    stays open; the liaison is reminded the first working day after the deadline, the member the
    second (the weekend does not count), the secretariat the third; each once."""
    liaisons = [people[0] for people in consulted.values()]
    members = [people[1] for people in consulted.values()]

    assert consultation_deadlines(FRIDAY) == {"deemed": 0, "reminded": 4}
    silent_round.refresh_from_db()
    assert silent_round.status == Consultation.Status.OPEN
    assert set(silent_round.replies.values_list("status", flat=True)) == {Status.OVERDUE}
    assert set(silent_round.replies.values_list("reminder_level", flat=True)) == {1}
    for liaison in liaisons:
        assert inbox(liaison) == [f"征求意见已逾期：{plan.title}"]
    assert all(inbox(member) == [] for member in members) and inbox(clerk) == []
    reply = reply_of(silent_round, consulted["safety"][0].membership.unit)
    message = Message.objects.get(key=f"documents:reply:{reply.pk}:reminder:1")
    assert message.url == f"/documents/replies/{reply.pk}/"
    assert "截止日期 2026年11月5日 已过" in message.body

    assert consultation_deadlines(FRIDAY) == NOTHING  # the same day again
    assert consultation_deadlines(SATURDAY) == NOTHING  # a weekend day is no working day
    assert Message.objects.filter(kind=REMINDER).count() == 4

    assert consultation_deadlines(MONDAY) == {"deemed": 0, "reminded": 4}
    for member in members:
        assert inbox(member) == [f"【提请督促】征求意见已逾期：{plan.title}"]
    assert all(len(inbox(liaison)) == 1 for liaison in liaisons) and inbox(clerk) == []

    assert consultation_deadlines(TUESDAY) == {"deemed": 0, "reminded": 4}
    assert sorted(inbox(clerk)) == sorted(
        f"征求意见逾期未反馈：{unit}"
        for unit in ("市人力资源和社会保障局", "市总工会", "市应急管理局", "市财政局")
    )
    escalated = Message.objects.get(key=f"documents:reply:{reply.pk}:reminder:3")
    assert escalated.url == f"/documents/{plan.pk}/" and "工作规则三(二)" in escalated.body

    # Nothing after the third level, however long the silence lasts.
    assert consultation_deadlines(WEDNESDAY) == NOTHING
    run_tick(aware(2026, 11, 20, 9))
    assert Message.objects.filter(kind=REMINDER).count() == 12
    assert AuditEvent.objects.filter(action="document.reply_remind").count() == 12
    assert set(silent_round.replies.values_list("reminder_level", flat=True)) == {3}
    silent_round.refresh_from_db()
    assert silent_round.status == Consultation.Status.OPEN


def test_a_unit_that_answers_after_the_first_reminder_is_not_reminded_again_三二(
    silent_round: Consultation, consulted: Any, clerk: Any, hrss: Any, union: Any
) -> None:
    """三(二): 人社局 answers (its member approves) after its liaison's reminder: neither its
    member nor the secretariat hears of it again. 总工会's liaison only drafts: its member is
    still reminded, told that a draft waits for approval."""
    hrss_liaison, hrss_member = consulted["hrss"]
    union_liaison, union_member = consulted["union"]
    consultation_deadlines(FRIDAY)
    with time_machine.travel(aware(2026, 11, 6, 10), tick=False):
        answer(hrss_liaison, silent_round, hrss, stance="无意见")
        reply_approve(actor=hrss_member.membership, reply=reply_of(silent_round, hrss))
        answer(union_liaison, silent_round, union, stance="无意见")  # drafted only

    assert consultation_deadlines(MONDAY) == {"deemed": 0, "reminded": 3}
    assert inbox(hrss_member) == []
    (to_member,) = Message.objects.filter(
        kind=REMINDER, deliveries__user=union_member, deliveries__channel="inbox"
    )
    assert "联络员已起草反馈，请审核后报送。" in to_member.body
    assert reply_of(silent_round, union).status == Status.DRAFTED  # not turned into overdue

    assert consultation_deadlines(TUESDAY) == {"deemed": 0, "reminded": 3}
    assert "征求意见逾期未反馈：市人力资源和社会保障局" not in inbox(clerk)
    assert len(inbox(clerk)) == 3
    answered = reply_of(silent_round, hrss)
    assert (answered.status, answered.reminder_level) == (Status.SUBMITTED, 1)
    assert AuditEvent.objects.get(action="document.reply_approve").data["late"] is True


def test_a_late_tick_sends_every_level_due_in_order_三二(
    silent_round: Consultation, consulted: Any, clerk: Any, second_clerk: Any, safety: Any
) -> None:
    """三(二): a tick that first runs on the third working day after the deadline sends the
    three levels at once, liaison, member, secretariat in that order; the secretariat of
    another joint meeting hears nothing."""
    assert consultation_deadlines(TUESDAY) == {"deemed": 0, "reminded": 12}
    reply = reply_of(silent_round, safety)
    keys = list(
        Message.objects.filter(key__startswith=f"documents:reply:{reply.pk}:")
        .order_by("id")
        .values_list("key", flat=True)
    )
    assert keys == [f"documents:reply:{reply.pk}:reminder:{level}" for level in (1, 2, 3)]
    liaison, member = consulted["safety"]
    assert len(inbox(liaison)) == len(inbox(member)) == 1
    assert len(inbox(clerk)) == 4
    assert inbox(second_clerk) == []
    assert consultation_deadlines(WEDNESDAY) == NOTHING


def test_a_unit_without_a_liaison_is_reminded_through_its_member_三二(
    plan: OfficialDocument, send_round: Any, unit_named: Any
) -> None:
    """三(二): the first reminder goes to the liaison, or to the member where the unit has none."""
    civil = unit_named("市民政局")
    boss = member_of(civil, "civilboss", "民政局长")
    consultation = send_round(plan, unit_ids=[civil.pk], silence_is_consent=False)
    assert consultation_deadlines(FRIDAY) == {"deemed": 0, "reminded": 1}
    assert inbox(boss) == [f"征求意见已逾期：{plan.title}"]
    assert consultation_deadlines(MONDAY) == {"deemed": 0, "reminded": 1}
    assert len(inbox(boss)) == 2
    assert consultation.replies.get().reminder_level == 2


def test_closing_a_reminded_round_records_an_unapproved_draft_as_not_answered_三二(
    silent_round: Consultation, plan: OfficialDocument, consulted: Any, clerk: Any, union: Any
) -> None:
    """三(二): the drafter ends a round that does not take silence as consent after the
    reminders; 总工会's liaison had drafted an answer its member never approved. The unit did
    not answer: it is recorded 逾期未反馈 and the 意见采纳情况表 says so, like the silent ones."""
    consultation_deadlines(FRIDAY)
    answer(consulted["union"][0], silent_round, union, stance="无意见")  # never approved
    consultation_close(actor=clerk.membership, consultation=silent_round)
    texts = {row.unit: row.text for row in adoption_rows(plan)}
    assert texts["市应急管理局"] == "逾期未反馈"
    assert reply_of(silent_round, union).status == Status.OVERDUE
    assert texts.get("市总工会") == "逾期未反馈"


# --- the home panel ----------------------------------------------------------------------------


def test_the_home_panel_shows_the_overdue_reply_三二(
    silent_round: Consultation, consent_round: Any, consulted: Any, safety: Any, login: Any
) -> None:
    """三(二): while its round is open the unit's home page names the overdue reply (已逾期, in
    red); the round that took silence as consent ended at the deadline and is not shown."""
    assert consultation_deadlines(FRIDAY) == {"deemed": 4, "reminded": 4}
    liaison = consulted["safety"][0]
    reply = reply_of(silent_round, safety)
    with time_machine.travel(aware(2026, 11, 6, 10), tick=False):
        panel = replies_due_panel(liaison)
        assert panel is not None
        (item,) = panel["items"]
        assert item["url"] == f"/documents/replies/{reply.pk}/"
        assert item["level"] == "danger"
        assert item["meta"] == "已逾期（截止 2026年11月5日） · 尚未起草反馈"
        page = login(liaison).get("/").content.decode()
    assert "待我反馈的征求意见" in page and "已逾期（截止 2026年11月5日）" in page
    assert f"/documents/replies/{reply.pk}/" in page
