from django.urls import include, path

from . import views

app_name = "annual"

urlpatterns = [
    path("", views.index, name="index"),
    path("open/", views.open_cycle, name="open"),
    path("<int:year>/", views.board_page, name="board"),
    path("<int:year>/board.xlsx", views.board_download, name="board_xlsx"),
    path("<int:year>/remind/", views.remind, name="remind_late"),
    path("<int:year>/topics/", views.topics_page, name="topics"),
    path("<int:year>/topics/accept/", views.topics_accept_view, name="topics_accept"),
    path("<int:year>/topics/decline/", views.topics_decline_view, name="topics_decline"),
    path("<int:year>/units/<int:unit_id>/", views.submission_page, name="submission"),
    path("<int:year>/units/<int:unit_id>/send/", views.send, name="send"),
    path("<int:year>/units/<int:unit_id>/plan-items/", views.plan_items, name="plan_items"),
    path("<int:year>/units/<int:unit_id>/<str:part>/", views.part_edit, name="part"),
    path("<int:year>/units/<int:unit_id>/<str:part>/review/", views.review, name="review"),
    # 履职情况: each unit's year compiled from the record (urls_record.py).
    path("record/", include("lianxi.annual.urls_record")),
]
