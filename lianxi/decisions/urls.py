from django.urls import path

from . import views

app_name = "decisions"

urlpatterns = [
    path("", views.decision_list, name="list"),
    path("new/", views.decision_new, name="new"),
    path("<int:pk>/", views.decision_detail, name="detail"),
    path("<int:pk>/rounds/", views.round_new, name="round_new"),
    path("<int:pk>/rounds/close/", views.round_end, name="round_close"),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
    path("<int:pk>/government/", views.government, name="government"),
    path("<int:pk>/government/scan/", views.government_scan, name="government_scan"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("opinions/<int:pk>/", views.opinion_page, name="opinion"),
    path("opinions/<int:pk>/meeting/", views.opinion_at_meeting, name="opinion_meeting"),
]
