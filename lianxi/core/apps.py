from typing import Any

from django.apps import AppConfig


def calendar_warning_panel(user: Any) -> dict[str, Any] | None:
    """The secretariat's reminder that a year's holiday schedule is missing (issue 2 §5)."""
    from django.urls import reverse
    from django.utils import timezone

    from .access import can_manage_calendar
    from .calendar import schedule_missing_years

    if not can_manage_calendar(user):
        return None
    missing = schedule_missing_years(timezone.localdate())
    if not missing:
        return None
    url = reverse("core:calendar")
    return {
        "title": "节假日安排",
        "items": [
            {
                "text": f"{year} 年节假日安排尚未录入",
                "url": f"{url}?year={year}#calendar-entry",
                "meta": "工作日期限暂按周一至周五计算",
                "level": "warning",
            }
            for year in missing
        ],
        "empty": "各年度节假日安排均已就绪。",
    }


class CoreConfig(AppConfig):
    name = "lianxi.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers core's system checks)
        from .access import can_manage_calendar, can_read_audit, is_signed_in
        from .audit import install_guard
        from .audit_checkpoints import audit_checkpoint
        from .dashboard import register_panel
        from .navigation import register_nav
        from .ticks import register_tick

        install_guard()
        register_tick("audit.checkpoint", audit_checkpoint)
        register_panel("calendar", calendar_warning_panel, order=5)
        register_nav("home", label="工作台", url_name="home", order=10, visible=is_signed_in)
        register_nav(
            "calendar",
            label="节假日",
            url_name="core:calendar",
            order=120,
            visible=can_manage_calendar,
            active=(),
            side="end",
        )
        register_nav(
            "audit",
            label="审计日志",
            url_name="core:audit",
            order=140,
            visible=can_read_audit,
            active=(),
            side="end",
        )
