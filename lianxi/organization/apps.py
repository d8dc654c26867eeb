from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "lianxi.organization"
    label = "organization"
    verbose_name = "成员单位与职责"
