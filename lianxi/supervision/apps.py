from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "lianxi.supervision"
    label = "supervision"
    verbose_name = "督办"

    def ready(self) -> None:
        from lianxi.core.dashboard import register_panel
        from lianxi.core.navigation import register_nav
        from lianxi.core.ticks import register_tick
        from lianxi.organization.unit_sections import register_unit_section
        from lianxi.routing.actions import register_suggestion_action

        from . import panels, reminders
        from .access import can_create_items, can_see_ledger

        register_panel("supervision_unit", panels.my_unit_items, order=30)
        register_panel("supervision_secretariat", panels.secretariat_supervision, order=30)
        register_panel("supervision_overview", panels.city_overview, order=30)
        register_unit_section("supervision", panels.unit_section, order=50)
        register_tick("supervision.reminders", reminders.send_reminders)
        register_tick("supervision.weekly_digest", reminders.send_weekly_digest)
        register_suggestion_action(
            "supervision",
            label="立为督办事项",
            url_name="supervision:create",
            visible=can_create_items,
            order=10,
        )
        register_nav(
            "supervision",
            label="督办",
            url_name="supervision:ledger",
            order=50,
            visible=can_see_ledger,
            active=("supervision:",),
        )
