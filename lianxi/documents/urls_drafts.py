from django.urls import path

from . import views_drafts

urlpatterns = [
    path("", views_drafts.document_list, name="list"),
    path("new/", views_drafts.document_create, name="create"),
    path("import/", views_drafts.document_import, name="import"),
    path("import/preview/", views_drafts.document_import_preview, name="import_preview"),
    path("import/cancel/", views_drafts.document_import_cancel, name="import_cancel"),
    path("<int:pk>/", views_drafts.document_detail, name="detail"),
    path("<int:pk>/edit/", views_drafts.document_edit, name="edit"),
    path("<int:pk>/versions/", views_drafts.document_versions, name="versions"),
    path("<int:pk>/compare/", views_drafts.document_compare, name="compare"),
]
