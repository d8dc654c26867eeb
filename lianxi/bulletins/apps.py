from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "lianxi.bulletins"
    label = "bulletins"
    verbose_name = "信息简报"

    def ready(self) -> None:
        from lianxi.core.dashboard import register_panel
        from lianxi.core.navigation import register_nav

        from . import panels
        from .access import can_see_bulletins

        register_nav(
            "bulletins",
            label="信息简报",
            url_name="bulletins:index",
            order=50,
            visible=can_see_bulletins,
            active=("bulletins:",),
        )
        register_panel("bulletins", panels.bulletins_panel, order=40)
