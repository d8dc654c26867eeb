from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "lianxi.routing"
    label = "routing"
    verbose_name = "职责路由"

    def ready(self) -> None:
        from lianxi.core.navigation import register_nav

        from .access import can_route

        register_nav(
            "routing",
            label="谁来管",
            url_name="routing:page",
            order=70,
            visible=can_route,
            active=("routing:",),
        )
