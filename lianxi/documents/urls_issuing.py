"""Co-signing (会签, 四(五)), issuing and receipts (四(六)): the document page's actions and the
document's downloads."""

from django.urls import path

from . import views_issuing

urlpatterns = [
    path("<int:pk>/cosign/", views_issuing.cosign_request_view, name="cosign_request"),
    path("cosign/<int:pk>/sign/", views_issuing.cosign_sign_view, name="cosign_sign"),
    path("cosign/<int:pk>/return/", views_issuing.cosign_return_view, name="cosign_return"),
    path("<int:pk>/issue/", views_issuing.issue_view, name="issue"),
    path(
        "receipts/<int:pk>/acknowledge/",
        views_issuing.receipt_acknowledge_view,
        name="receipt_acknowledge",
    ),
    path(
        "<int:pk>/document.docx",
        views_issuing.document_download_view,
        {"fmt": "docx"},
        name="docx",
    ),
    path("<int:pk>/document.pdf", views_issuing.document_download_view, {"fmt": "pdf"}, name="pdf"),
]

urlpatterns += [
    path("registers/", views_issuing.registers_page, name="registers"),
    path("outgoing/", views_issuing.outgoing_page, name="outgoing"),
    path("outgoing.xlsx", views_issuing.outgoing_xlsx, name="outgoing_xlsx"),
    path(
        "numbers/<int:pk>/withdraw/",
        views_issuing.number_withdraw_view,
        name="number_withdraw",
    ),
    path("seals/", views_issuing.seals_page, name="seals"),
    path("seals/<int:pk>.png", views_issuing.seal_image, name="seal_image"),
]
