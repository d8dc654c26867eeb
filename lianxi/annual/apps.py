from django.apps import AppConfig


class AnnualConfig(AppConfig):
    name = "lianxi.annual"
    label = "annual"
    verbose_name = "年度报送"

    def ready(self) -> None:
        from lianxi.core.dashboard import register_panel
        from lianxi.core.navigation import register_nav
        from lianxi.core.ticks import register_tick

        from . import panels
        from .access import can_see_annual
        from .services import annual_tick

        register_nav(
            "annual",
            label="年度报送",
            url_name="annual:index",
            order=48,
            visible=can_see_annual,
            active=("annual:",),
        )
        register_tick("annual.cycle", annual_tick)
        register_panel("annual", panels.annual_panel, order=38)
