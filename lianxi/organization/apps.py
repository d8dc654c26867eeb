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

        from lianxi.core.access import is_signed_in
        from lianxi.core.dashboard import register_panel
        from lianxi.core.navigation import register_nav

        from . import panels
        from .access import can_manage_people, is_platform_operator

        register_panel("people", panels.people_to_register, order=40)
        register_panel("duties", panels.my_unit_duties, order=50)
        # Everyone logged in sees these two entries; the pages say who may read them.
        register_nav(
            "catalogue",
            label="成员单位与职责",
            url_name="organization:catalogue",
            order=20,
            visible=is_signed_in,
            active=("organization:catalogue", "organization:unit"),
        )
        register_nav(
            "rules", label="工作规则", url_name="organization:rules", order=30, visible=is_signed_in
        )
        register_nav(
            "people",
            label="人员",
            url_name="organization:people",
            order=110,
            visible=can_manage_people,
            active=(),
            side="end",
        )
        register_nav(
            "platform",
            label="平台管理",
            url_name="platform",
            order=150,
            visible=is_platform_operator,
            active=(),
            side="end",
        )
