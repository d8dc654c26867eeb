from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "lianxi.search"
    label = "search"
    verbose_name = "全文检索"

    def ready(self) -> None:
        from lianxi.core.ticks import register_tick

        from . import registry, services

        # Each Lianxi app registers its kinds of record in its own `search.py`.
        registry.autodiscover()
        register_tick("search.refresh", services.search_index_refresh)
