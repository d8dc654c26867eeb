from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "lianxi.documents"
    label = "documents"
    verbose_name = "公文"

    def ready(self) -> None:
        from lianxi.core.dashboard import register_panel
        from lianxi.core.navigation import register_nav

        from . import panels
        from .access import can_list_documents

        register_panel("documents", panels.documents_panel, order=25)

        register_nav(
            "documents",
            label="公文",
            url_name="documents:list",
            order=45,
            visible=can_list_documents,
            active=("documents:",),
        )
        # Part R (comment rounds, 三(二)): the deadline tick and the home panel.
        from lianxi.core.dashboard import register_panel
        from lianxi.core.ticks import register_tick

        from . import panels_rounds
        from .services.consultation import consultation_deadlines

        register_tick("documents.consultation_deadlines", consultation_deadlines)
        register_panel("documents_replies_due", panels_rounds.replies_due_panel, order=35)
