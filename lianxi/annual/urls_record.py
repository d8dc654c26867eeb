"""履职情况 (四(三)): included at /annual/record/ under the "annual" namespace."""

from django.urls import path

from . import record_views

urlpatterns = [
    path("<int:year>/", record_views.records_page, name="record"),
    path("<int:year>.xlsx", record_views.records_xlsx, name="record_xlsx"),
    path("<int:year>/<int:unit_id>/", record_views.record_unit_page, name="record_unit"),
    path("<int:year>/<int:unit_id>.docx", record_views.record_unit_docx, name="record_docx"),
]
