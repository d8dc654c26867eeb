"""督促 (四(二)): reminders computed by the tick, each sent once.

On working days:
- before the deadline (from the yellow threshold on) and once it has passed, the lead unit's
  liaison is reminded; one working day later, if the lead unit has still reported nothing, its
  member is reminded too;
- when a feedback period has passed without a report, the same two steps.
Every Monday the secretariat gets a digest of the red and yellow items (one per ISO week).

Each reminder is a `Reminder` row and a message with a key, so a repeated tick sends nothing new.
"""

from bisect import bisect_right
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.calendar import add_workdays, is_workday, subtract_workdays, workdays_after
from lianxi.core.dates import cn_date, cn_month_day
from lianxi.notifications.models import Message
from lianxi.notifications.services import notify
from lianxi.organization.models import Mechanism, Membership
from lianxi.organization.selectors import secretariat_users, unit_people

from .lights import LIGHT_MEANINGS, RED, YELLOW, Cutoffs
from .models import ActionItem, Reminder
from .services import item_url

Kind = Reminder.Kind
Audience = Reminder.Audience

DIGEST_LIST_MAX = 30


def _text(
    item: ActionItem, kind: str, about: date, audience: str, first_sent: datetime | None
) -> tuple[str, str]:
    if kind == Kind.DUE:
        subject = f"督办事项即将到期：{item.title}"
        body = (
            f"办结时限为 {cn_date(item.deadline)}，请抓紧办理并及时反馈进展；"
            "确需延期的，请在时限前提出延期申请。"
        )
    elif kind == Kind.OVERDUE:
        subject = f"督办事项已逾期：{item.title}"
        body = f"办结时限 {cn_date(item.deadline)} 已过，请尽快办结并反馈。"
    else:
        subject = f"请反馈督办事项进展：{item.title}"
        body = (
            f"按每 {item.feedback_every_workdays} 个工作日反馈一次的要求，"
            f"本期进展应于 {cn_date(about)} 前反馈。"
        )
    if audience == Audience.MEMBER:
        subject = f"【提请督促】{subject}"
        if first_sent is not None:
            body += f"\n本单位联络员已于 {cn_date(first_sent)} 收到提醒，至今未反馈进展。"
    return subject[:200], body


def _remind(
    item: ActionItem,
    kind: str,
    about: date,
    audience: str,
    recipients: list[Any],
    now: datetime,
    first_sent: datetime | None = None,
) -> None:
    with transaction.atomic():
        _, created = Reminder.objects.get_or_create(
            item=item, kind=kind, audience=audience, about=about, defaults={"sent_at": now}
        )
        if not created:
            return
        subject, body = _text(item, kind, about, audience, first_sent)
        notify(
            recipients=recipients or [item.lead_unit],
            kind=f"supervision.reminder.{kind}",
            subject=subject,
            body=body,
            url=item_url(item),
            key=f"supervision:{item.pk}:{kind}:{about.isoformat()}:{audience}",
        )
        audit_record(
            actor=None,
            action="action_item.remind",
            target=item,
            data={"kind": kind, "about": about.isoformat(), "to": audience},
        )


def send_reminders(now: datetime) -> dict[str, int]:
    """Tick handler: due, overdue and feedback reminders, liaison first, then the member."""
    today = timezone.localtime(now).date()
    if not is_workday(today):
        return {"sent": 0}
    cutoffs = Cutoffs.for_day(today)
    open_items = ActionItem.objects.exclude(status=ActionItem.Status.CLOSED).select_related(
        "lead_unit"
    )
    due: list[tuple[ActionItem, str, date]] = []
    for item in open_items.filter(deadline__lte=cutoffs.yellow_by):
        due.append((item, Kind.OVERDUE if item.deadline < today else Kind.DUE, item.deadline))
    # Feedback: a period has passed since the last report (or creation) when that day is on or
    # before `subtract_workdays(today, period)`; one query per distinct period.
    quiet_items: list[tuple[ActionItem, date, int]] = []
    # Items in hand (办理中) and returned ones waiting for the lead unit's new report (待补报).
    in_hand = [ActionItem.Status.OPEN, ActionItem.Status.RETURNED]
    periods = (
        open_items.filter(status__in=in_hand)
        .order_by()
        .values_list("feedback_every_workdays", flat=True)
        .distinct()
    )
    for period in sorted(set(periods)):
        last_quiet_day = subtract_workdays(today, period)
        before = timezone.make_aware(datetime.combine(last_quiet_day, datetime.max.time()))
        quiet = Q(last_progress_at__lte=before) | Q(
            last_progress_at__isnull=True, created_at__lte=before
        )
        for item in open_items.filter(quiet, status__in=in_hand, feedback_every_workdays=period):
            base = timezone.localtime(item.last_progress_at or item.created_at).date()
            quiet_items.append((item, base, period))
    if quiet_items:
        # The latest period boundary: one reminder per period without a report. The working
        # days are read once for all items, not twice an item, since this runs every minute.
        window = workdays_after(min(base for _, base, _ in quiet_items), today)
        for item, base, period in quiet_items:
            after = window[bisect_right(window, base) :]
            periods_passed = len(after) // period
            # A quiet item has had at least one whole period (it passed the filter above).
            about = after[periods_passed * period - 1] if periods_passed else add_workdays(base, 0)
            due.append((item, Kind.FEEDBACK, about))
    if not due:
        return {"sent": 0}
    people = unit_people({item.lead_unit_id for item, _, _ in due})
    sent_before = {
        (r.item_id, r.kind, r.audience, r.about): r.sent_at
        for r in Reminder.objects.filter(item_id__in={item.pk for item, _, _ in due}).exclude(
            kind=Kind.URGE
        )
    }
    count = 0
    for item, kind, about in due:
        liaison_sent = sent_before.get((item.pk, kind, Audience.LIAISON, about))
        liaisons = people.get((item.lead_unit_id, Membership.Role.LIAISON), [])
        members = people.get((item.lead_unit_id, Membership.Role.MEMBER), [])
        if liaison_sent is None:
            # A unit without a liaison: its member is reminded straight away.
            audience: str = Audience.LIAISON if liaisons else Audience.MEMBER
            if (item.pk, kind, audience, about) in sent_before:
                continue
            _remind(item, kind, about, audience, liaisons or members, now)
            count += 1
            continue
        if (item.pk, kind, Audience.MEMBER, about) in sent_before or not members:
            continue
        sent_day = timezone.localtime(liaison_sent).date()
        reported_since = item.last_progress_at is not None and item.last_progress_at >= liaison_sent
        # Today is a working day (see above), so a day after any earlier one: the member is
        # reminded from the working day after the liaison's reminder.
        if not reported_since and sent_day < today:
            _remind(item, kind, about, Audience.MEMBER, members, now, first_sent=liaison_sent)
            count += 1
    return {"sent": count}


def send_weekly_digest(now: datetime) -> dict[str, int]:
    """Tick handler: on Mondays, the red and yellow items to the secretariat (one per ISO week)."""
    local = timezone.localtime(now)
    if local.weekday() != 0:
        return {"sent": 0}
    year, week, _ = local.isocalendar()
    today = local.date()
    count = 0
    for mechanism in Mechanism.objects.order_by("id"):
        key = f"supervision:digest:{mechanism.pk}:{year}-W{week:02d}"
        if Message.objects.filter(key=key).exists():
            continue
        recipients = secretariat_users(mechanism.pk)
        if not recipients:
            continue
        cutoffs = Cutoffs.for_day(today)
        items = list(
            ActionItem.objects.filter(mechanism=mechanism)
            .filter(cutoffs.q(RED) | cutoffs.q(YELLOW))
            .annotate(light=cutoffs.expression())
            .select_related("lead_unit")
            .order_by("deadline", "id")
        )
        red = [i for i in items if i.light == RED]  # type: ignore[attr-defined]
        yellow = [i for i in items if i.light == YELLOW]  # type: ignore[attr-defined]
        lines = [f"截至 {cn_date(today)}：红灯 {len(red)} 项，黄灯 {len(yellow)} 项。"]
        for label, group in ((LIGHT_MEANINGS[RED], red), (LIGHT_MEANINGS[YELLOW], yellow)):
            if not group:
                continue
            lines.append("")
            lines.append(label + "：")
            for item in group[:DIGEST_LIST_MAX]:
                due = cn_month_day(item.deadline)
                lines.append(f"- {item.title}（牵头：{item.lead_unit.name}；时限 {due}）")
            if len(group) > DIGEST_LIST_MAX:
                lines.append(f"……另有 {len(group) - DIGEST_LIST_MAX} 项，见督办台账。")
        with transaction.atomic():
            notify(
                recipients=recipients,
                kind="supervision.digest",
                subject=(
                    f"督办周报（{year}年第{week}周）：红灯 {len(red)} 项，黄灯 {len(yellow)} 项"
                ),
                body="\n".join(lines),
                url="/supervision/?light=red",
                key=key,
            )
            audit_record(
                actor=None,
                action="action_item.digest",
                data={"week": f"{year}-W{week:02d}", "red": len(red), "yellow": len(yellow)},
            )
        count += 1
    return {"sent": count}
