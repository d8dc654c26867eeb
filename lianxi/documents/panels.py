"""Home-page panel of the documents app: a unit's drafts and their state (三(二)). The replies a
unit owes are part R's panel (panels_rounds)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from lianxi.organization.access import membership_of

from .access import DRAFTING_ROLES
from .selectors import drafts_of_unit

SHOWN = 5


def documents_panel(user: Any) -> dict[str, Any] | None:
    """For the people of a member unit (and the secretariat): the unit's drafts not yet issued,
    each with its state and version."""
    membership = membership_of(user)
    if membership is None or membership.role not in DRAFTING_ROLES:
        return None
    items: list[dict[str, Any]] = []
    for document in drafts_of_unit(user)[:SHOWN]:
        items.append(
            {
                "text": document.title,
                "meta": f"本单位起草 · {document.get_status_display()} · 第 {document.version} 稿",
                "url": reverse("documents:detail", args=[document.pk]),
                "level": "info",
            }
        )
    return {
        "title": "公文",
        "items": items,
        "empty": "本单位没有起草中的公文。",
        "more_url": reverse("documents:list"),
        "more_text": "全部公文",
    }
