"""督办 writes (四(二)): action items, progress reports, reviews and extension requests.

Every write runs in one transaction, records its audit event and tells the people concerned
through `notify` (inside the transaction, so a message exists exactly when the change does).
"""

from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.calendar import add_workdays
from lianxi.core.dates import cn_date
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.services import notify
from lianxi.organization.access import membership_of, user_of
from lianxi.organization.models import Mechanism, Membership, Unit
from lianxi.organization.selectors import secretariat_users
from lianxi.routing.services import routing_example_record

from . import access
from .models import (
    MAX_DEADLINE_WORKDAYS,
    MAX_FEEDBACK_WORKDAYS,
    ActionItem,
    ExtensionRequest,
    ProgressReport,
    Reminder,
    Review,
)

TITLE_MAX = 300
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024


def item_url(item: ActionItem) -> str:
    return reverse("supervision:item", args=[item.pk])


def _notify_secretariat(item: ActionItem, **kwargs: Any) -> None:
    recipients = secretariat_users(item.mechanism_id)
    if recipients:
        notify(recipients=recipients, url=item_url(item), **kwargs)


def _locked(item: ActionItem) -> ActionItem:
    return ActionItem.objects.select_for_update().select_related("lead_unit").get(pk=item.pk)


def _require_membership(actor: Any) -> Membership:
    """The acting membership: the one given, as the meetings and incidents services take it,
    or the one a user acts in now."""
    membership = actor if isinstance(actor, Membership) else membership_of(actor)
    if membership is None or not membership.active:
        raise ApplicationError("您的账号未绑定任何单位，不能办理督办事项。")
    return membership


def _require_secretariat(actor: Any, item: ActionItem) -> Membership:
    membership = _require_membership(actor)
    if not access.is_secretariat(membership) or membership.unit.mechanism_id != item.mechanism_id:
        raise ApplicationError("只有联席会议办公室可以审核督办事项。")
    return membership


# --- creating -----------------------------------------------------------------------------


@transaction.atomic
def action_item_create(
    *,
    mechanism: Mechanism,
    title: str,
    description: str = "",
    source: str,
    source_label: str = "",
    source_url: str = "",
    source_key: str = "",
    lead_unit: Unit,
    supporting_units: Any = (),
    deadline: date | None = None,
    deadline_workdays: int | None = None,
    feedback_every_workdays: int = 15,
    actor: Any,
    today: date | None = None,
) -> ActionItem:
    """四(二): an agreed matter or assigned task becomes an item with a lead unit, supporting
    units, a deadline (a date, or N working days from today) and a feedback period.

    The lead and supporting units are told. Who may create is checked by the caller (the
    secretariat's page; the minutes' issuing in meetings).
    """
    today = today or timezone.localdate()
    title = (title or "").strip()
    if not title:
        raise ApplicationError("请填写督办事项。", field="title")
    if len(title) > TITLE_MAX:
        raise ApplicationError(f"督办事项不超过 {TITLE_MAX} 个字。", field="title")
    if source not in ActionItem.Source.values:
        raise ApplicationError("请选择督办事项的来源。", field="source")
    if lead_unit is None or lead_unit.mechanism_id != mechanism.pk or not lead_unit.active:
        raise ApplicationError("请选择本联席会议在册的牵头单位。", field="lead_unit")
    supporting = list(dict.fromkeys(supporting_units or ()))
    for unit in supporting:
        if unit.mechanism_id != mechanism.pk or not unit.active:
            raise ApplicationError(f"配合单位“{unit.name}”不属于本联席会议。", field="supporting")
        if unit.pk == lead_unit.pk:
            raise ApplicationError("牵头单位不能同时是配合单位。", field="supporting")
    if (deadline is None) == (deadline_workdays is None):
        raise ApplicationError("请填写办结时限：具体日期或工作日数，二者选一。", field="deadline")
    if deadline_workdays is not None:
        if not 1 <= deadline_workdays <= MAX_DEADLINE_WORKDAYS:
            raise ApplicationError(
                f"办结时限的工作日数应在 1 到 {MAX_DEADLINE_WORKDAYS} 之间。", field="deadline"
            )
        deadline = add_workdays(today, deadline_workdays)
    assert deadline is not None
    if deadline < today:
        raise ApplicationError("办结时限不能早于今天。", field="deadline")
    if not 1 <= feedback_every_workdays <= MAX_FEEDBACK_WORKDAYS:
        raise ApplicationError(
            f"反馈周期应在 1 到 {MAX_FEEDBACK_WORKDAYS} 个工作日之间。", field="feedback"
        )
    item = ActionItem.objects.create(
        mechanism=mechanism,
        title=title,
        description=(description or "").strip(),
        source=source,
        source_label=(source_label or "").strip()[:300],
        source_url=(source_url or "").strip()[:300],
        source_key=(source_key or "").strip()[:100],
        lead_unit=lead_unit,
        deadline=deadline,
        original_deadline=deadline,
        feedback_every_workdays=feedback_every_workdays,
        created_by=user_of(actor),
    )
    if supporting:
        item.supporting_units.set(supporting)
    audit_record(
        actor=actor,
        action="action_item.create",
        target=item,
        data={
            "source": source,
            "source_key": item.source_key,
            "lead_unit": lead_unit.name,
            "supporting_units": [u.name for u in supporting],
            "deadline": deadline.isoformat(),
            "feedback_every_workdays": feedback_every_workdays,
        },
    )
    # 二(四): the units the secretariat chose teach routing (an agreed matter's text only: its
    # description restates the units).
    routing_example_record(
        text=item.title if source == "meeting" else f"{item.title} {item.description}",
        lead_unit=lead_unit,
        supporting_units=supporting,
        source_key=f"supervision.action_item:{item.pk}",
        actor=actor,
    )
    names = "、".join(u.name for u in supporting)
    body = (
        f"{item.title}\n牵头单位：{lead_unit.name}\n"
        + (f"配合单位：{names}\n" if names else "")
        + f"办结时限：{cn_date(deadline)}\n"
        f"请每 {feedback_every_workdays} 个工作日反馈一次进展。"
    )
    notify(
        recipients=[lead_unit],
        kind="supervision.assigned",
        subject=f"督办事项（牵头）：{item.title}"[:200],
        body=body,
        url=item_url(item),
        actor=actor,
    )
    if supporting:
        notify(
            recipients=supporting,
            kind="supervision.assigned",
            subject=f"督办事项（配合）：{item.title}"[:200],
            body=body,
            url=item_url(item),
            actor=actor,
        )
    return item


# --- progress -----------------------------------------------------------------------------


def _check_attachment(attachment: UploadedFile | None) -> None:
    if attachment is None:
        return
    if not attachment.name:
        raise ApplicationError("附件没有文件名。", field="attachment")
    if not attachment.size:
        raise ApplicationError("所提交的是空文件。", field="attachment")
    if attachment.size > MAX_ATTACHMENT_BYTES:
        raise ApplicationError("附件不能超过 20 MB。", field="attachment")


def _attachment_name(attachment: UploadedFile) -> str:
    """The name the unit's file had, without any folder a browser may send (kept to 255)."""
    name = (attachment.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if len(name) > 255:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 254 - len(ext)] + dot + ext) if dot and len(ext) < 20 else name[:255]
    return name


def _attach(report: ProgressReport, attachment: UploadedFile) -> None:
    report.attachment = attachment
    report.attachment_name = _attachment_name(attachment)


def _checked_text(
    item: ActionItem, *, unit_id: int, text: str, requests_closure: bool | None
) -> str:
    """What a new report or a draft's rewrite must satisfy; the text as it is kept."""
    if item.status == ActionItem.Status.CLOSED:
        raise ApplicationError("该事项已办结销号，不再反馈进展。")
    text = (text or "").strip()
    if not text:
        raise ApplicationError("请填写进展情况。", field="text")
    if requests_closure and unit_id != item.lead_unit_id:
        raise ApplicationError("只有牵头单位可以申请办结。", field="requests_closure")
    return text


def _send_report(
    report: ProgressReport, item: ActionItem, membership: Membership, now: datetime
) -> None:
    """Marks a report sent and does what sending means (inside the caller's transaction)."""
    report.status = ProgressReport.Status.SUBMITTED
    report.submitted_at = now
    report.save(
        update_fields=[
            "status",
            "submitted_at",
            "text",
            "requests_closure",
            "attachment",
            "attachment_name",
        ]
    )
    is_lead = report.unit_id == item.lead_unit_id
    fields = []
    if is_lead:
        item.last_progress_at = now
        fields.append("last_progress_at")
        waiting = (ActionItem.Status.OPEN, ActionItem.Status.RETURNED)
        if report.requests_closure and item.status in waiting:
            item.status = ActionItem.Status.CLOSURE_REQUESTED
            fields.append("status")
        elif item.status == ActionItem.Status.RETURNED:
            # 补报: the lead unit answered the return; the item is in hand again.
            item.status = ActionItem.Status.OPEN
            fields.append("status")
    if fields:
        item.save(update_fields=[*fields, "updated_at"])
    audit_record(
        actor=membership,
        action="action_item.progress",
        target=item,
        data={
            "report": report.pk,
            "unit": report.unit.name,
            "role": "lead" if is_lead else "supporting",
            "requests_closure": report.requests_closure,
            "attachment": bool(report.attachment),
        },
    )
    what = "申请办结" if report.requests_closure else "反馈进展"
    subject = f"{report.unit.name}{what}：{item.title}"[:200]
    _notify_secretariat(
        item,
        kind="supervision.closure_requested" if report.requests_closure else "supervision.progress",
        subject=subject,
        body=report.text,
        actor=membership,
    )
    if not is_lead:
        notify(
            recipients=[item.lead_unit],
            kind="supervision.progress",
            subject=subject,
            body=report.text,
            url=item_url(item),
            actor=membership,
        )


@transaction.atomic
def progress_report_create(
    *,
    item: ActionItem,
    actor: Any,
    text: str,
    attachment: UploadedFile | None = None,
    requests_closure: bool = False,
    submit: bool = False,
    now: datetime | None = None,
) -> ProgressReport:
    """四(二): the lead unit reports progress (and may ask for closure, 申请办结); a supporting
    unit reports its part to the lead unit and the secretariat. Saved as a draft seen only by
    the unit, or sent at once (`submit`)."""
    now = now or timezone.now()
    membership = _require_membership(actor)
    item = _locked(item)
    if not access.can_report(membership, item):
        raise ApplicationError("只有牵头单位和配合单位的成员或联络员可以反馈进展。")
    text = _checked_text(
        item, unit_id=membership.unit_id, text=text, requests_closure=requests_closure
    )
    if requests_closure and submit and item.status == ActionItem.Status.CLOSURE_REQUESTED:
        raise ApplicationError("该事项已申请办结，正在等待联席会议办公室审核。")
    _check_attachment(attachment)
    report = ProgressReport(
        item=item,
        unit=membership.unit,
        author=membership.user,
        text=text,
        requests_closure=requests_closure,
    )
    if attachment is not None:
        _attach(report, attachment)
    report.save()
    if submit:
        _send_report(report, item, membership, now)
    else:
        audit_record(
            actor=membership,
            action="action_item.progress_draft",
            target=item,
            data={"report": report.pk, "unit": membership.unit.name},
        )
    return report


@transaction.atomic
def progress_report_submit(
    *, report: ProgressReport, actor: Any, text: str | None = None, now: datetime | None = None
) -> ProgressReport:
    """Sends a unit's draft (the liaison drafts; the member or the liaison sends)."""
    now = now or timezone.now()
    membership = _require_membership(actor)
    report = ProgressReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    item = _locked(report.item)
    if not access.acts_for_unit(membership) or membership.unit_id != report.unit_id:
        raise ApplicationError("只能报送本单位的进展反馈。")
    if report.status != ProgressReport.Status.DRAFT:
        raise ApplicationError("该进展反馈已经报送。")
    if item.status == ActionItem.Status.CLOSED:
        raise ApplicationError("该事项已办结销号，不再反馈进展。")
    if membership.unit_id not in item.unit_ids():
        raise ApplicationError("本单位已不是该事项的牵头或配合单位。")
    if report.requests_closure and item.status == ActionItem.Status.CLOSURE_REQUESTED:
        raise ApplicationError("该事项已申请办结，正在等待联席会议办公室审核。")
    if text is not None:
        text = text.strip()
        if not text:
            raise ApplicationError("请填写进展情况。", field="text")
        report.text = text
    _send_report(report, item, membership, now)
    return report


# --- the secretariat's review ---------------------------------------------------------------


@transaction.atomic
def action_item_close(
    *, item: ActionItem, actor: Any, reason: str = "", now: datetime | None = None
) -> Review:
    """办结销号: the secretariat closes the item; on time when closed by its (current) deadline."""
    now = now or timezone.now()
    membership = _require_secretariat(actor, item)
    item = _locked(item)
    if item.status == ActionItem.Status.CLOSED:
        raise ApplicationError("该事项已办结销号。")
    report = (
        item.reports.filter(status=ProgressReport.Status.SUBMITTED, requests_closure=True)
        .order_by("-submitted_at", "-id")
        .first()
    )
    item.status = ActionItem.Status.CLOSED
    item.closed_at = now
    item.closed_on_time = timezone.localtime(now).date() <= item.deadline
    item.save(update_fields=["status", "closed_at", "closed_on_time", "updated_at"])
    review = Review.objects.create(
        item=item,
        report=report,
        decision=Review.Decision.CLOSE,
        reason=(reason or "").strip(),
        reviewer=membership.user,
    )
    audit_record(
        actor=membership,
        action="action_item.close",
        target=item,
        data={"on_time": item.closed_on_time, "deadline": item.deadline.isoformat()},
    )
    notify(
        recipients=[item.lead_unit, *item.supporting_units.all()],
        kind="supervision.closed",
        subject=f"督办事项已办结销号：{item.title}"[:200],
        body=(reason or "").strip() or "联席会议办公室审核同意办结销号。",
        url=item_url(item),
        actor=membership,
    )
    return review


@transaction.atomic
def action_item_return(
    *, item: ActionItem, actor: Any, reason: str, now: datetime | None = None
) -> Review:
    """退回: the secretariat sends the item back to the lead unit with its reasons."""
    membership = _require_secretariat(actor, item)
    item = _locked(item)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("退回时请写明理由。", field="reason")
    if item.status == ActionItem.Status.CLOSED:
        raise ApplicationError("该事项已办结销号，不能退回。")
    report = (
        item.reports.filter(status=ProgressReport.Status.SUBMITTED, unit_id=item.lead_unit_id)
        .order_by("-submitted_at", "-id")
        .first()
    )
    item.status = ActionItem.Status.RETURNED
    item.save(update_fields=["status", "updated_at"])
    review = Review.objects.create(
        item=item,
        report=report,
        decision=Review.Decision.RETURN,
        reason=reason,
        reviewer=membership.user,
    )
    audit_record(
        actor=membership, action="action_item.return", target=item, data={"reason": reason}
    )
    notify(
        recipients=[item.lead_unit],
        kind="supervision.returned",
        subject=f"督办事项被退回：{item.title}"[:200],
        body=f"退回理由：{reason}\n请按要求办理后补报进展。",
        url=item_url(item),
        actor=membership,
    )
    return review


# --- extensions -----------------------------------------------------------------------------


@transaction.atomic
def extension_request_create(
    *,
    item: ActionItem,
    actor: Any,
    reason: str,
    new_deadline: date | None,
    today: date | None = None,
) -> ExtensionRequest:
    """延期申请: the lead unit asks before the deadline, with a reason and a new date."""
    today = today or timezone.localdate()
    membership = _require_membership(actor)
    item = _locked(item)
    if not access.is_lead(membership, item):
        raise ApplicationError("只有牵头单位可以申请延期。")
    if item.status == ActionItem.Status.CLOSED:
        raise ApplicationError("该事项已办结销号，无需延期。")
    if today > item.deadline:
        raise ApplicationError(
            f"办结时限（{cn_date(item.deadline)}）已过，不能再申请延期；"
            "请尽快办理并反馈进展，或与联席会议办公室联系。"
        )
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请写明延期理由。", field="reason")
    if new_deadline is None:
        raise ApplicationError("请填写申请延至的日期。", field="new_deadline")
    if new_deadline <= item.deadline:
        raise ApplicationError(
            f"申请延至的日期应晚于现在的办结时限（{cn_date(item.deadline)}）。",
            field="new_deadline",
        )
    if item.extensions.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise ApplicationError("该事项已有一项延期申请在等待审核。")
    extension = ExtensionRequest.objects.create(
        item=item,
        unit=membership.unit,
        requested_by=membership.user,
        reason=reason,
        old_deadline=item.deadline,
        new_deadline=new_deadline,
    )
    audit_record(
        actor=membership,
        action="action_item.extension_request",
        target=item,
        data={"from": item.deadline.isoformat(), "to": new_deadline.isoformat(), "reason": reason},
    )
    _notify_secretariat(
        item,
        kind="supervision.extension_requested",
        subject=f"{membership.unit.name}申请延期：{item.title}"[:200],
        body=(
            f"申请将办结时限由 {cn_date(item.deadline)} 延至 {cn_date(new_deadline)}。"
            f"\n理由：{reason}"
        ),
        actor=membership,
    )
    return extension


@transaction.atomic
def extension_request_decide(
    *,
    extension: ExtensionRequest,
    actor: Any,
    grant: bool,
    note: str = "",
    now: datetime | None = None,
) -> ExtensionRequest:
    """The secretariat grants (the deadline moves; the original one is kept) or refuses."""
    now = now or timezone.now()
    extension = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    membership = _require_secretariat(actor, extension.item)
    item = _locked(extension.item)
    if extension.status != ExtensionRequest.Status.PENDING:
        raise ApplicationError("该延期申请已经审核。")
    note = (note or "").strip()
    if not grant and not note:
        raise ApplicationError("不同意延期时请写明理由。", field="note")
    if grant and item.status == ActionItem.Status.CLOSED:
        raise ApplicationError("该事项已办结销号，无需延期。")
    extension.status = ExtensionRequest.Status.GRANTED if grant else ExtensionRequest.Status.REFUSED
    extension.decided_by = membership.user
    extension.decision_note = note
    extension.decided_at = now
    extension.save(update_fields=["status", "decided_by", "decision_note", "decided_at"])
    if grant:
        item.deadline = extension.new_deadline
        item.save(update_fields=["deadline", "updated_at"])
    audit_record(
        actor=membership,
        action="action_item.extension_grant" if grant else "action_item.extension_refuse",
        target=item,
        data={
            "extension": extension.pk,
            "from": extension.old_deadline.isoformat(),
            "to": extension.new_deadline.isoformat(),
            "note": note,
        },
    )
    if grant:
        subject = f"延期申请已同意：{item.title}"
        body = (
            f"办结时限延至 {cn_date(extension.new_deadline)}"
            f"（原定 {cn_date(item.original_deadline)}）。"
        )
    else:
        subject = f"延期申请未同意：{item.title}"
        body = f"办结时限仍为 {cn_date(item.deadline)}。"
    if note:
        body += f"\n意见：{note}"
    notify(
        recipients=[item.lead_unit],
        kind="supervision.extension_decided",
        subject=subject[:200],
        body=body,
        url=item_url(item),
        actor=membership,
    )
    return extension


# --- drafts ---------------------------------------------------------------------------------


def _own_draft(report: ProgressReport, actor: Any) -> tuple[ProgressReport, Membership]:
    """The draft, locked, if the actor acts for its unit and it is still a draft."""
    membership = _require_membership(actor)
    report = ProgressReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    if not access.acts_for_unit(membership) or membership.unit_id != report.unit_id:
        raise ApplicationError("只能修改本单位的进展反馈草稿。")
    if report.status != ProgressReport.Status.DRAFT:
        raise ApplicationError("该进展反馈已经报送，不能再修改或删除。")
    return report, membership


@transaction.atomic
def progress_report_update(
    *,
    report: ProgressReport,
    actor: Any,
    text: str,
    requests_closure: bool | None = None,
    attachment: UploadedFile | None = None,
    remove_attachment: bool = False,
) -> ProgressReport:
    """四(二): a unit's draft is its own until sent: its member or liaison rewrites it (text, the
    closure request, the file) as often as needed."""
    report, membership = _own_draft(report, actor)
    item = _locked(report.item)
    text = _checked_text(item, unit_id=report.unit_id, text=text, requests_closure=requests_closure)
    if requests_closure is not None:
        report.requests_closure = requests_closure
    _check_attachment(attachment)
    old_file = str(report.attachment.name or "") if report.attachment else ""
    report.text = text
    if attachment is not None:
        _attach(report, attachment)
    elif remove_attachment:
        report.attachment = ""
        report.attachment_name = ""
    report.save(update_fields=["text", "requests_closure", "attachment", "attachment_name"])
    replaced = old_file and old_file != (report.attachment.name if report.attachment else "")
    if replaced:
        _delete_file_on_commit(report.attachment.storage, old_file)
    audit_record(
        actor=membership,
        action="action_item.progress_draft_edit",
        target=item,
        data={
            "report": report.pk,
            "unit": report.unit.name,
            "attachment": report.attachment_name,
            "requests_closure": report.requests_closure,
        },
    )
    return report


@transaction.atomic
def progress_report_delete(*, report: ProgressReport, actor: Any) -> None:
    """四(二): a draft its unit no longer wants is deleted (with its file); a sent report stays."""
    report, membership = _own_draft(report, actor)
    item = report.item
    pk, file_name = report.pk, (str(report.attachment.name or "") if report.attachment else "")
    storage = report.attachment.storage
    report.delete()
    if file_name:
        _delete_file_on_commit(storage, file_name)
    audit_record(
        actor=membership,
        action="action_item.progress_draft_delete",
        target=item,
        data={"report": pk, "unit": membership.unit.name},
    )


def _delete_file_on_commit(storage: Any, name: str) -> None:
    """A draft's file goes once the change that dropped it is committed (never before)."""
    transaction.on_commit(lambda: storage.delete(name))


# --- 催办 -------------------------------------------------------------------------------------


@transaction.atomic
def action_item_urge(
    *, item: ActionItem, actor: Any, note: str = "", now: datetime | None = None
) -> Reminder:
    """四(二) 督促督办: the secretariat urges the lead unit now (its liaison and member), with an
    optional note; recorded as a reminder with who sent it, and in the audit trail. Unlike the
    tick's reminders it may be sent as often as the secretariat chooses."""
    now = now or timezone.now()
    membership = _require_secretariat(actor, item)
    item = _locked(item)
    if item.status == ActionItem.Status.CLOSED:
        raise ApplicationError("该事项已办结销号，无需催办。")
    note = (note or "").strip()
    if len(note) > 500:
        raise ApplicationError("催办意见不超过 500 个字。", field="note")
    reminder = Reminder.objects.create(
        item=item,
        kind=Reminder.Kind.URGE,
        audience=Reminder.Audience.UNIT,
        about=timezone.localtime(now).date(),
        sent_at=now,
        sent_by=membership.user,
        note=note,
    )
    lines = [f"联席会议办公室催办：请抓紧办理，并于办结时限（{cn_date(item.deadline)}）前办结。"]
    if item.status == ActionItem.Status.RETURNED:
        lines.append("该事项已被退回，请按退回意见办理后补报进展。")
    if note:
        lines.append(f"催办意见：{note}")
    notify(
        recipients=[item.lead_unit],
        kind="supervision.urged",
        subject=f"【催办】{item.title}"[:200],
        body="\n".join(lines),
        url=item_url(item),
        actor=membership,
        key=f"supervision:{item.pk}:urge:{reminder.pk}",
    )
    audit_record(
        actor=membership,
        action="action_item.urge",
        target=item,
        data={"reminder": reminder.pk, "to": item.lead_unit.name, "note": note},
    )
    return reminder
