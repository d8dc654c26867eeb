"""Action items and sent progress reports for the search box (四(二)).

A progress report is indexed only once sent: drafts never reach the index. Who finds what
follows `access.visible_items` and, for reports, `access.visible_reports_q`.
"""

from typing import Any

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils.timezone import localdate

from lianxi.organization.access import membership_of
from lianxi.search.registry import register

from .access import acts_for_unit, sees_all, visible_items
from .models import ActionItem, ProgressReport


def visible_reports(user: Any) -> QuerySet[ProgressReport]:
    """As `access.visible_reports_q`, for all items at once: of the items one sees, the sent
    reports; a supporting unit's report only by that unit and the lead unit (and by the
    secretariat and the government office, who see all sent reports)."""
    membership = membership_of(user)
    sent = ProgressReport.objects.filter(
        status=ProgressReport.Status.SUBMITTED, item__in=visible_items(user)
    )
    if membership is None:
        return sent.none()
    if sees_all(membership):
        return sent
    if acts_for_unit(membership):
        unit_id = membership.unit_id
        return sent.filter(
            Q(unit_id=F("item__lead_unit_id")) | Q(unit_id=unit_id) | Q(item__lead_unit_id=unit_id)
        )
    return sent.none()


def _item_body(item: ActionItem) -> str:
    supporting = "、".join(u.name for u in item.supporting_units.all())
    parts = [
        item.description,
        f"来源：{item.get_source_display()} {item.source_label}".strip(),
        f"牵头单位：{item.lead_unit.name}",
        f"配合单位：{supporting}" if supporting else "",
    ]
    return "\n".join(p for p in parts if p)


register(
    "action_item",
    ActionItem,
    label="督办事项",
    title=lambda item: item.title,
    body=_item_body,
    url=lambda item: reverse("supervision:item", args=[item.pk]),
    unit_ids=lambda item: item.unit_ids(),
    date=lambda item: localdate(item.created_at),
    visible=visible_items,
    indexable=lambda: ActionItem.objects.select_related("lead_unit").prefetch_related(
        "supporting_units"
    ),
    changed=lambda since: Q(updated_at__gte=since),
    order=60,
)

register(
    "progress_report",
    ProgressReport,
    label="进展反馈",
    title=lambda report: f"{report.item.title}（{report.unit.name}进展反馈）",
    body=lambda report: report.text,
    url=lambda report: reverse("supervision:item", args=[report.item_id]) + f"#report-{report.pk}",
    unit_ids=lambda report: [report.unit_id, report.item.lead_unit_id],
    date=lambda report: localdate(report.submitted_at) if report.submitted_at else None,
    visible=visible_reports,
    indexable=lambda: ProgressReport.objects.filter(
        status=ProgressReport.Status.SUBMITTED
    ).select_related("item", "unit"),
    changed=lambda since: Q(submitted_at__gte=since),
    order=70,
)
