from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "lianxi.notifications"
    label = "notifications"
    verbose_name = "消息"
