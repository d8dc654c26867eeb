from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "lianxi.decisions"
    label = "decisions"
    verbose_name = "重大事项"

    def ready(self) -> None:
        from lianxi.core.dashboard import register_panel
        from lianxi.core.navigation import register_nav
        from lianxi.core.ticks import register_tick

        from . import panels
        from .access import can_list_decisions
        from .services import decision_deadlines

        register_nav(
            "decisions",
            label="重大事项",
            url_name="decisions:list",
            order=47,
            visible=can_list_decisions,
            active=("decisions:",),
        )
        register_tick("decisions.deadlines", decision_deadlines)
        register_panel("decisions", panels.decisions_panel, order=37)
