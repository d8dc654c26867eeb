"""日历订阅: a person's private calendar feed (issue 3 §3), mounted at /calendar/."""

from django.urls import path

from . import feed_views

app_name = "calendar_feed"

urlpatterns = [
    path("", feed_views.feed_page, name="page"),
    path("feed/<str:token>.ics", feed_views.feed, name="feed"),
]
