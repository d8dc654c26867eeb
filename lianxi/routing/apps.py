from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "lianxi.routing"
    label = "routing"
    verbose_name = "职责路由"
