from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lianxi.notifications"
    label = "notifications"
    verbose_name = "消息"

    def ready(self) -> None:
        from lianxi.core.dashboard import register_panel
        from lianxi.core.ticks import register_tick

        from .channels import email, inbox, register_channel, webhook
        from .panels import my_messages_panel
        from .services import dispatch_due

        register_channel("inbox", inbox.CHANNEL, order=0)
        register_channel("email", email.CHANNEL, order=10)
        register_channel("webhook", webhook.CHANNEL, order=20)

        register_tick("notifications.dispatch_due", dispatch_due)
        register_panel("messages", my_messages_panel, order=20)
