from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "lianxi.incidents"
    label = "incidents"
    verbose_name = "职业病危害事故"

    def ready(self) -> None:
        from lianxi.core.dashboard import register_panel
        from lianxi.core.ticks import register_tick

        from . import panels, services

        register_panel("incidents_secretariat", panels.secretariat_incidents, order=10)
        register_panel("incidents_unit", panels.unit_notices, order=10)
        register_tick("incidents.escalation", services.escalate_notices)
