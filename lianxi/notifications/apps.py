from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lianxi.notifications"
    label = "notifications"
    verbose_name = "消息"

    def ready(self) -> None:
        from lianxi.core.access import is_signed_in
        from lianxi.core.dashboard import register_panel
        from lianxi.core.navigation import register_nav
        from lianxi.core.ticks import register_tick

        from .access import can_see_dead_letters
        from .channels import email, inbox, register_channel, webhook
        from .panels import my_messages_panel
        from .services import dispatch_due

        register_channel("inbox", inbox.CHANNEL, order=0)
        register_channel("email", email.CHANNEL, order=10)
        register_channel("webhook", webhook.CHANNEL, order=20)

        register_tick("notifications.dispatch_due", dispatch_due)
        register_panel("messages", my_messages_panel, order=20)
        register_nav(
            "dead_letters",
            label="消息投递",
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
