from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lianxi.api"
    label = "api"
    verbose_name = "接口"
