"""Minutes (三(一)1, 四(二)): drafting, agreed matters, approval, issuing, receipts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.dates import cn_date
from lianxi.core.exceptions import ApplicationError
from lianxi.core.serials import next_number
from lianxi.core.text import MINUTES_MAX, clean_text
from lianxi.notifications.services import inbox_mark_read_about, notify
from lianxi.organization.access import is_secretariat
from lianxi.organization.models import Membership, Unit
from lianxi.organization.selectors import secretariat_users
from lianxi.supervision.models import MAX_DEADLINE_WORKDAYS, MAX_FEEDBACK_WORKDAYS

from ..access import may_acknowledge
from ..models import (
    Meeting,
    Minutes,
    MinutesReceipt,
    MinutesSection,
    Resolution,
)
from .common import (
    _local,
    _require_convener,
    _require_secretariat_of,
    minutes_url,
    unit_recipients,
)

MINUTES_SERIES = "minutes"


def _require_minutes_draft(minutes: Minutes) -> None:
    """The minutes, as stored now (locked), must still be a draft."""
    minutes.status = (
        Minutes.objects.select_for_update().values_list("status", flat=True).get(pk=minutes.pk)
    )
    if minutes.status != Minutes.Status.DRAFT:
        raise ApplicationError(f"会议纪要{minutes.get_status_display()}，不能再修改。")


@transaction.atomic
def minutes_draft(*, meeting: Meeting, actor: Membership) -> Minutes:
    """三(一)1: the convener drafts the minutes; one section per agenda item, pre-filled."""
    _require_convener(actor, meeting)
    meeting = Meeting.objects.select_for_update().select_related("chair_unit").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.HELD:
        raise ApplicationError("会议召开并登记出席情况后，才能起草会议纪要。")
    if Minutes.objects.filter(meeting=meeting).exists():
        raise ApplicationError("本次会议的纪要已经起草。")
    start = _local(meeting.starts_at)
    chair = "联席会议办公室" if meeting.kind == Meeting.Kind.PLENARY else meeting.chair_unit.name
    minutes = Minutes.objects.create(
        meeting=meeting,
        mechanism_id=meeting.mechanism_id,
        year=start.year,
        drafted_by=actor.user,
        intro=(
            f"{cn_date(start)}，{chair}在{meeting.location}"
            f"组织召开{meeting.title}。会议{'、'.join(i.title for i in meeting.agenda.all())}"
            "。现将会议议定事项纪要如下："
        ),
    )
    for n, item in enumerate(meeting.agenda.all(), start=1):
        MinutesSection.objects.create(
            minutes=minutes,
            agenda_item=item,
            order=n,
            heading=item.title,
            discussion=item.description if item.is_carryover else "",
        )
    audit_record(actor=actor, action="minutes.draft", target=minutes)
    return minutes


@transaction.atomic
def minutes_update(
    *, minutes: Minutes, intro: str, sections: Mapping[int, tuple[str, str]], actor: Membership
) -> Minutes:
    """Edits the opening and each section's heading and discussion (keyed by section id)."""
    _require_convener(actor, minutes.meeting)
    _require_minutes_draft(minutes)
    minutes.intro = (intro or "").strip()
    minutes.save(update_fields=["intro", "updated_at"])
    for section in minutes.sections.all():
        if section.pk in sections:
            heading, discussion = sections[section.pk]
            section.heading = clean_text(heading, "标题", 300, kind="line")
            section.discussion = clean_text(
                discussion, "会议情况", MINUTES_MAX, required=False, kind="paragraph"
            )
            section.save(update_fields=["heading", "discussion"])
    audit_record(actor=actor, action="minutes.update", target=minutes)
    return minutes


@transaction.atomic
def minutes_section_add(*, minutes: Minutes, heading: str, actor: Membership) -> MinutesSection:
    _require_convener(actor, minutes.meeting)
    _require_minutes_draft(minutes)
    last = minutes.sections.aggregate(m=Max("order"))["m"] or 0
    section = MinutesSection.objects.create(
        minutes=minutes, order=last + 1, heading=clean_text(heading, "标题", 300, kind="line")
    )
    audit_record(actor=actor, action="minutes.section_add", target=minutes)
    return section


def _renumber_resolutions(minutes: Minutes) -> None:
    """议定事项 are numbered across the whole minutes, in the order of the sections."""
    resolutions = list(
        Resolution.objects.filter(minutes=minutes).order_by(
            "section__order", "section_id", "number"
        )
    )
    for r in resolutions:  # out of the way of the unique (minutes, number) constraint first
        Resolution.objects.filter(pk=r.pk).update(number=r.number + 10_000)
    for n, r in enumerate(resolutions, start=1):
        Resolution.objects.filter(pk=r.pk).update(number=n)


def _resolution_fields(
    *,
    minutes: Minutes,
    text: str,
    lead_unit: Unit | None,
    supporting_units: Sequence[Unit],
    deadline: date | None,
    deadline_workdays: int | None,
    feedback_every_workdays: int,
) -> tuple[str, list[Unit]]:
    text = clean_text(text, "议定事项内容", 5000, kind="paragraph")
    mechanism_id = minutes.meeting.mechanism_id
    if lead_unit is None:
        raise ApplicationError("请为议定事项指定牵头单位（工作规则四(二)）。", field="lead_unit")
    if lead_unit.mechanism_id != mechanism_id or lead_unit.kind == Unit.Kind.GOVERNMENT:
        raise ApplicationError("牵头单位应为联席会议成员单位或参会单位。", field="lead_unit")
    if not lead_unit.active:
        raise ApplicationError("该单位已不在联席会议中，不能牵头。", field="lead_unit")
    supporting = [u for u in supporting_units if u.pk != lead_unit.pk]
    if any(u.mechanism_id != mechanism_id for u in supporting):
        raise ApplicationError("配合单位不存在。", field="supporting_units")
    if any(u.kind == Unit.Kind.GOVERNMENT or not u.active for u in supporting):
        raise ApplicationError(
            "配合单位应为联席会议现有的成员单位或参会单位。", field="supporting_units"
        )
    if (deadline is None) == (deadline_workdays is None):
        raise ApplicationError(
            "请填写办结时限：一个日期，或印发后若干个工作日（二选一）。", field="deadline"
        )
    if deadline_workdays is not None and not 1 <= deadline_workdays <= MAX_DEADLINE_WORKDAYS:
        raise ApplicationError(
            f"办结时限应为 1 至 {MAX_DEADLINE_WORKDAYS} 个工作日。", field="deadline_workdays"
        )
    if not 1 <= feedback_every_workdays <= MAX_FEEDBACK_WORKDAYS:
        raise ApplicationError(
            f"反馈周期应为 1 至 {MAX_FEEDBACK_WORKDAYS} 个工作日。", field="feedback_every_workdays"
        )
    return text, supporting


@transaction.atomic
def resolution_add(
    *,
    section: MinutesSection,
    text: str,
    lead_unit: Unit | None,
    supporting_units: Sequence[Unit] = (),
    deadline: date | None = None,
    deadline_workdays: int | None = None,
    feedback_every_workdays: int = 15,
    actor: Membership,
) -> Resolution:
    """议定事项: text, lead unit (牵头), supporting units (配合), a deadline (a date or N working
    days after issuing) and how often progress is due; numbered across the minutes."""
    minutes = section.minutes
    _require_convener(actor, minutes.meeting)
    _require_minutes_draft(minutes)
    text, supporting = _resolution_fields(
        minutes=minutes,
        text=text,
        lead_unit=lead_unit,
        supporting_units=supporting_units,
        deadline=deadline,
        deadline_workdays=deadline_workdays,
        feedback_every_workdays=feedback_every_workdays,
    )
    last = Resolution.objects.filter(minutes=minutes).aggregate(m=Max("number"))["m"] or 0
    resolution = Resolution.objects.create(
        minutes=minutes,
        section=section,
        number=last + 1,
        text=text,
        lead_unit=lead_unit,
        deadline=deadline,
        deadline_workdays=deadline_workdays,
        feedback_every_workdays=feedback_every_workdays,
    )
    resolution.supporting_units.set(supporting)
    _renumber_resolutions(minutes)
    resolution.refresh_from_db()
    audit_record(
        actor=actor, action="minutes.resolution_add", target=minutes, data={"id": resolution.pk}
    )
    return resolution


@transaction.atomic
def resolution_remove(*, resolution: Resolution, actor: Membership) -> None:
    minutes = resolution.minutes
    _require_convener(actor, minutes.meeting)
    _require_minutes_draft(minutes)
    data = {"number": resolution.number, "text": resolution.text[:100]}
    resolution.delete()
    _renumber_resolutions(minutes)
    audit_record(actor=actor, action="minutes.resolution_remove", target=minutes, data=data)


ISSUE_RULE = "（工作规则三(一)1、四(六)）"


@transaction.atomic
def minutes_approve(*, minutes: Minutes, actor: Membership, now: datetime | None = None) -> Minutes:
    """审定: the convener's text is final; it goes to the secretariat for 签发 and 印发 (a
    topical meeting's chair unit hands it over here, 三(一)1, 四(六))."""
    _require_convener(actor, minutes.meeting)
    minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    _require_minutes_draft(minutes)
    if not minutes.sections.exists():
        raise ApplicationError("会议纪要没有任何内容。")
    minutes.status = Minutes.Status.APPROVED
    minutes.approved_by = actor.user
    minutes.approved_at = now or timezone.now()
    minutes.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit_record(actor=actor, action="minutes.approve", target=minutes)
    meeting = minutes.meeting
    if meeting.kind == Meeting.Kind.TOPICAL and not is_secretariat(actor):
        notify(
            recipients=secretariat_users(meeting.mechanism_id) or [meeting.chair_unit],
            kind="minutes.to_sign_off",
            subject=f"待签发：{meeting.title}纪要",
            body=f"{actor.unit.name}已审定{meeting.title}纪要，请联席会议办公室报签发后印发"
            + ISSUE_RULE
            + "。",
            url=minutes_url(minutes),
            actor=actor,
        )
    return minutes


@transaction.atomic
def minutes_sign_off(
    *,
    minutes: Minutes,
    signer_name: str,
    signer_title: str = "",
    actor: Membership,
    now: datetime | None = None,
) -> Minutes:
    """签发 (三(一)1, 四(六)): the secretariat records that the health commission's responsible
    leader, named, signed the approved minutes; who recorded it and when are kept. The number
    is not taken yet: that happens at issuing."""
    minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    _require_secretariat_of(actor, minutes, "签发")
    if minutes.status != Minutes.Status.APPROVED:
        raise ApplicationError(
            f"会议纪要{minutes.get_status_display()}：审定后、印发前才能登记签发。"
        )
    name = clean_text(signer_name, "签发人姓名", 50, kind="paragraph")
    title = clean_text(signer_title, "签发人职务", 100, required=False, kind="paragraph")
    minutes.status = Minutes.Status.SIGNED
    minutes.signed_off_name = name
    minutes.signed_off_title = title
    minutes.signed_off_at = now or timezone.now()
    minutes.signed_off_recorded_by = actor.user
    minutes.save(
        update_fields=[
            "status", "signed_off_name", "signed_off_title", "signed_off_at",
            "signed_off_recorded_by", "updated_at",
        ]
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="minutes.sign_off",
        target=minutes,
        data={"signer": name, "title": title},
    )
    return minutes


@transaction.atomic
def minutes_reopen(*, minutes: Minutes, actor: Membership) -> Minutes:
    """Back to drafting, as long as it has not been issued; a 签发 given is withdrawn with it
    (only the secretariat, who recorded it, sends signed minutes back)."""
    _require_convener(actor, minutes.meeting)
    minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    if minutes.status == Minutes.Status.SIGNED:
        _require_secretariat_of(actor, minutes, "退回已签发的")
    elif minutes.status != Minutes.Status.APPROVED:
        raise ApplicationError("只有已审定或已签发、未印发的纪要可以退回修改。")
    signed = minutes.signed_off_name
    minutes.status = Minutes.Status.DRAFT
    minutes.approved_by = None
    minutes.approved_at = None
    minutes.signed_off_name = minutes.signed_off_title = ""
    minutes.signed_off_at = None
    minutes.signed_off_recorded_by = None
    minutes.save(
        update_fields=[
            "status", "approved_by", "approved_at", "signed_off_name", "signed_off_title",
            "signed_off_at", "signed_off_recorded_by", "updated_at",
        ]
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="minutes.reopen",
        target=minutes,
        data={"signed_off_withdrawn": signed} if signed else None,
    )
    return minutes


def resolution_source_label(minutes: Minutes, resolution: Resolution) -> str:
    return f"{minutes.meeting.title}纪要{minutes.number} 第{resolution.number}项议定事项"


def resolution_source_key(resolution_id: int) -> str:
    """How the action item made from an agreed matter points back to it (四(二))."""
    return f"meetings.resolution:{resolution_id}"


def resolution_summary(resolution: Resolution) -> str:
    """How an agreed matter reads in the minutes: its text, who leads, who supports, by when."""
    parts = []
    if resolution.lead_unit_id:
        parts.append(f"牵头单位：{resolution.lead_unit.name}")  # type: ignore[union-attr]
    supporting = [u.name for u in resolution.supporting_units.all()]
    if supporting:
        parts.append(f"配合单位：{'、'.join(supporting)}")
    if resolution.deadline:
        parts.append(f"完成时限：{cn_date(resolution.deadline)}前")
    elif resolution.deadline_workdays:
        parts.append(f"完成时限：纪要印发后{resolution.deadline_workdays}个工作日内")
    text = resolution.text.rstrip("。；; ")
    return f"{text}。（{'；'.join(parts)}）" if parts else f"{text}。"


def _action_item_from(
    resolution: Resolution, minutes: Minutes, *, url: str, actor: Membership, today: date
) -> Any:
    from lianxi.supervision.services import action_item_create

    assert resolution.lead_unit is not None
    return action_item_create(
        mechanism=minutes.meeting.mechanism,
        title=resolution.text[:300],
        description=resolution_summary(resolution),
        source="meeting",
        source_label=resolution_source_label(minutes, resolution),
        source_url=url,
        source_key=resolution_source_key(resolution.pk),
        lead_unit=resolution.lead_unit,
        supporting_units=list(resolution.supporting_units.all()),
        deadline=resolution.deadline,
        deadline_workdays=resolution.deadline_workdays,
        feedback_every_workdays=resolution.feedback_every_workdays,
        actor=actor,
        today=today,
    )


@transaction.atomic
def minutes_issue(*, minutes: Minutes, actor: Membership, now: datetime | None = None) -> Minutes:
    """三(一)1 and 四(二): the secretariat (四(六)) 印发 the signed-off minutes to every member
    unit and invited unit, 抄报 the city government office, and takes the number now; each
    agreed matter becomes an action item with its lead unit."""
    meeting = minutes.meeting
    _require_secretariat_of(actor, minutes, "印发")
    now = now or timezone.now()
    minutes = Minutes.objects.select_for_update().select_related("meeting").get(pk=minutes.pk)
    if minutes.status != Minutes.Status.SIGNED:
        if minutes.status == Minutes.Status.ISSUED:
            raise ApplicationError("会议纪要已印发。")
        raise ApplicationError(f"会议纪要须经审定、签发后才能印发{ISSUE_RULE}。")
    year = _local(now).year
    minutes.year = year
    # Numbered per joint meeting and year: 〔2026〕1号 is each joint meeting's first of the year.
    minutes.serial = next_number(series=MINUTES_SERIES, scope_id=meeting.mechanism_id, year=year)
    minutes.status = Minutes.Status.ISSUED
    minutes.issued_by = actor.user
    minutes.issued_at = now
    minutes.save(update_fields=["year", "serial", "status", "issued_by", "issued_at", "updated_at"])

    members = list(
        Unit.objects.filter(mechanism_id=meeting.mechanism_id, kind=Unit.Kind.MEMBER, active=True)
    )
    invited = [
        a.unit
        for a in meeting.attendances.select_related("unit")
        if a.unit.kind != Unit.Kind.MEMBER and a.unit.active
    ]
    government = list(
        Unit.objects.filter(
            mechanism_id=meeting.mechanism_id, kind=Unit.Kind.GOVERNMENT, active=True
        )
    )
    receipts = (
        [MinutesReceipt(minutes=minutes, unit=u, kind=MinutesReceipt.Kind.MEMBER) for u in members]
        + [
            MinutesReceipt(minutes=minutes, unit=u, kind=MinutesReceipt.Kind.INVITED)
            for u in invited
        ]
        + [
            MinutesReceipt(minutes=minutes, unit=u, kind=MinutesReceipt.Kind.COPY)
            for u in government
        ]
    )
    MinutesReceipt.objects.bulk_create(receipts)
    url = minutes_url(minutes)
    title = f"{meeting.title}纪要{minutes.number}"
    notify(
        recipients=unit_recipients([*members, *invited]),
        kind="minutes.issued",
        subject=f"会议纪要印发：{title}",
        body=f"{title}已印发，请查阅并签收，按议定事项抓好落实（工作规则四(二)）。",
        url=url,
        actor=actor,
    )
    if government:
        notify(
            recipients=unit_recipients(government),
            kind="minutes.copy",
            subject=f"抄送：{title}",
            body=f"{title}已印发，抄送市政府办公室，请查阅并签收。",
            url=url,
            actor=actor,
        )
    today = _local(now).date()
    items = []
    for resolution in minutes.resolutions.select_related("lead_unit").prefetch_related(
        "supporting_units"
    ):
        if resolution.lead_unit is None:
            continue
        try:
            item = _action_item_from(resolution, minutes, url=url, actor=actor, today=today)
        except ApplicationError as exc:
            raise ApplicationError(
                f"第{resolution.number}项议定事项不能转为督办事项：{exc.message}"
            ) from exc
        items.append(item.pk)
    audit_record(
        actor=actor,
        action="minutes.issue",
        target=minutes,
        data={"number": minutes.number, "receipts": len(receipts), "action_items": items},
    )
    return minutes


@transaction.atomic
def minutes_acknowledge(
    *, receipt: MinutesReceipt, actor: Membership, now: datetime | None = None
) -> MinutesReceipt:
    """签收: a recipient unit confirms it received the issued minutes."""
    receipt = MinutesReceipt.objects.select_for_update().get(pk=receipt.pk)
    if not may_acknowledge(actor, receipt):
        raise ApplicationError("只有收文单位可以签收会议纪要。")
    if receipt.acknowledged_at is not None:
        return receipt
    receipt.acknowledged_at = now or timezone.now()
    receipt.acknowledged_by = actor.user
    receipt.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(
        actor=actor,
        action="minutes.acknowledge",
        target=receipt.minutes,
        data={"unit": actor.unit_id},
    )
    inbox_mark_read_about(
        user=actor.user, kinds=("minutes.issued", "minutes.copy"), url=minutes_url(receipt.minutes)
    )
    return receipt
