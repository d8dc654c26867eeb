from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "lianxi.incidents"
    label = "incidents"
    verbose_name = "职业病危害事故"

    def ready(self) -> None:
        from lianxi.core.dashboard import register_panel
        from lianxi.core.navigation import register_nav
        from lianxi.core.ticks import register_tick
        from lianxi.routing.actions import register_suggestion_action

        from . import panels, services
        from .access import can_list_incidents, can_register_incident

        register_panel("incidents_secretariat", panels.secretariat_incidents, order=10)
        register_panel("incidents_unit", panels.unit_notices, order=10)
        register_panel("incidents_government", panels.government_incidents, order=10)
        register_tick("incidents.escalation", services.escalate_notices)
        register_suggestion_action(
            "incidents",
            label="登记为职业病危害事故",
            url_name="incidents:create",
            visible=can_register_incident,
            order=20,
        )
        register_nav(
            "incidents",
            label="事故通报",
            url_name="incidents:list",
            order=60,
            visible=can_list_incidents,
            active=("incidents:",),
        )
