from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "lianxi.meetings"
    label = "meetings"
    verbose_name = "会议"

    def ready(self) -> None:
        from lianxi.core.dashboard import register_panel
        from lianxi.core.navigation import register_nav
        from lianxi.core.ticks import register_tick
        from lianxi.notifications.settings_links import register_settings_link

        from . import panels, services
        from .access import can_list_meetings, can_subscribe_calendar

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
        register_settings_link(
            "calendar_feed",
            before="会议安排和督办时限还可以",
            link_text="订阅到手机或电脑日历",
            url_name="calendar_feed:page",
            visible=can_subscribe_calendar,
        )
