from django.urls import path

from . import views

app_name = "organization"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.unit_page, name="unit"),
    path("rules/", views.rules, name="rules"),
]
