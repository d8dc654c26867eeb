from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "lianxi.incidents"
    label = "incidents"
    verbose_name = "职业病危害事故"
