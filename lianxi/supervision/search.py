"""Action items and sent progress reports for the search box (四(二)).

A progress report is indexed only once sent: drafts never reach the index. Who finds what is
`access.visible_items` and `access.visible_reports`.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.timezone import localdate

from lianxi.search.registry import register

from .access import visible_items, visible_reports
from .models import ActionItem, ProgressReport


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
