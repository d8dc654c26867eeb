from django.urls import path

from . import views

app_name = "incidents"

urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_create, name="create"),
    path("<int:pk>/", views.incident_detail, name="detail"),
    path("<int:pk>/timeline/", views.incident_timeline, name="timeline"),
    path("<int:pk>/report.pdf", views.incident_report_pdf, name="report_pdf"),
    path("<int:pk>/reports/", views.up_report_create, name="up_report"),
    path("<int:pk>/notify/", views.notify_units, name="notify"),
    path("<int:pk>/notices/<int:notice_pk>/ack/", views.notice_ack, name="ack"),
    path("<int:pk>/notices/<int:notice_pk>/action/", views.notice_action, name="action"),
    path("<int:pk>/updates/", views.update_create, name="update"),
    path(
        "<int:pk>/updates/<int:update_pk>/report.pdf",
        views.update_report_pdf,
        name="update_report_pdf",
    ),
    path("<int:pk>/close/", views.incident_close, name="close"),
    path("<int:pk>/withdraw/", views.incident_withdraw, name="withdraw"),
]
