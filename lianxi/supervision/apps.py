from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "lianxi.supervision"
    label = "supervision"
    verbose_name = "督办"
