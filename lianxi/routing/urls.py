from django.urls import path

from . import views

app_name = "routing"

urlpatterns = [
    path("", views.page, name="page"),
    path("suggest/", views.suggest, name="suggest"),
    path("thesaurus/", views.thesaurus, name="thesaurus"),
    path("thesaurus/<int:pk>/delete/", views.thesaurus_delete, name="thesaurus_delete"),
]
