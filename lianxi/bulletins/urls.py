from django.urls import path

from . import views

app_name = "bulletins"

urlpatterns = [
    path("", views.index, name="index"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:report_id>/", views.report_page, name="report"),
    path("reports/<int:report_id>/send/", views.report_send, name="report_send"),
    path("reports/<int:report_id>/review/", views.report_review, name="report_review"),
    path("reports/<int:report_id>/files/<int:file_id>/", views.report_file, name="report_file"),
    path("figures/", views.figures_page, name="figures"),
    path("figures.xlsx", views.figures_xlsx, name="figures_xlsx"),
    path("briefs/", views.briefs_page, name="briefs"),
    path("briefs/new/", views.brief_new, name="brief_new"),
    path("briefs/<int:brief_id>/", views.brief_page, name="brief"),
    path("briefs/<int:brief_id>/issue/", views.brief_issue, name="brief_issue"),
    path("briefs/<int:brief_id>/sign/", views.brief_sign, name="brief_sign"),
    path("briefs/<int:brief_id>/brief.docx", views.brief_docx, name="brief_docx"),
    path("briefs/<int:brief_id>/brief.pdf", views.brief_pdf, name="brief_pdf"),
    path("situation/", views.situation_page, name="situation"),
    path("situation/records/", views.situation_records, name="situation_records"),
    path("situation/draft/", views.situation_draft, name="situation_draft"),
    path("library/", views.library_page, name="library"),
    path("library/<int:report_id>/", views.library_item, name="library_item"),
]
