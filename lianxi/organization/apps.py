from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "lianxi.organization"
    label = "organization"
    verbose_name = "成员单位与职责"

    def ready(self) -> None:
        from lianxi.core.dashboard import register_panel

        from . import panels

        register_panel("todo", panels.coming_capabilities, order=10)
        register_panel("people", panels.people_to_register, order=40)
        register_panel("duties", panels.my_unit_duties, order=50)
