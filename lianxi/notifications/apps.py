from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lianxi.notifications"
    label = "notifications"
    verbose_name = "消息"

    def ready(self) -> None:
        from lianxi.core.dashboard import register_panel
        from lianxi.core.ticks import register_tick

        from .panels import my_messages_panel
        from .services import dispatch_due

        register_tick("notifications.dispatch_due", dispatch_due)
        register_panel("messages", my_messages_panel, order=20)
