"""The home panel of comment rounds (征求意见, 三(二)): what the person's unit still owes."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from lianxi.core.dates import cn_date
from lianxi.organization.access import membership_of
from lianxi.organization.models import Membership

from .access import own_replies
from .models import Consultation, UnitReply
from .services.consultation import SILENT

PANEL_MAX = 10


def replies_due_panel(user: Any) -> dict[str, Any] | None:
    """待我反馈的征求意见: the open rounds the person's unit has not answered, the drafts its
    member has still to approve first; shown only when there is one."""
    replies = list(
        own_replies(user)
        .filter(status__in=SILENT, consultation__status=Consultation.Status.OPEN)
        .select_related("consultation__document", "consultation__version")
        .order_by("consultation__deadline", "pk")[: PANEL_MAX + 1]
    )
    if not replies:
        return None
    membership = membership_of(user)
    approves = membership is not None and membership.role in (
        Membership.Role.MEMBER,
        Membership.Role.SECRETARIAT,
    )
    today = timezone.localdate()
    items = []
    for reply in replies[:PANEL_MAX]:
        consultation = reply.consultation
        late = consultation.deadline < today
        if reply.status == UnitReply.Status.DRAFTED:
            meta = "反馈已起草，待本单位成员审核报送" if not approves else "反馈已起草，请审核报送"
        else:
            meta = "尚未起草反馈"
        when = (
            f"已逾期（截止 {cn_date(consultation.deadline)}）"
            if late
            else (f"{cn_date(consultation.deadline)} 前反馈")
        )
        items.append(
            {
                # the title of the version sent, not a later draft's (三(二))
                "text": f"{consultation.version.title}（第 {consultation.round} 轮）",
                "meta": f"{when} · {meta}",
                "url": reverse("documents:reply", args=[reply.pk]),
                "level": "danger" if late else "warning",
            }
        )
    return {
        "title": "待我反馈的征求意见",
        "items": items,
        "empty": "",
        "more_url": reverse("documents:list"),
        "more_text": "查看公文" + ("（还有更多）" if len(replies) > PANEL_MAX else ""),
    }
