from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lianxi.api"
    label = "api"
    verbose_name = "接口"

    def ready(self) -> None:
        from lianxi.core.navigation import register_nav

        from .access import can_use_token_page

        # Among the person's own tools (消息设置 and the like), at the end of the bar.
        register_nav(
            "api_tokens",
            label="接口令牌",
            url_name="api_tokens:list",
            order=135,
            visible=can_use_token_page,
            active=("api_tokens:",),
            side="end",
        )
