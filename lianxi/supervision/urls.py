from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("export.xlsx", views.ledger_export, name="export"),
    path("new/", views.item_create, name="create"),
    path("<int:pk>/", views.item_page, name="item"),
    path("<int:pk>/reports/", views.report_create, name="report"),
    path("<int:pk>/reports/<int:report_pk>/submit/", views.report_submit, name="report_submit"),
    path("<int:pk>/reports/<int:report_pk>/edit/", views.report_edit, name="report_edit"),
    path("<int:pk>/reports/<int:report_pk>/delete/", views.report_delete, name="report_delete"),
    path("<int:pk>/urge/", views.item_urge, name="urge"),
    path(
        "<int:pk>/reports/<int:report_pk>/attachment/",
        views.report_attachment,
        name="report_attachment",
    ),
    path("<int:pk>/review/", views.item_review, name="review"),
    path("<int:pk>/extensions/", views.extension_create, name="extension"),
    path(
        "<int:pk>/extensions/<int:extension_pk>/decide/",
        views.extension_decide,
        name="extension_decide",
    ),
]
