from django.apps import AppConfig


class TypesettingConfig(AppConfig):
    name = "lianxi.typesetting"
    label = "typesetting"
    verbose_name = "排版"
