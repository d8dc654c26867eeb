from django.urls import path

from . import import_views, people_views, views

app_name = "organization"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.unit_page, name="unit"),
    path("rules/", views.rules, name="rules"),
    # The rules import (upload, preview, apply): import_views.py.
    path("rules/import/", import_views.rules_import_upload, name="rules_import"),
    # People and memberships: people_views.py.
    path("people/", people_views.people_list, name="people"),
]
