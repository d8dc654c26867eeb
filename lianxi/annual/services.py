"""年度报送 writes (四(三), 三(一)1): the cycle, a unit's parts, the secretariat's review, the
plan's tasks into action items, the topics into the plenary's agenda, and the reminders' tick.

Every write runs in one transaction with its audit event and its messages. The deadline and the
cadence are the mechanism's settings, read from its rules document (`organization.rules_settings`)
and confirmed by the secretariat; nothing here assumes 1月15日.
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.calendar import add_workdays, is_workday, subtract_workdays, workdays_between
from lianxi.core.dates import cn_date
from lianxi.core.exceptions import ApplicationError
from lianxi.core.text import clean_text
from lianxi.meetings.models import AgendaItem, Meeting
from lianxi.meetings.services.agenda import agenda_item_add
from lianxi.notifications.models import Message
from lianxi.notifications.services import notify
from lianxi.organization.models import Mechanism, Membership, Unit
from lianxi.organization.selectors import (
    mechanism_settings,
    member_units,
    secretariat_users,
    unit_people,
)
from lianxi.supervision.models import ActionItem
from lianxi.supervision.services import action_item_create

from . import access
from .models import (
    EDITABLE_STATES,
    PART_LABELS,
    PARTS,
    AnnualCycle,
    AnnualSubmission,
    PartStatus,
    PlanTask,
    TopicProposal,
)

SUMMARY_MAX = 20_000
PLAN_MAX = 5_000
TASKS_MAX = 50
TOPICS_MAX = 20
TITLE_MAX = 300
NOTE_MAX = 500
TOPIC_TEXT_MAX = 2_000
# Reminders this many working days before the deadline or fewer go to the member as well as the
# liaison (liaison first, then member, 四(三)).
MEMBER_TOO_WITHIN = 2


def board_url(cycle: AnnualCycle) -> str:
    return reverse("annual:board", args=[cycle.year])


def submission_url(submission: AnnualSubmission) -> str:
    return reverse("annual:submission", args=[submission.cycle.year, submission.unit_id])


# --- the cycle ---------------------------------------------------------------------------------


def _clamped(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, month_calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class CycleDates:
    year: int
    opens_on: date
    rule_deadline: date
    deadline: date


def cycle_dates(mechanism: Mechanism, year: int) -> CycleDates | None:
    """The dates of the cycle whose plan is for `year`, from the mechanism's settings; None when
    the rules set no deadline and the secretariat has not either.

    A deadline early in the year (1月15日) closes the cycle of that same year: the summary is of
    the year just ended. One late in the year (12月31日) closes the cycle of the year after. The
    cycle opens on the configured day (default 1 December) before the deadline.
    """
    settings = mechanism_settings(mechanism)
    if settings.annual_submission_deadline is None:
        return None
    month, day = settings.annual_submission_deadline
    deadline_year = year if month <= 6 else year - 1
    rule_deadline = _clamped(deadline_year, month, day)
    open_month, open_day = settings.annual_cycle_opens
    opens_on = _clamped(rule_deadline.year, open_month, open_day)
    if opens_on >= rule_deadline:
        opens_on = _clamped(rule_deadline.year - 1, open_month, open_day)
    deadline = rule_deadline
    if settings.annual_deadline_shift and not is_workday(deadline):
        deadline = add_workdays(deadline, 1)
    return CycleDates(year=year, opens_on=opens_on, rule_deadline=rule_deadline, deadline=deadline)


def due_cycle_year(mechanism: Mechanism, today: date) -> int | None:
    """The year of the cycle that should be open on `today`: opened and not past its deadline
    (a cycle whose deadline passed before the platform ran is opened by hand, not by the tick)."""
    for year in (today.year + 1, today.year, today.year - 1):
        dates = cycle_dates(mechanism, year)
        if dates is not None and dates.opens_on <= today <= dates.deadline:
            return year
    return None


def overlapping_cycle(mechanism: Mechanism, dates: CycleDates) -> AnnualCycle | None:
    """An existing cycle whose period meets the new one's: a deadline moved mid-cycle (say from
    1月15日 to 7月1日) would otherwise open next year's cycle while this year's still runs, and
    ask for the summary of a year not yet ended."""
    return (
        AnnualCycle.objects.filter(
            mechanism=mechanism, opens_on__lte=dates.deadline, deadline__gte=dates.opens_on
        )
        .exclude(year=dates.year)
        .order_by("-year")
        .first()
    )


def workday_on_or_before(day: date) -> date:
    while not is_workday(day):
        day -= timedelta(days=1)
    return day


@transaction.atomic
def cycle_open(
    *, mechanism: Mechanism, year: int, now: datetime, actor: Membership | None = None
) -> AnnualCycle:
    """四(三): open the year's cycle: one submission per member unit, and every unit told what is
    due and by when. Opening twice returns the cycle that exists and tells no one again.

    The mechanism's row is locked first, so two ticks (or a tick and a clerk) opening the same
    day wait for each other and the second finds the first's cycle instead of a unique-key
    error."""
    Mechanism.objects.select_for_update().filter(pk=mechanism.pk).first()
    existing = AnnualCycle.objects.filter(mechanism=mechanism, year=year).first()
    if existing is not None:
        return existing
    dates = cycle_dates(mechanism, year)
    if dates is None:
        raise ApplicationError(
            "制度文件未规定年度材料的报送截止日，请联席会议办公室先在“联席会议设置”中填写。"
        )
    clash = overlapping_cycle(mechanism, dates)
    if clash is not None:
        raise ApplicationError(
            f"{year}年度报送期（{cn_date(dates.opens_on)}至{cn_date(dates.deadline)}）与"
            f"{clash.year}年度报送期（{cn_date(clash.opens_on)}至{cn_date(clash.deadline)}）"
            "重叠，请先在“联席会议设置”中核对截止日与启动日。"
        )
    settings = mechanism_settings(mechanism)
    cycle = AnnualCycle.objects.create(
        mechanism=mechanism,
        year=year,
        opens_on=dates.opens_on,
        rule_deadline=dates.rule_deadline,
        deadline=dates.deadline,
        deadline_source=settings.sources.get("annual_submission_deadline", ""),
        reminder_workdays=settings.annual_reminder_workdays,
        opened_at=now,
    )
    units = list(member_units(mechanism.pk))
    AnnualSubmission.objects.bulk_create(AnnualSubmission(cycle=cycle, unit=u) for u in units)
    audit_record(
        actor=actor,
        action="annual.cycle_open",
        target=cycle,
        data={"year": year, "deadline": dates.deadline.isoformat(), "units": len(units)},
    )
    parts = "、".join(PART_LABELS[p] for p in PARTS)
    moved = (
        f"（制度规定为{cn_date(dates.rule_deadline)}，遇节假日顺延）"
        if dates.deadline != dates.rule_deadline
        else ""
    )
    clause = f"（依据工作规则{cycle.deadline_source}）" if cycle.deadline_source else ""
    people = unit_people(u.pk for u in units)
    for submission in cycle.submissions.select_related("unit"):
        recipients = people.get((submission.unit_id, Membership.Role.LIAISON), []) + people.get(
            (submission.unit_id, Membership.Role.MEMBER), []
        )
        notify(
            recipients=recipients or [submission.unit],
            kind="annual.cycle_open",
            subject=f"请于{cn_date(dates.deadline)}前报送{year}年度材料",
            body=(
                f"{clause}请于{cn_date(dates.deadline)}前{moved}向联席会议办公室报送："
                f"{year - 1}年度工作总结、{year}年度重点工作计划及拟提交联席会议的议题建议"
                f"（{parts}）。联络员起草，联席会议成员审定后报送。"
            ),
            url=submission_url(submission),
            mechanism=mechanism,
            key=f"annual:{cycle.pk}:open:{submission.unit_id}",
        )
    return cycle


# --- a unit's parts ----------------------------------------------------------------------------


def _locked(submission: AnnualSubmission) -> AnnualSubmission:
    return (
        AnnualSubmission.objects.select_for_update()
        .select_related("cycle", "unit")
        .get(pk=submission.pk)
    )


def _require_editable(submission: AnnualSubmission, part: str) -> None:
    status = submission.status_of(part)
    if status not in EDITABLE_STATES:
        label = PartStatus(status).label
        raise ApplicationError(
            f"{PART_LABELS[part]}{label}，不能再修改；如需修改，请联系联席会议办公室退回。"
        )


def _draft(submission: AnnualSubmission, part: str, actor: Membership) -> None:
    """An edit by the liaison makes the part a draft again (the member must see it anew); the
    member's own edit keeps it waiting for the member's sending."""
    status = submission.status_of(part)
    if actor.role == Membership.Role.MEMBER and status == PartStatus.AWAITING_MEMBER:
        return
    setattr(submission, f"{part}_status", PartStatus.DRAFT)


@dataclass(frozen=True)
class TaskIn:
    title: str
    expected_on: date | None
    lead_unit_id: int | None = None


@dataclass(frozen=True)
class TopicIn:
    title: str
    description: str = ""


@transaction.atomic
def part_save(
    *,
    submission: AnnualSubmission,
    part: str,
    actor: Membership,
    text: str = "",
    tasks: Sequence[TaskIn] = (),
    topics: Sequence[TopicIn] = (),
    no_topics: bool = False,
) -> AnnualSubmission:
    """The unit's liaison (or member) writes a part: the summary's text; the plan's overview and
    its key tasks (each with a lead unit and an expected date); the topics, or that there are
    none this year. The whole part is replaced; nothing is half-written on bad input."""
    if part not in PARTS:
        raise ApplicationError("报送内容应为 summary、plan 或 topics 之一。", field="part")
    submission = _locked(submission)
    if not access.may_draft(actor, submission):
        raise ApplicationError("只有本单位的联络员或联席会议成员可以起草本单位的年度材料。")
    _require_editable(submission, part)
    if part == "summary":
        submission.summary = clean_text(text, "工作总结", SUMMARY_MAX, kind="paragraph")
    elif part == "plan":
        submission.plan = clean_text(
            text, "工作计划概述", PLAN_MAX, required=False, kind="paragraph"
        )
        _save_tasks(submission, tasks)
    else:
        _save_topics(submission, topics, no_topics)
    _draft(submission, part, actor)
    submission.save()
    audit_record(
        actor=actor,
        action="annual.part_save",
        target=submission,
        data={"part": part, "unit": submission.unit.name, "year": submission.cycle.year},
    )
    return submission


def _save_tasks(submission: AnnualSubmission, tasks: Sequence[TaskIn]) -> None:
    if not tasks:
        raise ApplicationError("请至少填写一项重点任务。", field="tasks")
    if len(tasks) > TASKS_MAX:
        raise ApplicationError(f"重点任务不超过 {TASKS_MAX} 项。", field="tasks")
    units = {
        u.pk: u
        for u in Unit.objects.filter(
            mechanism_id=submission.unit.mechanism_id, active=True, kind=Unit.Kind.MEMBER
        )
    }
    year = submission.cycle.year
    rows = []
    for n, task in enumerate(tasks, 1):
        title = clean_text(task.title, f"第 {n} 项重点任务", TITLE_MAX)
        lead = units.get(task.lead_unit_id or submission.unit_id)
        if lead is None:
            raise ApplicationError(f"第 {n} 项重点任务的牵头单位不是本联席会议的成员单位。")
        if task.expected_on is None:
            raise ApplicationError(f"请填写第 {n} 项重点任务的预计完成时间。", field="tasks")
        if task.expected_on.year != year:
            raise ApplicationError(
                f"第 {n} 项重点任务的预计完成时间应在 {year} 年内。", field="tasks"
            )
        rows.append(
            PlanTask(
                submission=submission,
                order=n,
                title=title,
                lead_unit=lead,
                expected_on=task.expected_on,
            )
        )
    if submission.tasks.filter(action_item__isnull=False).exists():
        raise ApplicationError("计划中的重点任务已转为督办事项，不能再整体修改。")
    submission.tasks.all().delete()
    PlanTask.objects.bulk_create(rows)


def _save_topics(submission: AnnualSubmission, topics: Sequence[TopicIn], none: bool) -> None:
    if none and topics:
        raise ApplicationError("已选择“本年度无议题建议”，请不要再填写议题。", field="topics")
    if not none and not topics:
        raise ApplicationError("请至少填写一项议题建议，或选择“本年度无议题建议”。", field="topics")
    if len(topics) > TOPICS_MAX:
        raise ApplicationError(f"议题建议不超过 {TOPICS_MAX} 项。", field="topics")
    rows = [
        TopicProposal(
            submission=submission,
            order=n,
            title=clean_text(topic.title, f"第 {n} 项议题", TITLE_MAX),
            description=clean_text(
                topic.description,
                f"第 {n} 项议题的说明",
                TOPIC_TEXT_MAX,
                required=False,
                kind="paragraph",
            ),
        )
        for n, topic in enumerate(topics, 1)
    ]
    submission.no_topics = none
    submission.topics.all().delete()
    TopicProposal.objects.bulk_create(rows)


def _has_content(submission: AnnualSubmission, part: str) -> bool:
    if part == "summary":
        return bool(submission.summary.strip())
    if part == "plan":
        return submission.tasks.exists()
    return submission.no_topics or submission.topics.exists()


@transaction.atomic
def submission_send(*, submission: AnnualSubmission, actor: Membership, now: datetime) -> list[str]:
    """四(三): the unit vouches for what it sends. The liaison's 提交 puts the drafted parts
    before the member (待成员审核); the member's 报送 sends them to the secretariat. Returns the
    parts that moved."""
    submission = _locked(submission)
    if not access.may_draft(actor, submission):
        raise ApplicationError("只有本单位的联络员或联席会议成员可以报送本单位的年度材料。")
    member = actor.role == Membership.Role.MEMBER
    movable = (PartStatus.DRAFT, PartStatus.AWAITING_MEMBER) if member else (PartStatus.DRAFT,)
    parts = [p for p in PARTS if submission.status_of(p) in movable]
    if not parts:
        waiting = [p for p in PARTS if submission.status_of(p) == PartStatus.AWAITING_MEMBER]
        if waiting and not member:
            raise ApplicationError("材料已提交联席会议成员审核，请等待成员审定后报送。")
        raise ApplicationError("没有待报送的材料：请先起草（或修改退回的）内容。")
    empty = [PART_LABELS[p] for p in parts if not _has_content(submission, p)]
    if empty:
        raise ApplicationError(f"以下内容尚未填写：{'、'.join(empty)}。")
    unit = submission.unit
    cycle = submission.cycle
    if member:
        for part in parts:
            setattr(submission, f"{part}_status", PartStatus.SENT)
            setattr(submission, f"{part}_note", "")
            if getattr(submission, f"{part}_sent_at") is None:
                setattr(submission, f"{part}_sent_at", now)
        submission.last_sent_by = actor.user
        first_sent = [getattr(submission, f"{p}_sent_at") for p in PARTS]
        if submission.completed_at is None and all(first_sent):
            # When the last of the three first reached the secretariat: a part returned and
            # resent later does not make a submission that was complete in time late.
            submission.completed_at = max(first_sent)
        submission.save()
        audit_record(
            actor=actor,
            action="annual.send",
            target=submission,
            data={"parts": parts, "unit": unit.name, "year": cycle.year},
        )
        late = workdays_between(cycle.deadline, timezone.localtime(now).date())
        notify(
            recipients=secretariat_users(unit.mechanism_id),
            kind="annual.sent",
            subject=f"{unit.name}报送了{cycle.year}年度材料",
            body=(
                f"{unit.name}报送了：{'、'.join(PART_LABELS[p] for p in parts)}。"
                + (f"已超过截止日 {late} 个工作日。" if late > 0 else "")
            ),
            url=submission_url(submission),
            mechanism=unit.mechanism,
        )
    else:
        for part in parts:
            setattr(submission, f"{part}_status", PartStatus.AWAITING_MEMBER)
        submission.save()
        audit_record(
            actor=actor,
            action="annual.submit_to_member",
            target=submission,
            data={"parts": parts, "unit": unit.name, "year": cycle.year},
        )
        members = unit_people([unit.pk]).get((unit.pk, Membership.Role.MEMBER), [])
        notify(
            recipients=members or [unit],
            kind="annual.awaiting_member",
            subject=f"请审定{cycle.year}年度材料后报送",
            body=(
                f"联络员已起草：{'、'.join(PART_LABELS[p] for p in parts)}，"
                f"请审定后于{cn_date(cycle.deadline)}前报送联席会议办公室。"
            ),
            url=submission_url(submission),
            mechanism=unit.mechanism,
        )
    return parts


@transaction.atomic
def part_review(
    *, submission: AnnualSubmission, part: str, confirm: bool, note: str, actor: Membership
) -> AnnualSubmission:
    """The secretariat confirms a sent part or returns it with a note; the unit is told."""
    if part not in PARTS:
        raise ApplicationError("报送内容应为 summary、plan 或 topics 之一。", field="part")
    submission = _locked(submission)
    if not access.may_review(actor, submission):
        raise ApplicationError("只有联席会议办公室可以审核年度材料。")
    if submission.status_of(part) != PartStatus.SENT:
        raise ApplicationError(f"{PART_LABELS[part]}尚未报送或已审核，不能审核。")
    note = clean_text(note, "退回意见", NOTE_MAX, required=not confirm, kind="paragraph")
    status = PartStatus.CONFIRMED if confirm else PartStatus.RETURNED
    setattr(submission, f"{part}_status", status)
    setattr(submission, f"{part}_note", "" if confirm else note)
    submission.save()
    audit_record(
        actor=actor,
        action="annual.confirm" if confirm else "annual.return",
        target=submission,
        data={"part": part, "unit": submission.unit.name, "note": note},
    )
    unit = submission.unit
    people = unit_people([unit.pk])
    recipients = people.get((unit.pk, Membership.Role.LIAISON), []) + people.get(
        (unit.pk, Membership.Role.MEMBER), []
    )
    label = PART_LABELS[part]
    notify(
        recipients=recipients or [unit],
        kind="annual.reviewed",
        subject=(
            f"{submission.cycle.year}年度{label}已确认"
            if confirm
            else f"{submission.cycle.year}年度{label}被退回修改"
        ),
        body="联席会议办公室已确认。" if confirm else f"退回意见：{note}。请修改后重新报送。",
        url=submission_url(submission),
        mechanism=unit.mechanism,
        actor=actor,
    )
    return submission


# --- the plan into action items ---------------------------------------------------------------


@transaction.atomic
def plan_to_action_items(
    *, submission: AnnualSubmission, actor: Membership, today: date
) -> list[ActionItem]:
    """四(二) with 四(三): the key tasks of a sent plan become action items (source 年度工作计划),
    each with its lead unit and its expected date as the deadline, in one step. Tasks already
    turned are left; a task whose date has passed is refused with its number."""
    submission = _locked(submission)
    if not access.may_review(actor, submission):
        raise ApplicationError("只有联席会议办公室可以把重点任务转为督办事项。")
    if not submission.sent("plan"):
        raise ApplicationError("工作计划尚未报送，不能转为督办事项。")
    tasks = list(submission.tasks.filter(action_item__isnull=True).select_related("lead_unit"))
    if not tasks:
        raise ApplicationError("计划中的重点任务都已转为督办事项。")
    late = [t.order for t in tasks if t.expected_on < today]
    if late:
        raise ApplicationError(
            f"第 {late[0]} 项重点任务的预计完成时间已过，请先与单位确认新的时间。"
        )
    items = []
    for task in tasks:
        item = action_item_create(
            mechanism=submission.unit.mechanism,
            title=task.title,
            description=(
                f"{submission.unit.name}{submission.cycle.year}年度重点工作计划第 {task.order} 项"
            ),
            source=ActionItem.Source.ANNUAL_PLAN,
            source_label=f"{submission.unit.name}{submission.cycle.year}年度重点工作计划",
            source_url=submission_url(submission),
            source_key=f"annual.plan_task:{task.pk}",
            lead_unit=task.lead_unit,
            deadline=task.expected_on,
            actor=actor,
            today=today,
        )
        task.action_item = item
        task.save(update_fields=["action_item"])
        items.append(item)
    audit_record(
        actor=actor,
        action="annual.plan_to_items",
        target=submission,
        data={"tasks": [t.pk for t in tasks], "items": [i.pk for i in items]},
    )
    return items


# --- the topics into the plenary ---------------------------------------------------------------


def _proposals(actor: Membership, cycle: AnnualCycle, ids: Sequence[int]) -> list[TopicProposal]:
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        raise ApplicationError("请选择议题建议。", field="proposals")
    # A proposal of another year's cycle, or another joint meeting's, is not found: the topics
    # of one plenary come from the submissions of its own cycle.
    found = {
        p.pk: p
        for p in TopicProposal.objects.select_for_update()
        .filter(
            pk__in=wanted,
            submission__cycle=cycle,
            submission__cycle__mechanism_id=actor.unit.mechanism_id,
        )
        .select_related("submission__unit", "submission__cycle")
    }
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ApplicationError(f"议题建议不存在（编号 {missing[0]}）。", field="proposals")
    chosen = [found[i] for i in wanted]
    for p in chosen:
        if not p.submission.sent("topics"):
            raise ApplicationError(f"“{p.title}”尚未报送，不能研究。", field="proposals")
        if p.status != TopicProposal.Status.PROPOSED:
            raise ApplicationError(
                f"“{p.title}”已{p.get_status_display()}，不能再处理。", field="proposals"
            )
    return chosen


def _tell_units(
    chosen: Sequence[TopicProposal], subject: str, body: str, actor: Membership
) -> None:
    units = list({p.submission.unit_id: p.submission.unit for p in chosen}.values())
    people = unit_people(u.pk for u in units)
    for unit in units:
        recipients = people.get((unit.pk, Membership.Role.LIAISON), []) + people.get(
            (unit.pk, Membership.Role.MEMBER), []
        )
        notify(
            recipients=recipients or [unit],
            kind="annual.topic",
            subject=subject[:200],
            body=body,
            url=reverse("annual:topics", args=[chosen[0].submission.cycle.year]),
            mechanism=unit.mechanism,
            actor=actor,
        )


@transaction.atomic
def topics_accept(
    *,
    actor: Membership,
    cycle: AnnualCycle,
    proposal_ids: Sequence[int],
    meeting: Meeting,
    title: str,
    description: str = "",
    now: datetime,
) -> AgendaItem:
    """三(一)1 with 四(三): the secretariat merges like proposals, rewrites them as one topic and
    puts it on the coming plenary's agenda, the proposing units reporting on it."""
    if not access.is_secretariat(actor):
        raise ApplicationError("只有联席会议办公室可以把议题建议列入议程。")
    chosen = _proposals(actor, cycle, proposal_ids)
    if meeting.mechanism_id != actor.unit.mechanism_id or meeting.kind != Meeting.Kind.PLENARY:
        raise ApplicationError("请选择本联席会议的全体会议。", field="meeting")
    if meeting.status not in (Meeting.Status.DRAFT, Meeting.Status.NOTIFIED):
        raise ApplicationError(
            "该全体会议已召开或已取消，请选择筹备中的全体会议。", field="meeting"
        )
    units = list(dict.fromkeys(p.submission.unit for p in chosen))
    description = description.strip() or "\n".join(
        f"{p.submission.unit.name}：{p.title}" for p in chosen
    )
    item = agenda_item_add(
        meeting=meeting,
        title=title,
        description=description,
        proposed_by=units[0],
        lead_unit=units[0],
        supporting_units=units[1:],
        actor=actor,
    )
    TopicProposal.objects.filter(pk__in=[p.pk for p in chosen]).update(
        status=TopicProposal.Status.ACCEPTED,
        agenda_item=item,
        decided_at=now,
        decided_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="annual.topics_accept",
        target=meeting,
        data={"proposals": [p.pk for p in chosen], "agenda_item": item.pk, "title": item.title},
    )
    _tell_units(
        chosen,
        f"议题建议已列入{meeting.title}议程",
        f"贵单位的议题建议已合并列入议程：“{item.title}”。请做好汇报准备。",
        actor,
    )
    return item


@transaction.atomic
def topics_decline(
    *,
    actor: Membership,
    cycle: AnnualCycle,
    proposal_ids: Sequence[int],
    reason: str,
    now: datetime,
) -> int:
    """The secretariat declines proposals with a reason the proposing unit sees."""
    if not access.is_secretariat(actor):
        raise ApplicationError("只有联席会议办公室可以处理议题建议。")
    chosen = _proposals(actor, cycle, proposal_ids)
    reason = clean_text(reason, "未采纳理由", NOTE_MAX, kind="paragraph")
    TopicProposal.objects.filter(pk__in=[p.pk for p in chosen]).update(
        status=TopicProposal.Status.DECLINED,
        decline_reason=reason,
        decided_at=now,
        decided_by=actor.user,
    )
    audit_record(
        actor=actor,
        action="annual.topics_decline",
        target=cycle,
        data={"proposals": [p.pk for p in chosen], "reason": reason},
    )
    _tell_units(
        chosen,
        "议题建议未列入议程",
        f"{'；'.join(p.title for p in chosen)}：未采纳，理由：{reason}",
        actor,
    )
    return len(chosen)


# --- reminders ---------------------------------------------------------------------------------


def incomplete(submission: AnnualSubmission) -> bool:
    """Not yet complete as timeliness counts it (completed_at): a unit whose parts all reached
    the secretariat once is not late, though one of them is returned for a change."""
    return submission.completed_at is None


def _recipients(
    submission: AnnualSubmission, people: dict[Any, list[Any]], *, member: bool
) -> list[Any]:
    liaisons = people.get((submission.unit_id, Membership.Role.LIAISON), [])
    members = people.get((submission.unit_id, Membership.Role.MEMBER), [])
    chosen = liaisons + members if member else liaisons or members
    return chosen or [submission.unit]


def _steps(cycle: AnnualCycle) -> dict[int, tuple[date, int | None]]:
    """Reminder levels: 1..n the working days before the deadline, in order; n+1 the late
    notice on the first working day after the deadline."""
    days = sorted({int(d) for d in cycle.reminder_workdays if int(d) > 0}, reverse=True)
    steps: dict[int, tuple[date, int | None]] = {
        n: (workday_on_or_before(subtract_workdays(cycle.deadline, d)), d)
        for n, d in enumerate(days, 1)
    }
    steps[len(days) + 1] = (add_workdays(cycle.deadline, 1), None)
    return steps


def annual_tick(now: datetime) -> dict[str, int]:
    """Tick (四(三)): open each mechanism's cycle on its day; remind each unit whose submission
    is not complete on the working days before the deadline (the liaison first, the member too
    in the last days); on the first working day after the deadline tell the late units' members
    and the secretariat who is late. Idempotent: the submission's level and each message's key
    say what went out; a missed tick sends the latest reminder due, once, and no older one."""
    today = timezone.localtime(now).date()
    opened = reminded = 0
    for mechanism in Mechanism.objects.exclude(annual_submission_deadline=""):
        year = due_cycle_year(mechanism, today)
        if year is None or AnnualCycle.objects.filter(mechanism=mechanism, year=year).exists():
            continue
        dates = cycle_dates(mechanism, year)
        if dates is not None and overlapping_cycle(mechanism, dates) is not None:
            # The settings were changed under a running cycle: the secretariat is asked on the
            # annual page (open by hand refuses with the reason) rather than a cycle opened
            # over the other one.
            continue
        cycle_open(mechanism=mechanism, year=year, now=now)
        opened += 1
    # Cycles whose deadline fell this year or last (a plain bound: no 29 February to replace).
    for cycle in AnnualCycle.objects.filter(deadline__gte=date(today.year - 1, 1, 1)):
        reminded += _remind_cycle(cycle, today)
    return {"opened": opened, "reminded": reminded}


def _remind_cycle(cycle: AnnualCycle, today: date) -> int:
    steps = _steps(cycle)
    due = [n for n, (day, _) in steps.items() if day <= today]
    if not due:
        return 0
    level = max(due)
    waiting = [
        s
        for s in cycle.submissions.filter(reminder_level__lt=level).select_related("unit")
        if incomplete(s)
    ]
    if not waiting:
        return 0
    people = unit_people({s.unit_id for s in waiting})
    late_step = len(steps)
    sent = 0
    late_units = []
    for submission in waiting:
        with transaction.atomic():
            moved = AnnualSubmission.objects.filter(
                pk=submission.pk, reminder_level=submission.reminder_level
            ).update(reminder_level=level)
            if not moved:
                continue
            _day, workdays = steps[level]
            if workdays is None:
                late_units.append(submission.unit.name)
                notify(
                    recipients=_recipients(submission, people, member=True),
                    kind="annual.late",
                    subject=f"{cycle.year}年度材料已逾期未报送",
                    body=(
                        f"报送截止日为{cn_date(cycle.deadline)}，{submission.unit.name}"
                        f"尚未报送齐全：{_missing(submission)}。请尽快审定报送。"
                    ),
                    url=submission_url(submission),
                    mechanism=cycle.mechanism,
                    key=f"annual:{cycle.pk}:{submission.unit_id}:reminder:{level}",
                )
            else:
                notify(
                    recipients=_recipients(
                        submission, people, member=workdays <= MEMBER_TOO_WITHIN
                    ),
                    kind="annual.reminder",
                    subject=f"距{cycle.year}年度材料报送截止还有 {workdays} 个工作日",
                    body=(
                        f"请于{cn_date(cycle.deadline)}前报送。尚未报送：{_missing(submission)}。"
                    ),
                    url=submission_url(submission),
                    mechanism=cycle.mechanism,
                    key=f"annual:{cycle.pk}:{submission.unit_id}:reminder:{level}",
                )
            sent += 1
    if late_units and level == late_step:
        notify(
            recipients=secretariat_users(cycle.mechanism_id),
            kind="annual.late_list",
            subject=f"{cycle.year}年度材料逾期未报送：{len(late_units)} 个单位",
            body=f"截至{cn_date(today)}尚未报送齐全：{'、'.join(late_units)}。",
            url=board_url(cycle),
            mechanism=cycle.mechanism,
            key=f"annual:{cycle.pk}:late_list:{today.isoformat()}",
        )
    return sent


def _missing(submission: AnnualSubmission) -> str:
    return "、".join(PART_LABELS[p] for p in PARTS if not submission.sent(p)) or "无"


@transaction.atomic
def remind_late(*, cycle: AnnualCycle, actor: Membership, today: date) -> list[str]:
    """The board's one click: remind every late unit's liaison and member now. Once a day: a
    second click the same day sends nothing again."""
    if not access.is_secretariat(actor) or actor.unit.mechanism_id != cycle.mechanism_id:
        raise ApplicationError("只有联席会议办公室可以催报。")
    if today <= cycle.deadline:
        raise ApplicationError(f"报送截止日为{cn_date(cycle.deadline)}，尚无逾期单位。")
    late = [s for s in cycle.submissions.select_related("unit") if incomplete(s)]
    if not late:
        raise ApplicationError("各单位均已报送齐全。")
    keys = {s.pk: f"annual:{cycle.pk}:{s.unit_id}:urge:{today.isoformat()}" for s in late}
    done = set(Message.objects.filter(key__in=keys.values()).values_list("key", flat=True))
    late = [s for s in late if keys[s.pk] not in done]
    if not late:
        raise ApplicationError("今天已催报过逾期单位，明天可再次催报。")
    people = unit_people({s.unit_id for s in late})
    days = workdays_between(cycle.deadline, today)
    for submission in late:
        notify(
            recipients=_recipients(submission, people, member=True),
            kind="annual.urge",
            subject=f"催报：{cycle.year}年度材料已逾期 {days} 个工作日",
            body=f"{submission.unit.name}尚未报送：{_missing(submission)}。请即审定报送。",
            url=submission_url(submission),
            mechanism=cycle.mechanism,
            actor=actor,
            key=keys[submission.pk],
        )
    names = [s.unit.name for s in late]
    audit_record(actor=actor, action="annual.remind_late", target=cycle, data={"units": names})
    return names
