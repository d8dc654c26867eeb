"""督办 on the home page and on a unit's page (四(二)): what is due, late or waiting."""

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lianxi.core.dates import cn_date
from lianxi.organization.access import is_secretariat, membership_of, sees_all

from . import access, selectors
from .lights import DONE, GREEN, LIGHT_MEANINGS, RED, YELLOW, Cutoffs
from .models import ActionItem

PANEL_MAX = 12


def my_unit_items(user: Any) -> dict[str, Any] | None:
    """For a unit's member and liaison: 本单位督办事项 late, due or waiting for feedback."""
    membership = membership_of(user)
    if not access.acts_for_unit(membership):
        return None
    assert membership is not None
    today = timezone.localdate()
    cutoffs = Cutoffs.for_day(today)
    items = list(selectors.unit_open_items(access.visible_items(user), membership.unit_id, cutoffs))
    entries: list[dict[str, Any]] = []
    for draft in selectors.unit_drafts(user)[:PANEL_MAX]:
        entries.append(
            {
                "text": draft.item.title,
                "meta": "本单位的进展反馈草稿待报送",
                "url": reverse("supervision:item", args=[draft.item_id]),
                "level": "info",
            }
        )
    for item in items:
        role = "牵头" if item.lead_unit_id == membership.unit_id else "配合"
        light = item.light  # type: ignore[attr-defined]
        if item.status == ActionItem.Status.CLOSURE_REQUESTED:
            meta, level = f"{role} · 已申请办结，待联席会议办公室审核", "info"
        elif light == RED:
            meta, level = f"{role} · 已逾期（时限 {cn_date(item.deadline)}）", "danger"
        elif item.status == ActionItem.Status.RETURNED:
            meta, level = f"{role} · 已退回，待补报（时限 {cn_date(item.deadline)}）", "warning"
        elif light == YELLOW and item.deadline <= cutoffs.yellow_by:
            meta, level = f"{role} · {cn_date(item.deadline)} 到期", "warning"
        elif light == YELLOW:
            meta, level = f"{role} · 久未反馈进展，请反馈", "warning"
        else:
            continue
        entries.append(
            {
                "text": item.title,
                "meta": meta,
                "url": reverse("supervision:item", args=[item.pk]),
                "level": level,
            }
        )
    return {
        "title": f"本单位督办事项（办理中 {len(items)} 项）",
        "items": entries[:PANEL_MAX],
        "empty": (
            "本单位牵头或配合的督办事项都在正常推进；临近时限、逾期或需要反馈进展的事项会列在这里。"
        ),
        "more_url": reverse("supervision:ledger"),
        "more_text": "查看督办台账",
    }


def secretariat_supervision(user: Any) -> dict[str, Any] | None:
    """For the secretariat: red and yellow counts, extension and closure requests to review."""
    membership = membership_of(user)
    if not access.is_secretariat(membership):
        return None
    assert membership is not None
    visible = access.visible_items(user)
    cutoffs = Cutoffs.for_day(timezone.localdate())
    counts = selectors.light_counts(visible, cutoffs)
    ledger = reverse("supervision:ledger")
    entries: list[dict[str, Any]] = []
    if counts[RED]:
        entries.append(
            {
                "text": f"{LIGHT_MEANINGS[RED]}{counts[RED]} 项",
                "url": f"{ledger}?light=red",
                "level": "danger",
            }
        )
    if counts[YELLOW]:
        entries.append(
            {
                "text": f"{LIGHT_MEANINGS[YELLOW]}{counts[YELLOW]} 项",
                "url": f"{ledger}?light=yellow",
                "level": "warning",
            }
        )
    entries.extend(_returned_entry(visible, ledger, "已退回待补报"))
    for item in selectors.awaiting_review(visible)[: PANEL_MAX * 2]:
        url = reverse("supervision:item", args=[item.pk])
        new_deadline = item.ext_new_deadline  # type: ignore[attr-defined]
        if new_deadline is not None:
            entries.append(
                {
                    "text": item.title,
                    "meta": (
                        f"{item.ext_unit_name}申请延期至 {cn_date(new_deadline)}，待审核"  # type: ignore[attr-defined]
                    ),
                    "url": url,
                    "level": "info",
                }
            )
        if item.status == ActionItem.Status.CLOSURE_REQUESTED:
            entries.append(
                {
                    "text": item.title,
                    "meta": f"{item.lead_unit.name}申请办结，待审核",
                    "url": url,
                    "level": "info",
                }
            )
    return {
        "title": "督办",
        "items": entries,
        "empty": "没有红灯、黄灯事项，也没有待审核的延期或办结申请。",
        "more_url": ledger,
        "more_text": "督办台账",
    }


def _returned_entry(visible: Any, ledger: str, label: str) -> list[dict[str, str]]:
    """The panel's line for the items returned and waiting for a new report, if any."""
    returned = selectors.returned_count(visible)
    if not returned:
        return []
    return [
        {"text": f"{label} {returned} 项", "url": f"{ledger}?status=returned", "level": "warning"}
    ]


def city_overview(user: Any) -> dict[str, Any] | None:
    """For the city government office (read-only, city-wide): how the joint meeting's items
    stand, light by light, each a link into the ledger. The secretariat has its own panel."""
    membership = membership_of(user)
    if not sees_all(membership) or is_secretariat(membership):
        return None
    visible = access.visible_items(user)
    counts = selectors.light_counts(visible, Cutoffs.for_day(timezone.localdate()))
    ledger = reverse("supervision:ledger")
    levels = {RED: "danger", YELLOW: "warning", GREEN: "info", DONE: "info"}
    entries = [
        {
            "text": f"{LIGHT_MEANINGS[light]} {counts[light]} 项",
            "url": f"{ledger}?light={light}",
            "level": level,
        }
        for light, level in levels.items()
        if counts[light]
    ]
    entries.extend(_returned_entry(visible, ledger, "其中已退回待补报"))
    total = sum(counts.values())
    return {
        "title": f"督办事项总览（共 {total} 项）",
        "items": entries,
        "empty": "联席会议还没有督办事项；会议纪要印发后，议定事项的办理情况会汇总在这里。",
        "more_url": ledger,
        "more_text": "查看督办台账",
    }


def unit_section(unit: Any, viewer: Any) -> dict[str, Any] | None:
    """On a unit's page: what it leads and supports, with lights, and its on-time rate.

    Shown to the secretariat, the government office and the unit's own people.
    """
    if not access.can_see_unit_record(viewer, unit):
        return None
    record = selectors.unit_record(
        access.visible_items(viewer), unit, Cutoffs.for_day(timezone.localdate())
    )
    html = render_to_string(
        "supervision/unit_section.html",
        {"record": record, "groups": [("牵头事项", record.leads), ("配合事项", record.supports)]},
    )
    return {"title": "督办事项", "html": html}
