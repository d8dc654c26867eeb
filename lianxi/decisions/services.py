"""重大事项 writes (四(四), 二(四)): a matter, its rounds of consent, the answers, the outcome.

Every write runs in one transaction with its audit event and its messages. Silence is never
consent: a unit that did not answer by the deadline is flagged, escalated to its member and then
to the secretariat, and recorded as 逾期未答复 when the round ends; a matter passes only when
every concerned unit said 同意 or 原则同意 (with its amendments taken).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.calendar import add_workdays, subtract_workdays
from lianxi.core.dates import cn_date
from lianxi.core.exceptions import ApplicationError
from lianxi.core.numbering import chinese_numeral
from lianxi.core.text import clean_text
from lianxi.documents.models import OfficialDocument
from lianxi.documents.services import Parties, document_create
from lianxi.meetings.models import AgendaItem, Meeting
from lianxi.notifications.services import notify
from lianxi.organization.models import Membership, Unit
from lianxi.organization.selectors import secretariat_users, unit_people
from lianxi.supervision.models import ActionItem
from lianxi.supervision.services import action_item_create

from . import access
from .models import Decision, DecisionResolution, DecisionRound, Opinion, all_agreed

TITLE_MAX = 200
TEXT_MAX = 5_000
REASON_MAX = 2_000
DEADLINE_MIN, DEADLINE_MAX = 1, 30
UNITS_MAX = 30
RESOLUTIONS_MAX = 20
SCAN_MAX_BYTES = 20 * 1024 * 1024
SCAN_TYPES = (".pdf", ".jpg", ".jpeg", ".png")
# Reminders of a written round (四(四)): the liaison this many working days before the deadline;
# the member on the first working day after it; the secretariat on the second.
REMIND_BEFORE_WORKDAYS = 2
AGREEING = Opinion.AGREEING
OPEN_ANSWER = (Opinion.Status.PENDING, Opinion.Status.DRAFTED)


def decision_url(decision: Decision | int) -> str:
    return reverse("decisions:detail", args=[getattr(decision, "pk", decision)])


def _locked(decision: Decision) -> Decision:
    return Decision.objects.select_for_update().get(pk=decision.pk)


def _set_status(decision: Decision, status: str, now: datetime) -> None:
    decision.status = status
    decision.status_since = now
    decision.save(update_fields=["status", "status_since", "updated_at"])


def _member_units(actor: Membership, ids: Sequence[int], label: str) -> list[Unit]:
    wanted = list(dict.fromkeys(int(i) for i in ids))
    found = {
        u.pk: u
        for u in Unit.objects.filter(
            pk__in=wanted, mechanism_id=actor.unit.mechanism_id, active=True, kind=Unit.Kind.MEMBER
        )
    }
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ApplicationError(f"{label}中有不属于本联席会议成员单位的单位（编号 {missing[0]}）。")
    return sorted((found[i] for i in wanted), key=lambda u: (u.order, u.pk))


# --- the matter --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    unit: Unit
    reason: str


def decision_suggested_units(*, mechanism_id: int, text: str) -> list[Suggestion]:
    """二(四): the units whose duties the matter touches, from the duty routing, with why; the
    secretariat confirms them."""
    from lianxi.organization.models import Mechanism
    from lianxi.routing.selectors import router_for

    if not (text or "").strip():
        return []
    routed = router_for(Mechanism.objects.get(pk=mechanism_id)).route(text)
    reasons: dict[int, str] = {}
    for score in [routed.lead, *routed.supporting]:
        if score is None:
            continue
        duty = score.duties[0] if score.duties else None
        words = "、".join(duty.matched[:3]) if duty else ""
        reasons.setdefault(
            score.key, f"职责匹配：{duty.label or '职责'}（{words}）" if duty else "职责相关"
        )
    units = Unit.objects.filter(
        pk__in=list(reasons), mechanism_id=mechanism_id, kind=Unit.Kind.MEMBER, active=True
    ).order_by("order", "id")
    return [Suggestion(unit=u, reason=reasons[u.pk]) for u in units]


@transaction.atomic
def decision_create(
    *,
    actor: Membership,
    title: str,
    proposal: str,
    background: str = "",
    proposing_unit_id: int,
    concerned_unit_ids: Sequence[int],
    proposal_document_id: int | None = None,
) -> Decision:
    """四(四): the secretariat records a major matter, its proposing unit and the units it
    concerns (the routing proposes them, the secretariat confirms)."""
    if not access.is_secretariat(actor):
        raise ApplicationError("只有联席会议办公室可以提请重大事项。")
    title = clean_text(title, "事项名称", TITLE_MAX)
    proposal = clean_text(proposal, "提请事项", TEXT_MAX, kind="paragraph")
    background = clean_text(background, "背景情况", TEXT_MAX, required=False, kind="paragraph")
    [proposer] = _member_units(actor, [proposing_unit_id], "提出单位")
    concerned = _member_units(actor, concerned_unit_ids, "相关成员单位")
    if not concerned:
        raise ApplicationError("请至少选择一个相关成员单位。", field="concerned_units")
    if len(concerned) > UNITS_MAX:
        raise ApplicationError(f"相关成员单位不超过 {UNITS_MAX} 个。", field="concerned_units")
    document = None
    if proposal_document_id:
        document = OfficialDocument.objects.filter(
            pk=proposal_document_id, mechanism_id=actor.unit.mechanism_id
        ).first()
        if document is None:
            raise ApplicationError("所附公文稿不存在。", field="proposal_document")
    now = timezone.now()
    decision = Decision.objects.create(
        mechanism_id=actor.unit.mechanism_id,
        proposal_document=document,
        title=title,
        proposal=proposal,
        background=background,
        proposing_unit=proposer,
        status=Decision.Status.DRAFT,
        status_since=now,
        created_by=actor.user,
    )
    decision.concerned_units.set(concerned)
    audit_record(
        actor=actor,
        action="decision.create",
        target=decision,
        data={"proposing_unit": proposer.name, "concerned_units": [u.name for u in concerned]},
    )
    return decision


# --- rounds ------------------------------------------------------------------------------------


def _agenda_item(actor: Membership, agenda_item_id: int | None) -> AgendaItem:
    item = (
        AgendaItem.objects.select_related("meeting")
        .filter(pk=agenda_item_id or 0, meeting__mechanism_id=actor.unit.mechanism_id)
        .first()
    )
    if item is None:
        raise ApplicationError("请选择本联席会议一次会议的议题。", field="agenda_item")
    if item.meeting.status == Meeting.Status.CANCELLED:
        raise ApplicationError("该会议已取消，请选择其他会议的议题。", field="agenda_item")
    return item


@transaction.atomic
def round_open(
    *,
    actor: Membership,
    decision: Decision,
    method: str,
    unit_ids: Sequence[int] | None = None,
    deadline_workdays: int | None = None,
    agenda_item_id: int | None = None,
    proposal: str | None = None,
    revision_note: str = "",
    today: date | None = None,
) -> DecisionRound:
    """四(四): put the matter (as it reads now, or revised after objections) to the units
    concerned — in writing with a deadline in working days, or at a meeting's agenda item. A
    new round keeps every earlier round and its answers."""
    access.require_secretariat(actor.user, decision)
    decision = _locked(decision)
    today = today or timezone.localdate()
    if decision.status not in (Decision.Status.DRAFT, Decision.Status.CONSULTING):
        raise ApplicationError(f"该事项{decision.get_status_display()}，不能再征求意见。")
    if decision.rounds.filter(status=DecisionRound.Status.OPEN).exists():
        raise ApplicationError("上一轮征求意见尚未结束。")
    if method not in Decision.Method.values:
        raise ApplicationError("请选择征求方式：会议审议或书面征求意见。", field="method")
    ids = (
        list(unit_ids) if unit_ids else list(decision.concerned_units.values_list("pk", flat=True))
    )
    units = _member_units(actor, ids, "征求意见单位")
    if not units:
        raise ApplicationError("请至少选择一个征求意见单位。", field="units")
    agenda_item = None
    if method == Decision.Method.MEETING:
        agenda_item = _agenda_item(actor, agenda_item_id)
        deadline = timezone.localtime(agenda_item.meeting.starts_at).date()
        if deadline < today:
            raise ApplicationError("该会议已经过去，请选择尚未召开的会议。", field="agenda_item")
    else:
        if deadline_workdays is None or not DEADLINE_MIN <= deadline_workdays <= DEADLINE_MAX:
            raise ApplicationError(
                f"答复期限应在 {DEADLINE_MIN} 到 {DEADLINE_MAX} 个工作日之间。", field="deadline"
            )
        deadline = add_workdays(today, deadline_workdays)
    text = decision.proposal
    if proposal is not None and proposal.strip() and proposal.strip() != decision.proposal:
        text = clean_text(proposal, "提请事项", TEXT_MAX, kind="paragraph")
    number = (decision.rounds.aggregate(n=Max("number"))["n"] or 0) + 1
    note = clean_text(revision_note, "修改说明", REASON_MAX, required=False, kind="paragraph")
    if number > 1 and text != decision.proposal and not note:
        raise ApplicationError("修改了提请事项，请写明修改说明。", field="revision_note")
    now = timezone.now()
    round_ = DecisionRound.objects.create(
        decision=decision,
        number=number,
        method=method,
        proposal=text,
        revision_note=note,
        agenda_item=agenda_item,
        deadline=deadline,
        opened_at=now,
        opened_by=actor.user,
    )
    Opinion.objects.bulk_create(Opinion(round=round_, unit=u) for u in units)
    decision.proposal = text
    decision.save(update_fields=["proposal", "updated_at"])
    decision.concerned_units.add(*units)
    _set_status(decision, Decision.Status.CONSULTING, now)
    audit_record(
        actor=actor,
        action="decision.round_open",
        target=decision,
        data={
            "round": number,
            "method": method,
            "units": [u.name for u in units],
            "deadline": deadline.isoformat(),
        },
    )
    how = (
        f"将在会议“{agenda_item.meeting.title}”（{cn_date(deadline)}）议题“{agenda_item.title}”中审议"
        if agenda_item
        else f"请于 {cn_date(deadline)} 前由本单位联席会议成员答复"
    )
    notify(
        recipients=units,
        kind="decision.round",
        subject=f"重大事项征求意见：{decision.title}"[:200],
        body=(
            f"{decision.title}（第 {number} 轮）\n{how}：同意、原则同意（附修改意见）或不同意"
            "（须说明理由）。逾期未答复不视为同意。" + (f"\n修改说明：{note}" if note else "")
        ),
        url=decision_url(decision),
        actor=actor,
        mechanism=decision.mechanism,
    )
    return round_


def _clean_answer(stance: str, text: str) -> tuple[str, str]:
    if stance not in Opinion.Stance.values:
        raise ApplicationError("请选择意见：同意、原则同意或不同意。", field="stance")
    text = clean_text(text, "修改意见或理由", REASON_MAX, required=False, kind="paragraph")
    if stance == Opinion.Stance.DISAGREE and not text:
        raise ApplicationError("不同意的，请写明理由。", field="text")
    if stance == Opinion.Stance.AGREE_WITH_AMENDMENTS and not text:
        raise ApplicationError("原则同意的，请写明修改意见。", field="text")
    return stance, text


def _locked_opinion(opinion: Opinion) -> Opinion:
    return (
        Opinion.objects.select_for_update()
        .select_related("round__decision__mechanism", "unit")
        .get(pk=opinion.pk)
    )


def _answered(opinion: Opinion, actor: Membership, answered_as: str, now: datetime) -> None:
    opinion.status = Opinion.Status.SUBMITTED
    opinion.submitted_by = actor.user
    opinion.submitted_at = now
    opinion.answered_as = answered_as
    opinion.overdue = False
    opinion.save()
    round_ = opinion.round
    decision = round_.decision
    audit_record(
        actor=actor,
        action="decision.opinion",
        target=decision,
        data={
            "round": round_.number,
            "unit": opinion.unit.name,
            "stance": opinion.stance,
            "answered_as": answered_as,
            "substitute": opinion.substitute_name,
        },
    )
    waiting = round_.opinions.filter(status__in=OPEN_ANSWER).exclude(pk=opinion.pk).count()
    recipients = secretariat_users(decision.mechanism_id)
    if recipients:
        notify(
            recipients=recipients,
            kind="decision.opinion",
            subject=f"{opinion.unit.name}已答复：{decision.title}"[:200],
            body=(
                f"{opinion.unit.name}：{opinion.get_stance_display()}"
                + ("（受委托负责同志答复）" if answered_as == Opinion.AnsweredAs.SUBSTITUTE else "")
                + (f"\n{opinion.text}" if opinion.text else "")
                + (f"\n本轮还有 {waiting} 个单位未答复。" if waiting else "\n本轮各单位均已答复。")
            ),
            url=decision_url(decision),
            actor=actor,
            mechanism=decision.mechanism,
        )


@transaction.atomic
def opinion_answer(
    *,
    actor: Membership,
    opinion: Opinion,
    stance: str,
    text: str = "",
    submit: bool = False,
    substitute_name: str = "",
    substitute_title: str = "",
) -> Opinion:
    """四(四): a concerned unit answers. The liaison may draft; the member gives the answer, or —
    the member on leave — the liaison gives it for the member's named substitute, recorded as
    such. 不同意 needs reasons, 原则同意 its amendments."""
    opinion = _locked_opinion(opinion)
    if not access.may_answer(actor.user, opinion):
        if actor.unit_id != opinion.unit_id or actor.role not in access.UNIT_ROLES:
            raise ApplicationError("只有被征求意见单位的联席会议成员或联络员可以答复。")
        if opinion.round.status != DecisionRound.Status.OPEN:
            raise ApplicationError("本轮征求意见已结束，不能再答复。")
        if opinion.status == Opinion.Status.SUBMITTED:
            raise ApplicationError("本单位已经答复，不能修改。")
        raise ApplicationError("只有被征求意见单位的联席会议成员或联络员可以答复。")
    stance, text = _clean_answer(stance, text)
    opinion.stance = stance
    opinion.text = text
    opinion.drafted_by = opinion.drafted_by or actor.user
    now = timezone.now()
    substitute_name = clean_text(substitute_name, "受委托人姓名", 50, required=False)
    substitute_title = clean_text(substitute_title, "受委托人职务", 100, required=False)
    if not submit:
        opinion.status = Opinion.Status.DRAFTED
        opinion.save()
        audit_record(
            actor=actor,
            action="decision.opinion_draft",
            target=opinion.round.decision,
            data={"round": opinion.round.number, "unit": opinion.unit.name},
        )
        if actor.role == Membership.Role.LIAISON:
            members = unit_people([opinion.unit_id]).get((opinion.unit_id, Membership.Role.MEMBER))
            if members:
                notify(
                    recipients=members,
                    kind="decision.opinion_draft",
                    subject=f"待审定的重大事项意见：{opinion.round.decision.title}"[:200],
                    body=f"联络员已起草本单位意见（{opinion.get_stance_display()}），请审定后答复。",
                    url=reverse("decisions:opinion", args=[opinion.pk]),
                    actor=actor,
                    mechanism=opinion.round.decision.mechanism,
                )
        return opinion
    if actor.role == Membership.Role.MEMBER:
        if substitute_name:
            raise ApplicationError(
                "由联席会议成员本人答复的，不填写受委托人。", field="substitute_name"
            )
        opinion.substitute_name = opinion.substitute_title = ""
        _answered(opinion, actor, Opinion.AnsweredAs.MEMBER, now)
        return opinion
    if not substitute_name:
        raise ApplicationError(
            "意见须经本单位联席会议成员审定后答复；成员请假的，请填写受委托负责同志的姓名和职务。",
            field="substitute_name",
        )
    opinion.substitute_name = substitute_name
    opinion.substitute_title = substitute_title
    _answered(opinion, actor, Opinion.AnsweredAs.SUBSTITUTE, now)
    return opinion


@transaction.atomic
def opinion_record_at_meeting(
    *, actor: Membership, opinion: Opinion, stance: str, text: str = ""
) -> Opinion:
    """四(四): at a meeting each unit states its position; the secretariat records it."""
    opinion = _locked_opinion(opinion)
    access.require_secretariat(actor.user, opinion.round.decision)
    if opinion.round.method != Decision.Method.MEETING:
        raise ApplicationError("书面征求意见由各单位自行答复，办公室不能代为记录。")
    if opinion.round.status != DecisionRound.Status.OPEN:
        raise ApplicationError("本轮征求意见已结束，不能再记录。")
    if opinion.status == Opinion.Status.SUBMITTED:
        raise ApplicationError("该单位的意见已经记录。")
    meeting = opinion.round.agenda_item.meeting if opinion.round.agenda_item else None
    if meeting is not None and timezone.now() < meeting.starts_at:
        raise ApplicationError("会议尚未召开，会上表态在会议开始后记录。")
    opinion.stance, opinion.text = _clean_answer(stance, text)
    opinion.drafted_by = actor.user
    _answered(opinion, actor, Opinion.AnsweredAs.AT_MEETING, timezone.now())
    return opinion


def round_agreed(round_: DecisionRound) -> bool:
    return all_agreed(list(round_.opinions.all()))


@transaction.atomic
def round_close(*, actor: Membership, decision: Decision) -> DecisionRound:
    """四(四): the secretariat ends the open round (at or after its deadline, or earlier when
    every unit answered). A unit still silent is recorded as 逾期未答复 — never as consent. The
    concerned units may then read one another's answers."""
    access.require_secretariat(actor.user, decision)
    decision = _locked(decision)
    round_ = decision.rounds.filter(status=DecisionRound.Status.OPEN).first()
    if round_ is None:
        raise ApplicationError("没有正在征求意见的轮次。")
    today = timezone.localdate()
    silent = list(round_.opinions.filter(status__in=OPEN_ANSWER).select_related("unit"))
    if silent and today <= round_.deadline and round_.method == Decision.Method.WRITING:
        raise ApplicationError(
            f"答复截止日为 {cn_date(round_.deadline)}，"
            f"{'、'.join(o.unit.name for o in silent)}尚未答复，截止后才能结束本轮。"
        )
    Opinion.objects.filter(pk__in=[o.pk for o in silent]).update(
        status=Opinion.Status.SILENT, overdue=True
    )
    round_.status = DecisionRound.Status.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    agreed = round_agreed(round_)
    audit_record(
        actor=actor,
        action="decision.round_close",
        target=decision,
        data={"round": round_.number, "agreed": agreed, "silent": [o.unit.name for o in silent]},
    )
    units = list(Unit.objects.filter(decision_opinions__round=round_))
    notify(
        recipients=units,
        kind="decision.round_closed",
        subject=f"重大事项第 {round_.number} 轮征求意见结束：{decision.title}"[:200],
        body=(
            "各单位均同意。"
            if agreed
            else "未能取得一致意见，办公室将修改后再征求意见或提请市政府决定。"
        )
        + (
            f"\n逾期未答复：{'、'.join(o.unit.name for o in silent)}（不视为同意）。"
            if silent
            else ""
        )
        + "\n各单位意见可在事项页面查看。",
        url=decision_url(decision),
        actor=actor,
        mechanism=decision.mechanism,
    )
    return round_


def _last_closed_round(decision: Decision) -> DecisionRound:
    round_ = decision.rounds.order_by("-number").first()
    if round_ is None:
        raise ApplicationError("该事项尚未征求意见。")
    if round_.status != DecisionRound.Status.CLOSED:
        raise ApplicationError("本轮征求意见尚未结束。")
    return round_


# --- the outcome ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolutionInput:
    text: str
    lead_unit_id: int
    supporting_unit_ids: Sequence[int] = field(default_factory=tuple)
    deadline_workdays: int | None = None
    deadline: date | None = None


def _bind(
    *,
    actor: Membership,
    decision: Decision,
    resolutions: Sequence[ResolutionInput],
    source: str,
    source_label: str,
) -> list[DecisionResolution]:
    """The matter's 决定事项, each an action item with its lead and supporting units (四(二))."""
    if not resolutions:
        raise ApplicationError("请至少填写一项决定事项及牵头单位。", field="resolutions")
    if len(resolutions) > RESOLUTIONS_MAX:
        raise ApplicationError(f"决定事项不超过 {RESOLUTIONS_MAX} 项。", field="resolutions")
    made = []
    for n, wanted in enumerate(resolutions, start=1):
        text = clean_text(wanted.text, f"第 {n} 项决定事项", 300)
        [lead] = _member_units(actor, [wanted.lead_unit_id], f"第 {n} 项的牵头单位")
        supporting = _member_units(actor, wanted.supporting_unit_ids, f"第 {n} 项的配合单位")
        try:
            item = action_item_create(
                mechanism=decision.mechanism,
                title=text,
                description=f"{source_label}：{decision.title}",
                source=source,
                source_label=f"{source_label}：{decision.title}"[:300],
                source_url=decision_url(decision),
                source_key=f"decisions.decision:{decision.pk}:{n}",
                lead_unit=lead,
                supporting_units=supporting,
                deadline=wanted.deadline,
                deadline_workdays=wanted.deadline_workdays,
                actor=actor,
            )
        except ApplicationError as exc:
            raise ApplicationError(
                f"第 {n} 项决定事项：{exc.message}", field="resolutions"
            ) from exc
        resolution = DecisionResolution.objects.create(
            decision=decision,
            number=n,
            text=text,
            lead_unit=lead,
            deadline=item.deadline,
            action_item=item,
        )
        resolution.supporting_units.set(supporting)
        made.append(resolution)
    return made


@transaction.atomic
def decision_adopt(
    *,
    actor: Membership,
    decision: Decision,
    resolutions: Sequence[ResolutionInput],
    amendments_taken: bool = False,
) -> list[DecisionResolution]:
    """四(四): every concerned unit agreed (同意, or 原则同意 with its amendments taken into the
    proposal): the joint meeting adopts the matter; its resolutions become action items at once,
    in this transaction."""
    access.require_secretariat(actor.user, decision)
    decision = _locked(decision)
    if decision.status != Decision.Status.CONSULTING:
        raise ApplicationError(f"该事项{decision.get_status_display()}，不能通过。")
    round_ = _last_closed_round(decision)
    if not round_agreed(round_):
        raise ApplicationError(
            f"第 {round_.number} 轮征求意见未取得各相关单位一致同意（逾期未答复不视为同意），"
            "不能通过；请修改后再征求意见，或提请市政府决定。"
        )
    amending = list(
        round_.opinions.filter(stance=Opinion.Stance.AGREE_WITH_AMENDMENTS).select_related("unit")
    )
    if amending and not amendments_taken:
        raise ApplicationError(
            f"{'、'.join(o.unit.name for o in amending)}原则同意并提出了修改意见，"
            "请确认修改意见已采纳后再通过；未采纳的，请修改后再次征求意见。",
            field="amendments_taken",
        )
    Opinion.objects.filter(pk__in=[o.pk for o in amending]).update(amendments_taken=True)
    made = _bind(
        actor=actor,
        decision=decision,
        resolutions=resolutions,
        source=ActionItem.Source.DECISION,
        source_label="联席会议重大事项",
    )
    _set_status(decision, Decision.Status.ADOPTED, timezone.now())
    audit_record(
        actor=actor,
        action="decision.adopt",
        target=decision,
        data={"round": round_.number, "resolutions": [r.text for r in made]},
    )
    notify(
        recipients=list(decision.concerned_units.all()),
        kind="decision.adopted",
        subject=f"重大事项已通过：{decision.title}"[:200],
        body="各相关成员单位一致同意，联席会议通过该事项。决定事项已列入督办：\n"
        + "\n".join(f"{r.number}. {r.text}（牵头：{r.lead_unit.name}）" for r in made),
        url=decision_url(decision),
        actor=actor,
        mechanism=decision.mechanism,
    )
    return made


def government_unit(mechanism_id: int) -> Unit:
    unit = Unit.objects.filter(
        mechanism_id=mechanism_id, kind=Unit.Kind.GOVERNMENT, active=True
    ).first()
    if unit is None:
        raise ApplicationError("本联席会议尚未登记市政府办公室，不能提请市政府决定。")
    return unit


def request_paragraphs(decision: Decision, *, disagreement: str, options: Sequence[str],
                       recommendation: str) -> list[str]:  # fmt: skip
    """The 请示's body, drafted from the record: the proposal, each unit's position and reasons,
    the points of disagreement, the options, the secretariat's recommendation (四(四))."""
    rounds = list(decision.rounds.order_by("number").prefetch_related("opinions__unit"))
    last = rounds[-1]
    asked = [o.unit.name for o in last.opinions.all()]
    agree = [o.unit.name for o in last.opinions.all() if o.stance in AGREEING
             and o.status == Opinion.Status.SUBMITTED]  # fmt: skip
    against = [o.unit.name for o in last.opinions.all() if o.stance == Opinion.Stance.DISAGREE]
    silent = [o.unit.name for o in last.opinions.all() if o.status == Opinion.Status.SILENT]
    summary = (
        f"{decision.proposing_unit.name}提出“{decision.title}”事项。联席会议办公室先后"
        f"{chinese_numeral(len(rounds))}轮征求{'、'.join(asked)}的意见"
        + (f"，{'、'.join(agree)}同意" if agree else "")
        + (f"，{'、'.join(against)}不同意" if against else "")
        + (f"，{'、'.join(silent)}逾期未答复" if silent else "")
        + "，未能达成一致。根据联席会议工作规则第四条第（四）项，现将有关情况和不同意见及理由"
        "报请市政府决定。"
    )
    paragraphs = [summary, "一、提请决定的事项", *_lines(decision.proposal)]
    if decision.background:
        paragraphs += ["二、背景情况", *_lines(decision.background)]
    n = 3 if decision.background else 2
    paragraphs.append(f"{chinese_numeral(n)}、各单位意见及理由")
    for r in rounds:
        paragraphs.append(f"第{chinese_numeral(r.number)}轮（{cn_date(r.deadline)}截止）：")
        if r.revision_note:
            paragraphs.append(f"本轮修改说明：{r.revision_note}")
        for k, o in enumerate(r.opinions.all(), start=1):
            if o.status == Opinion.Status.SUBMITTED:
                said = o.get_stance_display() + (f"。理由和意见：{o.text}" if o.text else "")
                if o.answered_as == Opinion.AnsweredAs.SUBSTITUTE:
                    said += f"（成员请假，由受委托负责同志{o.substitute_name}审定）"
            else:
                said = "逾期未答复（不视为同意）"
            paragraphs.append(f"（{chinese_numeral(k)}）{o.unit.name}：{said}")
    for label, body in (
        ("分歧焦点", disagreement),
        ("可选方案", ""),
        ("办公室意见", recommendation),
    ):
        n += 1
        paragraphs.append(f"{chinese_numeral(n)}、{label}")
        if label == "可选方案":
            paragraphs += [f"方案{chinese_numeral(k)}：{o}" for k, o in enumerate(options, start=1)]
        else:
            paragraphs += _lines(body)
    paragraphs.append("以上请示妥否，请批示。")
    return paragraphs


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _signatories(units: Sequence[Unit]) -> dict[int, str]:
    """签发人 of an upward document (GB/T 9704 §7.2.5): by default each organ's joint-meeting
    member, whom the secretariat may change on the document before it is issued."""
    names: dict[int, str] = {}
    for membership in (
        Membership.objects.filter(unit__in=units, role=Membership.Role.MEMBER, active=True)
        .select_related("user")
        .order_by("id")
    ):
        names.setdefault(membership.unit_id, membership.display_name)
    return names


@transaction.atomic
def decision_escalate(
    *,
    actor: Membership,
    decision: Decision,
    disagreement: str,
    options: Sequence[str],
    recommendation: str,
    co_signing_unit_ids: Sequence[int] = (),
) -> OfficialDocument:
    """四(四): without agreement the differing opinions and their reasons go to the city
    government. A 请示 is drafted from the record, addressed to the government office, for the
    secretariat to edit, have co-signed (会签) and issue through `documents`."""
    access.require_secretariat(actor.user, decision)
    decision = _locked(decision)
    if decision.status != Decision.Status.CONSULTING:
        raise ApplicationError(f"该事项{decision.get_status_display()}，不能提请市政府决定。")
    round_ = _last_closed_round(decision)
    if round_agreed(round_):
        raise ApplicationError("各相关单位已一致同意，应由联席会议通过，无须提请市政府决定。")
    disagreement = clean_text(disagreement, "分歧焦点", TEXT_MAX, kind="paragraph")
    options = [clean_text(o, "可选方案", 1_000) for o in options if (o or "").strip()]
    if len(options) < 2:
        raise ApplicationError("请至少列出两个可选方案供市政府决定。", field="options")
    if len(options) > 6:
        raise ApplicationError("可选方案不超过 6 个。", field="options")
    recommendation = clean_text(recommendation, "办公室意见", TEXT_MAX, kind="paragraph")
    government = government_unit(decision.mechanism_id)
    co_signers = _member_units(actor, co_signing_unit_ids, "会签单位")
    co_signers = [u for u in co_signers if u.pk != actor.unit_id]
    decision.disagreement = disagreement
    decision.options = options
    decision.recommendation = recommendation
    document = document_create(
        actor=actor,
        kind=OfficialDocument.Kind.REQUEST,
        title=f"关于{decision.title}的请示"[:200],
        paragraphs=request_paragraphs(
            decision, disagreement=disagreement, options=options, recommendation=recommendation
        ),
        parties=Parties(
            co_issuing_unit_ids=[u.pk for u in co_signers],
            main_to_unit_ids=[government.pk],
            signatories=_signatories([actor.unit, *co_signers]),
        ),
        summary="根据重大事项征求意见记录起草",
    )
    decision.request_document = document
    decision.save(
        update_fields=[
            "disagreement",
            "options",
            "recommendation",
            "request_document",
            "updated_at",
        ]
    )
    _set_status(decision, Decision.Status.AWAITING_GOVERNMENT, timezone.now())
    audit_record(
        actor=actor,
        action="decision.escalate",
        target=decision,
        data={
            "round": round_.number,
            "document": document.pk,
            "options": options,
            "co_signers": [u.name for u in co_signers],
        },
    )
    return document


def _check_scan(scan: UploadedFile | None, required: bool) -> None:
    if scan is None:
        if required:
            raise ApplicationError("由办公室代为登记的，请上传市政府批复的扫描件。", field="scan")
        return
    name = (scan.name or "").lower()
    if not name.endswith(SCAN_TYPES):
        raise ApplicationError("扫描件应为 PDF、JPG 或 PNG 文件。", field="scan")
    if scan.size is None or scan.size > SCAN_MAX_BYTES:
        raise ApplicationError("扫描件不能超过 20 MB。", field="scan")
    if scan.size == 0:
        raise ApplicationError("扫描件是空文件。", field="scan")


@transaction.atomic
def government_decision_record(
    *,
    actor: Membership,
    decision: Decision,
    option: int | None,
    text: str,
    decided_on: date,
    resolutions: Sequence[ResolutionInput],
    scan: UploadedFile | None = None,
) -> list[DecisionResolution]:
    """四(四): the city government decides. Its reader records the decision on the platform, or
    the secretariat from the paper reply with its scan; it binds like an adopted matter (its
    resolutions become action items) and every concerned unit is told."""
    decision = _locked(decision)
    view = access.DecisionSight(
        membership=actor,
        secretariat=access.is_secretariat(actor),
        government=actor.role == Membership.Role.GOVERNMENT,
    )
    if actor.unit.mechanism_id != decision.mechanism_id or not (
        view.secretariat or view.government
    ):
        raise ApplicationError("只有市政府办公室或联席会议办公室可以登记市政府的决定。")
    if decision.status != Decision.Status.AWAITING_GOVERNMENT:
        raise ApplicationError(f"该事项{decision.get_status_display()}，不能登记市政府决定。")
    document = decision.request_document
    if document is None or document.status != OfficialDocument.Status.ISSUED:
        raise ApplicationError("请示尚未印发报送市政府，不能登记市政府的决定。")
    if view.government and not access.visible_decisions(actor.user).filter(pk=decision.pk).exists():
        raise ApplicationError("该请示未报送本单位。")
    if option is not None and not 1 <= option <= len(decision.options):
        raise ApplicationError("请选择请示所列的方案之一。", field="option")
    text = clean_text(text, "市政府决定", TEXT_MAX, kind="paragraph")
    if decided_on > timezone.localdate():
        raise ApplicationError("决定日期不能晚于今天。", field="decided_on")
    if decided_on < timezone.localtime(document.issued_at).date():
        raise ApplicationError("决定日期不能早于请示印发日期。", field="decided_on")
    _check_scan(scan, required=not view.government)
    made = _bind(
        actor=actor,
        decision=decision,
        resolutions=resolutions,
        source=ActionItem.Source.GOVERNMENT,
        source_label="市政府决定",
    )
    decision.government_option = option
    decision.government_text = text
    decision.government_decided_on = decided_on
    decision.government_recorded_by = actor.user
    if scan is not None:
        name = scan.name or "批复"
        decision.government_scan_name = name[:255]
        decision.government_scan.save(name, scan, save=False)
    decision.save()
    _set_status(decision, Decision.Status.DECIDED, timezone.now())
    audit_record(
        actor=actor,
        action="decision.government",
        target=decision,
        data={
            "option": option,
            "decided_on": decided_on.isoformat(),
            "recorded_by": actor.role,
            "scan": decision.government_scan_name,
            "resolutions": [r.text for r in made],
        },
    )
    chosen = f"（采纳方案{chinese_numeral(option)}）" if option else ""
    notify(
        recipients=list(decision.concerned_units.all()),
        kind="decision.government",
        subject=f"市政府已决定：{decision.title}"[:200],
        body=f"市政府于 {cn_date(decided_on)} 作出决定{chosen}：{text}\n决定事项已列入督办：\n"
        + "\n".join(f"{r.number}. {r.text}（牵头：{r.lead_unit.name}）" for r in made),
        url=decision_url(decision),
        actor=actor,
        mechanism=decision.mechanism,
    )
    return made


@transaction.atomic
def decision_withdraw(*, actor: Membership, decision: Decision, reason: str) -> Decision:
    access.require_secretariat(actor.user, decision)
    decision = _locked(decision)
    if decision.status in (Decision.Status.ADOPTED, Decision.Status.DECIDED,
                           Decision.Status.WITHDRAWN):  # fmt: skip
        raise ApplicationError(f"该事项{decision.get_status_display()}，不能撤回。")
    reason = clean_text(reason, "撤回理由", REASON_MAX, kind="paragraph")
    now = timezone.now()
    decision.rounds.filter(status=DecisionRound.Status.OPEN).update(
        status=DecisionRound.Status.CLOSED, closed_at=now
    )
    decision.withdrawn_reason = reason
    decision.save(update_fields=["withdrawn_reason", "updated_at"])
    _set_status(decision, Decision.Status.WITHDRAWN, now)
    audit_record(actor=actor, action="decision.withdraw", target=decision, data={"reason": reason})
    units = list(decision.concerned_units.all())
    if units:
        notify(
            recipients=units,
            kind="decision.withdrawn",
            subject=f"重大事项已撤回：{decision.title}"[:200],
            body=f"撤回理由：{reason}",
            url=decision_url(decision),
            actor=actor,
            mechanism=decision.mechanism,
        )
    return decision


# --- the tick ----------------------------------------------------------------------------------


def decision_deadlines(now: datetime) -> dict[str, int]:
    """Tick (四(四)): open written rounds. Each unit not yet answered is reminded once per level:
    its liaison (or member) 2 working days before the deadline; after the deadline it is flagged
    逾期 and its member told on the first working day after, the secretariat on the second. A late
    tick sends what is still due in that order (the pre-deadline reminder is skipped once the
    deadline passed); a repeated one nothing: the opinion's level and each message's key say
    what went out. Silence is never counted as consent."""
    today = timezone.localtime(now).date()
    rounds = list(
        DecisionRound.objects.filter(
            status=DecisionRound.Status.OPEN, method=Decision.Method.WRITING
        ).select_related("decision__mechanism")
    )
    flagged = sent = 0
    for round_ in rounds:
        if today > round_.deadline:
            flagged += Opinion.objects.filter(
                round=round_, status__in=OPEN_ANSWER, overdue=False
            ).update(overdue=True)
        due_on = {
            1: subtract_workdays(round_.deadline, REMIND_BEFORE_WORKDAYS),
            2: add_workdays(round_.deadline, 1),
            3: add_workdays(round_.deadline, 2),
        }
        level = max((k for k, day in due_on.items() if day <= today), default=0)
        if not level:
            continue
        waiting = list(
            round_.opinions.filter(status__in=OPEN_ANSWER, reminder_level__lt=level).select_related(
                "unit"
            )
        )
        if not waiting:
            continue
        people = unit_people({o.unit_id for o in waiting})
        secretariat = secretariat_users(round_.decision.mechanism_id)
        for opinion in waiting:
            for step in range(opinion.reminder_level + 1, level + 1):
                if step == 1 and today > round_.deadline:
                    recipients: list[Any] = []
                else:
                    liaisons = people.get((opinion.unit_id, Membership.Role.LIAISON), [])
                    members = people.get((opinion.unit_id, Membership.Role.MEMBER), [])
                    recipients = {1: liaisons or members, 2: members, 3: secretariat}[step] or [
                        opinion.unit
                    ]
                with transaction.atomic():
                    moved = Opinion.objects.filter(
                        pk=opinion.pk, reminder_level=step - 1, status__in=OPEN_ANSWER
                    ).update(reminder_level=step)
                    if not moved:
                        break
                    if recipients:
                        _remind(round_, opinion, step, recipients)
                        sent += 1
    return {"flagged": flagged, "reminded": sent}


def _remind(round_: DecisionRound, opinion: Opinion, step: int, recipients: list[Any]) -> None:
    decision = round_.decision
    deadline = cn_date(round_.deadline)
    subject, body = {
        1: (
            f"请按时答复重大事项意见：{decision.title}",
            f"答复截止日为 {deadline}，贵单位尚未答复。请联络员起草、联席会议成员审定后答复。",
        ),
        2: (
            f"重大事项意见已逾期：{decision.title}",
            f"答复已于 {deadline} 截止，{opinion.unit.name}尚未答复。"
            "逾期不视为同意，请尽快审定答复。",
        ),
        3: (
            f"逾期未答复：{opinion.unit.name}（{decision.title}）",
            f"第 {round_.number} 轮征求意见已于 {deadline} 截止，{opinion.unit.name}"
            "经提醒仍未答复，请督促或结束本轮。",
        ),
    }[step]
    notify(
        recipients=recipients,
        kind="decision.reminder",
        subject=subject[:200],
        body=body,
        url=decision_url(decision)
        if step == 3
        else reverse("decisions:opinion", args=[opinion.pk]),
        mechanism=decision.mechanism,
        key=f"decisions:opinion:{opinion.pk}:reminder:{step}",
    )
