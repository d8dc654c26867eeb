from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("audit/", views.audit_log, name="audit"),
    path("calendar/", views.calendar_page, name="calendar"),
]
