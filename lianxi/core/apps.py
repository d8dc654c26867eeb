from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lianxi.core"
    label = "core"
    verbose_name = "核心"
