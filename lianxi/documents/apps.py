from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "lianxi.documents"
    label = "documents"
    verbose_name = "公文"
