from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "lianxi.meetings"
    label = "meetings"
    verbose_name = "会议"

    def ready(self) -> None:
        from lianxi.core.access import is_signed_in
        from lianxi.core.dashboard import register_panel
        from lianxi.core.navigation import register_nav
        from lianxi.core.ticks import register_tick
        from lianxi.notifications.access import can_see_dead_letters

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

        # Interim: the message backbone's own entries, until notifications/apps.py registers
        # them itself (meetings already depends on notifications, so the import runs downhill).
        register_nav(
            "dead_letters",
            label="投递失败",
            url_name="notifications:dead_letters",
            order=130,
            visible=can_see_dead_letters,
            active=(),
            side="end",
        )
        register_nav(
            "message_settings",
            label="消息设置",
            url_name="notifications:settings",
            order=190,
            visible=is_signed_in,
            active=(),
            side="end",
        )
