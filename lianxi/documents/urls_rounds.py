"""Comment rounds (征求意见, 三(二)): the round's sending and closing, a unit's reply, the
意见采纳情况表 and its downloads."""

from django.urls import path

from . import views_rounds

urlpatterns = [
    path("<int:pk>/rounds/send/", views_rounds.round_send, name="round_send"),
    path("rounds/<int:pk>/close/", views_rounds.round_close, name="round_close"),
    path("replies/<int:pk>/", views_rounds.reply_page, name="reply"),
    path("replies/<int:pk>/approve/", views_rounds.reply_approve_view, name="reply_approve"),
    path("<int:pk>/adoption/", views_rounds.adoption_page, name="adoption"),
    path(
        "<int:pk>/adoption.xlsx",
        views_rounds.adoption_download,
        {"fmt": "xlsx"},
        name="adoption_xlsx",
    ),
    path(
        "<int:pk>/adoption.docx",
        views_rounds.adoption_download,
        {"fmt": "docx"},
        name="adoption_docx",
    ),
    path("comments/<int:pk>/decide/", views_rounds.comment_decide_view, name="comment_decide"),
]
