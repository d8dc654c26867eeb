from django.urls import path

from . import minutes_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_schedule, name="schedule"),
    path("topical/new/", views.topical_entrust, name="topical"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/roll/", views.meeting_roll, name="roll"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path(
        "<int:pk>/agenda/<int:item_pk>/move/<str:direction>/",
        views.agenda_move,
        name="agenda_move",
    ),
    path("<int:pk>/agenda/<int:item_pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path("<int:pk>/agenda/carryover/", views.agenda_carryover, name="agenda_carryover"),
    path("<int:pk>/materials/", views.material_add, name="material_add"),
    path(
        "<int:pk>/materials/<int:material_pk>/",
        views.material_download,
        name="material",
    ),
    path("<int:pk>/notify/", views.meeting_notify, name="notify"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="cancel"),
    path("<int:pk>/invite/", views.meeting_invite, name="invite"),
    path("<int:pk>/answer/", views.attendance_answer, name="answer"),
    path(
        "<int:pk>/answer-for-unit/",
        views.attendance_answer_on_behalf,
        name="answer_on_behalf",
    ),
    path("<int:pk>/record/", views.attendance_record, name="record"),
    path("<int:pk>/minutes/", views.minutes_draft, name="minutes_draft"),
    path("minutes/<int:pk>/", minutes_views.minutes_detail, name="minutes"),
    path("minutes/<int:pk>/edit/", minutes_views.minutes_edit, name="minutes_edit"),
    path("minutes/<int:pk>/sections/", minutes_views.section_add, name="section_add"),
    path(
        "minutes/<int:pk>/sections/<int:section_pk>/resolutions/",
        minutes_views.resolution_add,
        name="resolution_add",
    ),
    path(
        "minutes/<int:pk>/resolutions/<int:resolution_pk>/remove/",
        minutes_views.resolution_remove,
        name="resolution_remove",
    ),
    path("minutes/<int:pk>/approve/", minutes_views.minutes_approve, name="minutes_approve"),
    path("minutes/<int:pk>/reopen/", minutes_views.minutes_reopen, name="minutes_reopen"),
    path("minutes/<int:pk>/sign-off/", minutes_views.minutes_sign_off, name="minutes_sign_off"),
    path("minutes/<int:pk>/issue/", minutes_views.minutes_issue, name="minutes_issue"),
    path(
        "minutes/<int:pk>/acknowledge/",
        minutes_views.minutes_acknowledge,
        name="minutes_acknowledge",
    ),
    path("minutes/<int:pk>/minutes.docx", minutes_views.minutes_docx, name="minutes_docx"),
    path("minutes/<int:pk>/minutes.pdf", minutes_views.minutes_pdf, name="minutes_pdf"),
]
