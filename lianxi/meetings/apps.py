from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "lianxi.meetings"
    label = "meetings"
    verbose_name = "会议"

    def ready(self) -> None:
        from lianxi.core.dashboard import register_panel
        from lianxi.core.navigation import register_nav
        from lianxi.core.ticks import register_tick

        from . import panels, services
        from .access import can_list_meetings

        register_tick("meetings.answer_reminders", services.answer_reminders_due)
        register_panel("meetings", panels.secretariat_meetings_panel, order=15)
        register_panel("my_meetings", panels.unit_meetings_panel, order=15)
        register_nav(
            "meetings",
            label="会议",
            url_name="meetings:list",
            order=40,
            visible=can_list_meetings,
            active=("meetings:",),
        )
