"""Comment rounds (征求意见, 三(二)): the drafter sends a version to chosen units with a deadline
in working days; each unit's liaison drafts the answer and its member approves it before it goes
(无意见, comments anchored to paragraphs with proposed wording, or 不同意 with reasons); the
drafter answers every comment (采纳 / 部分采纳 / 不采纳). At the deadline a silent unit is
recorded as 无意见 where the round says so (逾期未反馈视为无意见), else flagged and reminded:
its liaison, then its member, then the secretariat.

A round binds the version it sent: a later draft does not change what the units see or what
their comments point at, and a second round on a revised version keeps the first one's replies
and decisions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.calendar import add_workdays
from lianxi.core.dates import cn_date
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.services import notify
from lianxi.organization.access import membership_of
from lianxi.organization.models import Membership, Unit
from lianxi.organization.selectors import secretariat_users, unit_people

from ..access import may_approve_reply, may_decide, may_reply, require_edit, sight
from ..models import Comment, Consultation, OfficialDocument, UnitReply
from ..parties import parties_record
from .common import clean_text, current_version, document_url, mechanism_units

DEADLINE_MIN = 1
DEADLINE_MAX = 60
NOTE_MAX = 1_000
COMMENTS_MAX = 100
COMMENT_MAX = 2_000
REASONS_MAX = 2_000
ROUND_UNITS_MAX = 60

Stance = UnitReply.Stance
ReplyStatus = UnitReply.Status
Decision = Comment.Decision

# A reply that has not gone: nothing sent (or a draft its member has not approved).
SILENT = (ReplyStatus.PENDING, ReplyStatus.DRAFTED, ReplyStatus.OVERDUE)
# A reply that is settled: sent, or recorded as no comment at the deadline.
FINAL = (ReplyStatus.SUBMITTED, ReplyStatus.DEEMED)
# Reminders of a silent unit where silence is not consent, by level: the n-th working day after
# the deadline (1: the liaison, 2: the member, 3: the secretariat).
REMINDER_LEVELS = (1, 2, 3)

STANCE_BY_LABEL = {label: value for value, label in Stance.choices}
DECISION_BY_LABEL = {label: value for value, label in Decision.choices}


def reply_url(reply: UnitReply) -> str:
    return reverse("documents:reply", args=[reply.pk])


def adoption_url(document: OfficialDocument) -> str:
    return reverse("documents:adoption", args=[document.pk])


# --- the routing suggestion -------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    unit: Unit
    reason: str


# The routing looks at a paragraph's words; a body of many paragraphs is routed in this many
# paragraphs at most (a policy's first sections name its matters).
SUGGEST_PARAGRAPHS_MAX = 120


def consultation_suggested_units(document: OfficialDocument) -> list[Suggestion]:
    """三(二): the units a round should consult, with why, in the units' order: the co-issuing
    units (they issue it too), then the units whose duties the text touches — the duty routing's
    lead and supporting units for the title and the whole body, and the confident lead of each
    paragraph (a policy's sections each reach their own department). The drafting unit is never
    suggested."""
    from lianxi.routing.selectors import router_for

    version = current_version(document)
    reasons: dict[int, str] = {}
    for issuer in document.issuers.exclude(unit_id=document.drafting_unit_id):
        reasons.setdefault(issuer.unit_id, "联合发文单位")
    router = router_for(document.mechanism)

    def why(score: Any) -> str:
        if not score.duties:
            return "职责相关"
        duty = score.duties[0]
        words = "、".join(duty.matched[:3])
        label = duty.label or "职责"
        return f"职责匹配：{label} {duty.text[:30]}（{words}）" if words else f"职责匹配：{label}"

    whole = router.route("。".join([version.title, *version.paragraphs]))
    if whole.confident:
        for score in [whole.lead, *whole.supporting]:
            if score is not None:
                reasons.setdefault(score.key, why(score))
    for paragraph in version.paragraphs[:SUGGEST_PARAGRAPHS_MAX]:
        routed = router.route(paragraph)
        if routed.confident and routed.lead is not None:
            reasons.setdefault(routed.lead.key, why(routed.lead))
    reasons.pop(document.drafting_unit_id, None)
    units = Unit.objects.filter(
        pk__in=list(reasons),
        mechanism_id=document.mechanism_id,
        kind=Unit.Kind.MEMBER,
        active=True,
    ).order_by("order", "id")
    return [Suggestion(unit=unit, reason=reasons[unit.pk]) for unit in units]


# --- sending a round ---------------------------------------------------------------------------


def _locked_document(document: OfficialDocument) -> OfficialDocument:
    return (
        OfficialDocument.objects.select_for_update(of=("self",))
        .select_related("mechanism", "drafting_unit")
        .get(pk=document.pk)
    )


def _workdays(value: Any) -> int:
    try:
        workdays = int(value)
    except (TypeError, ValueError):
        raise ApplicationError("反馈时限应为工作日天数。", field="deadline_workdays") from None
    if not DEADLINE_MIN <= workdays <= DEADLINE_MAX:
        raise ApplicationError(
            f"反馈时限应为 {DEADLINE_MIN} 至 {DEADLINE_MAX} 个工作日。", field="deadline_workdays"
        )
    return workdays


@transaction.atomic
def consultation_send(
    *,
    actor: Membership,
    document: OfficialDocument,
    unit_ids: Iterable[int],
    deadline_workdays: int,
    note: str = "",
    silence_is_consent: bool = True,
    today: date | None = None,
) -> Consultation:
    """三(二): the drafting unit sends the current version to chosen units of the joint meeting
    (not itself, each once) with a deadline in working days; one round at a time. Each unit gets
    a reply to draft and a message."""
    document = _locked_document(document)
    require_edit(actor.user, document)
    if document.status != OfficialDocument.Status.DRAFT:
        raise ApplicationError("公文已送会签或已印发，不能再征求意见；请先撤回会签。")
    open_round = document.consultations.filter(status=Consultation.Status.OPEN).first()
    if open_round is not None:
        raise ApplicationError(
            f"第 {open_round.round} 轮征求意见尚未结束（截止 {cn_date(open_round.deadline)}），"
            "结束后才能发起下一轮。"
        )
    workdays = _workdays(deadline_workdays)
    units = mechanism_units(actor, list(unit_ids), "征求意见单位")
    if not units:
        raise ApplicationError("请选择征求意见的单位。", field="units")
    if len(units) > ROUND_UNITS_MAX:
        raise ApplicationError(f"一轮征求意见不能超过 {ROUND_UNITS_MAX} 个单位。", field="units")
    if any(u.pk == document.drafting_unit_id for u in units):
        raise ApplicationError("起草单位不必征求自己的意见。", field="units")
    outside = [u.name for u in units if u.kind != Unit.Kind.MEMBER]
    if outside:
        raise ApplicationError(
            f"征求意见的对象应为联席会议成员单位（{'、'.join(outside)}不是）。", field="units"
        )
    note = clean_text(note, "征求意见说明", NOTE_MAX, required=False, kind="paragraph")
    version = current_version(document)
    previous = document.consultations.aggregate(last=Max("round"))["last"] or 0
    today = today or timezone.localdate()
    consultation = Consultation.objects.create(
        document=document,
        version=version,
        round=previous + 1,
        note=note,
        deadline_workdays=workdays,
        deadline=add_workdays(today, workdays),
        silence_is_consent=bool(silence_is_consent),
        sent_by=actor.user,
        parties=parties_record(document),
    )
    replies = UnitReply.objects.bulk_create(
        UnitReply(consultation=consultation, unit=unit) for unit in units
    )
    rule = (
        "逾期未反馈的，视为无意见。"
        if consultation.silence_is_consent
        else "逾期未反馈的，将提醒贵单位联络员、成员并报联席会议办公室。"
    )
    for reply, unit in zip(replies, units, strict=True):
        notify(
            recipients=[unit],
            kind="document.consultation",
            subject=f"征求意见：{document.title}",
            body=(
                f"{document.drafting_unit.name}就《{version.title}》（第 {version.number} 稿）"
                f"第 {consultation.round} 轮征求贵单位意见，请于 {cn_date(consultation.deadline)}"
                f"前由联络员起草、本单位成员审核后反馈。{rule}"
                + (f"\n说明：{note}" if note else "")
            ),
            url=reply_url(reply),
            actor=actor,
            mechanism=document.mechanism,
        )
    audit_record(
        actor=actor,
        action="document.consultation_send",
        target=document,
        data={
            "round": consultation.round,
            "version": version.number,
            "units": [u.name for u in units],
            "deadline": consultation.deadline.isoformat(),
            "deadline_workdays": workdays,
            "silence_is_consent": consultation.silence_is_consent,
        },
    )
    return consultation


# --- a unit's reply ------------------------------------------------------------------------------


def _locked_reply(reply: UnitReply) -> UnitReply:
    return (
        UnitReply.objects.select_for_update(of=("self",))
        .select_related("consultation__document__mechanism", "consultation__version", "unit")
        .get(pk=reply.pk)
    )


def _stance(value: str) -> str:
    value = (value or "").strip()
    if value in Stance.values:
        return value
    if value in STANCE_BY_LABEL:
        return STANCE_BY_LABEL[value]
    raise ApplicationError("请选择无意见、有修改意见或不同意。", field="stance")


def _paragraph(value: Any, paragraphs: Sequence[str], n: int) -> int | None:
    if value is None or value == "":
        return None
    try:
        index = int(value)
    except (TypeError, ValueError):
        raise ApplicationError(f"第 {n} 条意见所指的段落不存在。") from None
    if not 0 <= index < len(paragraphs):
        raise ApplicationError(
            f"第 {n} 条意见所指的段落不存在（征求意见稿共 {len(paragraphs)} 段）。"
        )
    return index


def _require_reply_open(reply: UnitReply) -> None:
    if reply.consultation.status != Consultation.Status.OPEN:
        raise ApplicationError("本轮征求意见已结束，不能再填写或报送反馈。")
    if reply.status in FINAL:
        raise ApplicationError(f"本单位的反馈已{reply.get_status_display()}，不能再修改。")


def _acts_for_reply(actor: Membership, reply: UnitReply) -> None:
    if membership_of(actor.user) is None or actor.unit_id != reply.unit_id:
        raise PermissionDenied("只有被征求意见单位的联络员或成员可以填写反馈。")


@transaction.atomic
def reply_draft(
    *,
    actor: Membership,
    reply: UnitReply,
    stance: str,
    reasons: str = "",
    comments: Sequence[Mapping[str, Any]] = (),
    submit: bool = False,
) -> UnitReply:
    """三(二): the consulted unit's liaison (or member) drafts its answer, replacing an earlier
    draft: 无意见 (no comments), 有修改意见 (at least one comment; a comment anchored to a
    paragraph of the version sent keeps that paragraph's text), or 不同意 with reasons (the
    reasons become a comment on the whole text, so the drafter answers them too). A member may
    approve at once (`submit`); a liaison's draft waits for the member."""
    reply = _locked_reply(reply)
    _acts_for_reply(actor, reply)
    _require_reply_open(reply)
    if not may_reply(actor.user, reply):
        raise PermissionDenied("只有被征求意见单位的联络员或成员可以填写反馈。")
    if submit and not may_approve_reply(actor.user, reply):
        raise PermissionDenied(
            "联络员起草的反馈须经本单位成员审核后报送（工作规则三(二)），请先保存草稿。"
        )
    stance = _stance(stance)
    reasons = clean_text(reasons, "理由", REASONS_MAX, required=False, kind="paragraph")
    paragraphs = reply.consultation.version.paragraphs
    rows: list[Comment] = []
    if stance == Stance.DISAGREE:
        if not reasons:
            raise ApplicationError("不同意的，请写明理由。", field="reasons")
        rows.append(Comment(reply=reply, paragraph=None, text=reasons, order=0))
    if len(comments) > COMMENTS_MAX:
        raise ApplicationError(f"一次反馈的修改意见不能超过 {COMMENTS_MAX} 条。")
    for n, raw in enumerate(comments, start=1):
        index = _paragraph(raw.get("paragraph"), paragraphs, n)
        text = clean_text(
            str(raw.get("text") or ""), f"第 {n} 条意见", COMMENT_MAX, kind="paragraph"
        )
        proposed = clean_text(
            str(raw.get("proposed") or ""),
            f"第 {n} 条意见的建议修改",
            COMMENT_MAX,
            required=False,
            kind="paragraph",
        )
        rows.append(
            Comment(
                reply=reply,
                paragraph=index,
                quoted=paragraphs[index] if index is not None else "",
                text=text,
                proposed=proposed,
                order=len(rows),
            )
        )
    if stance == Stance.NO_COMMENT and rows:
        raise ApplicationError("选择“无意见”时不能再填写修改意见；有意见的请选择“有修改意见”。")
    if stance == Stance.COMMENTS and not rows:
        raise ApplicationError("请至少填写一条修改意见；没有意见的请选择“无意见”。")
    reply.comments.all().delete()
    Comment.objects.bulk_create(rows)
    now = timezone.now()
    reply.stance = stance
    reply.reasons = reasons
    reply.status = ReplyStatus.DRAFTED
    reply.drafted_by = actor.user
    reply.drafted_at = now
    reply.save(update_fields=["stance", "reasons", "status", "drafted_by", "drafted_at"])
    audit_record(
        actor=actor,
        action="document.reply_draft",
        target=reply.consultation.document,
        data={
            "round": reply.consultation.round,
            "unit": reply.unit.name,
            "stance": stance,
            "comments": len(rows),
        },
    )
    if submit:
        _approve(actor, reply, now)
    return reply


def _approve(actor: Membership, reply: UnitReply, now: datetime) -> None:
    consultation = reply.consultation
    document = consultation.document
    reply.status = ReplyStatus.SUBMITTED
    reply.approved_by = actor.user
    reply.submitted_at = now
    reply.save(update_fields=["status", "approved_by", "submitted_at"])
    audit_record(
        actor=actor,
        action="document.reply_approve",
        target=document,
        data={
            "round": consultation.round,
            "unit": reply.unit.name,
            "stance": reply.stance,
            "late": timezone.localtime(now).date() > consultation.deadline,
        },
    )
    count = reply.comments.count()
    said = reply.get_stance_display() + (f"，{count} 条" if count else "")
    notify(
        recipients=[document.drafting_unit, consultation.sent_by],
        kind="document.reply",
        subject=f"{reply.unit.name}已反馈意见：{document.title}",
        body=f"第 {consultation.round} 轮征求意见，{reply.unit.name}的反馈：{said}。",
        url=adoption_url(document) if count else document_url(document),
        actor=actor,
        mechanism=document.mechanism,
    )
    if not consultation.replies.exclude(status__in=FINAL).exists():
        _close(consultation, now)


@transaction.atomic
def reply_approve(*, actor: Membership, reply: UnitReply) -> UnitReply:
    """三(二): the unit's member approves the drafted answer and only then it goes; the drafting
    unit is told. A liaison cannot approve. The round ends when every unit has answered."""
    reply = _locked_reply(reply)
    _acts_for_reply(actor, reply)
    if not may_approve_reply(actor.user, reply) and (
        reply.consultation.status == Consultation.Status.OPEN
    ):
        raise PermissionDenied("反馈须经本单位成员审核后报送（工作规则三(二)），联络员不能报送。")
    _require_reply_open(reply)
    if reply.status != ReplyStatus.DRAFTED:
        raise ApplicationError("本单位的反馈还没有起草。")
    _approve(actor, reply, timezone.now())
    return reply


# --- the drafter's answers --------------------------------------------------------------------


def _decision(value: str) -> str:
    value = (value or "").strip()
    if value in Decision.values:
        return value
    if value in DECISION_BY_LABEL:
        return DECISION_BY_LABEL[value]
    raise ApplicationError("处理意见应为采纳、部分采纳或不采纳。", field="decision")


@transaction.atomic
def comment_decide(
    *, actor: Membership, comment: Comment, decision: str, reason: str = ""
) -> Comment:
    """三(二): the drafter answers a comment: 采纳, or 部分采纳 / 不采纳 with a reason. The answer
    may change until the document is issued."""
    comment = (
        Comment.objects.select_for_update(of=("self",))
        .select_related("reply__consultation__document", "reply__unit")
        .get(pk=comment.pk)
    )
    if not may_decide(actor.user, comment):
        raise PermissionDenied("只有起草单位可以处理修改意见。")
    reply = comment.reply
    document = reply.consultation.document
    if document.status in (OfficialDocument.Status.ISSUED, OfficialDocument.Status.WITHDRAWN):
        raise ApplicationError("公文已印发，意见采纳情况不能再修改。")
    if reply.status != ReplyStatus.SUBMITTED:
        raise ApplicationError("该单位的反馈尚未经本单位成员审核报送，还不能处理。")
    decision = _decision(decision)
    reason = clean_text(reason, "理由", REASONS_MAX, required=False, kind="paragraph")
    if decision != Decision.ADOPTED and not reason:
        label = Decision(decision).label
        raise ApplicationError(f"{label}的，请写明理由。", field="reason")
    previous = comment.decision
    comment.decision = decision
    comment.decision_reason = reason
    comment.decided_by = actor.user
    comment.decided_at = timezone.now()
    comment.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="document.comment_decide",
        target=document,
        data={
            "comment": comment.pk,
            "round": reply.consultation.round,
            "unit": reply.unit.name,
            "decision": decision,
            "previous": previous,
        },
    )
    return comment


# --- closing: early by the drafter, or at the deadline ------------------------------------------


def _close(consultation: Consultation, now: datetime) -> None:
    consultation.status = Consultation.Status.CLOSED
    consultation.closed_at = now
    consultation.save(update_fields=["status", "closed_at"])


def _settle_silent(consultation: Consultation) -> list[str]:
    """The silent units of a round per its rule: 视为无意见, or flagged overdue."""
    silent = list(consultation.replies.filter(status__in=SILENT).select_related("unit"))
    if consultation.silence_is_consent:
        UnitReply.objects.filter(pk__in=[r.pk for r in silent]).update(
            status=ReplyStatus.DEEMED, stance=Stance.NO_COMMENT
        )
    else:
        # The round ends here (only consultation_close settles a round whose silence is not
        # consent): a draft its member never approved was not an answer either.
        UnitReply.objects.filter(pk__in=[r.pk for r in silent]).update(status=ReplyStatus.OVERDUE)
    return [r.unit.name for r in silent]


@transaction.atomic
def consultation_close(*, actor: Membership, consultation: Consultation) -> Consultation:
    """三(二): the drafter ends a round early; the units that have not answered are treated per
    the round's rule (视为无意见, or recorded as not answered)."""
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("document__mechanism")
        .get(pk=consultation.pk)
    )
    if not sight(actor.user, consultation.document).drafter:
        raise PermissionDenied("只有起草单位可以结束征求意见。")
    if consultation.status != Consultation.Status.OPEN:
        raise ApplicationError("本轮征求意见已经结束。")
    silent = _settle_silent(consultation)
    _close(consultation, timezone.now())
    audit_record(
        actor=actor,
        action="document.consultation_close",
        target=consultation.document,
        data={
            "round": consultation.round,
            "silent": silent,
            "deemed": consultation.silence_is_consent,
        },
    )
    return consultation


def _reminder_text(reply: UnitReply, level: int) -> tuple[str, str, str]:
    consultation = reply.consultation
    document = consultation.document
    deadline = cn_date(consultation.deadline)
    title = f"《{consultation.version.title}》第 {consultation.round} 轮征求意见"
    if level == 1:
        subject = f"征求意见已逾期：{consultation.version.title}"
        body = (
            f"{title}的反馈截止日期 {deadline} 已过，贵单位尚未报送反馈。"
            "请尽快起草，经本单位成员审核后报送。"
        )
        return subject, body, reply_url(reply)
    if level == 2:
        subject = f"【提请督促】征求意见已逾期：{consultation.version.title}"
        body = f"{title}的反馈截止日期 {deadline} 已过，本单位联络员已收到提醒，至今未报送。" + (
            "联络员已起草反馈，请审核后报送。"
            if reply.status == ReplyStatus.DRAFTED
            else "请督促起草并审核报送。"
        )
        return subject, body, reply_url(reply)
    subject = f"征求意见逾期未反馈：{reply.unit.name}"
    body = (
        f"{title}的反馈截止日期 {deadline} 已过，{reply.unit.name}经联络员、成员两次提醒仍未反馈，"
        "请联席会议办公室督促（工作规则三(二)）。"
    )
    return subject, body, document_url(document)


def consultation_deadlines(now: datetime) -> dict[str, int]:
    """Tick: rounds whose deadline has passed. Where silence is consent, the silent units are
    recorded as 无意见 and the round ends. Otherwise they are flagged overdue and reminded once
    each: the liaison on the first working day after the deadline, the member on the second, the
    secretariat on the third (a late tick sends what is due, in that order). Idempotent: the
    reply's reminder level and each message's key say what went out."""
    today = timezone.localtime(now).date()
    rounds = list(
        Consultation.objects.filter(status=Consultation.Status.OPEN, deadline__lt=today)
        .select_related("document__mechanism", "document__drafting_unit", "version")
        .order_by("deadline", "id")
    )
    deemed = reminded = 0
    for consultation in rounds:
        if consultation.silence_is_consent:
            with transaction.atomic():
                locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
                if locked.status != Consultation.Status.OPEN:
                    continue
                silent = _settle_silent(consultation)
                _close(consultation, now)
                audit_record(
                    actor=None,
                    action="document.consultation_deemed",
                    target=consultation.document,
                    data={"round": consultation.round, "deemed": silent},
                )
                if silent:
                    notify(
                        recipients=[consultation.document.drafting_unit, consultation.sent_by],
                        kind="document.consultation_deemed",
                        subject=f"征求意见已截止：{consultation.document.title}",
                        body=(
                            f"第 {consultation.round} 轮征求意见已于 "
                            f"{cn_date(consultation.deadline)} 截止，"
                            f"{'、'.join(silent)}逾期未反馈，视为无意见。"
                        ),
                        url=document_url(consultation.document),
                        mechanism=consultation.document.mechanism,
                        key=f"documents:consultation:{consultation.pk}:deemed",
                    )
            deemed += len(silent)
            continue
        reminded += _remind_round(consultation, today, now)
    return {"deemed": deemed, "reminded": reminded}


def _remind_round(consultation: Consultation, today: date, now: datetime) -> int:
    with transaction.atomic():
        UnitReply.objects.filter(consultation=consultation, status=ReplyStatus.PENDING).update(
            status=ReplyStatus.OVERDUE
        )
    due_on = {level: add_workdays(consultation.deadline, level) for level in REMINDER_LEVELS}
    due_level = max((level for level, day in due_on.items() if day <= today), default=0)
    if not due_level:
        return 0
    silent = list(
        consultation.replies.filter(status__in=SILENT, reminder_level__lt=due_level).select_related(
            "unit"
        )
    )
    if not silent:
        return 0
    people = unit_people({r.unit_id for r in silent})
    secretariat = secretariat_users(consultation.document.mechanism_id)
    sent = 0
    for reply in silent:
        reply.consultation = consultation
        for level in range(reply.reminder_level + 1, due_level + 1):
            liaisons = people.get((reply.unit_id, Membership.Role.LIAISON), [])
            members = people.get((reply.unit_id, Membership.Role.MEMBER), [])
            recipients: list[Any] = {
                1: liaisons or members,
                2: members,
                3: secretariat,
            }[level] or [reply.unit]
            subject, body, url = _reminder_text(reply, level)
            with transaction.atomic():
                updated = UnitReply.objects.filter(
                    pk=reply.pk, reminder_level=level - 1, status__in=SILENT
                ).update(reminder_level=level, reminded_at=now)
                if not updated:
                    break
                notify(
                    recipients=recipients,
                    kind="document.reply_reminder",
                    subject=subject,
                    body=body,
                    url=url,
                    mechanism=consultation.document.mechanism,
                    key=f"documents:reply:{reply.pk}:reminder:{level}",
                )
                audit_record(
                    actor=None,
                    action="document.reply_remind",
                    target=consultation.document,
                    data={"round": consultation.round, "unit": reply.unit.name, "level": level},
                )
            reply.reminder_level = level
            sent += 1
    return sent
