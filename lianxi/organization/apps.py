from django.apps import AppConfig


class OrganizationConfig(AppConfig):
    name = "lianxi.organization"
    label = "organization"
    verbose_name = "成员单位与职责"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model

        from .access import membership_of

        # `user.membership` reads as "the membership this person acts in now" everywhere (core,
        # templates, the API), though a person may hold several: core knows no organization
        # model, so it cannot ask `membership_of` itself.
        get_user_model().membership = property(membership_of)  # type: ignore[attr-defined]

        from lianxi.core.dashboard import register_panel

        from . import panels

        register_panel("todo", panels.coming_capabilities, order=10)
        register_panel("people", panels.people_to_register, order=40)
        register_panel("duties", panels.my_unit_duties, order=50)
