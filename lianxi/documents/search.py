"""Documents for the search box (三(二), issue 9 §4).

Two kinds, so that each person finds only the text they may read:

- ``document``: a document's current text, found by the secretariat, its drafting and
  co-issuing units, and (once issued) the units it is addressed to (access.documents_full_text);
- ``document_version``: a version sent for comment, found by the consulted units only
  (access.consulted_versions): a unit consulted on 第2稿 never finds words of 第3稿.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.timezone import localdate

from lianxi.search.registry import register

from .access import consulted_versions, documents_full_text
from .models import DocumentVersion, OfficialDocument


def _text(version: DocumentVersion) -> str:
    parts = list(version.paragraphs)
    if version.attachments:
        parts.append("附件：" + "；".join(version.attachments))
    if version.note:
        parts.append(version.note)
    return "\n".join(parts)


def _current(document: OfficialDocument) -> DocumentVersion | None:
    return next((v for v in document.versions.all() if v.number == document.version), None)


def _document_title(document: OfficialDocument) -> str:
    number = f"（{document.document_number}）" if document.document_number else ""
    return f"{document.title}{number}"


def _document_body(document: OfficialDocument) -> str:
    version = _current(document)
    head = f"{document.get_kind_display()}，{document.drafting_unit.name}起草"
    return f"{head}\n{_text(version)}" if version else head


def _units(document: OfficialDocument) -> list[int | None]:
    return [document.drafting_unit_id, *(i.unit_id for i in document.issuers.all())]


register(
    "document",
    OfficialDocument,
    label="公文",
    title=_document_title,
    body=_document_body,
    url=lambda document: reverse("documents:detail", args=[document.pk]),
    unit_ids=_units,
    date=lambda document: localdate(document.issued_at or document.updated_at),
    visible=documents_full_text,
    indexable=lambda: OfficialDocument.objects.select_related("drafting_unit").prefetch_related(
        "versions", "issuers"
    ),
    changed=lambda since: Q(updated_at__gte=since),
    order=60,
)

register(
    "document_version",
    DocumentVersion,
    label="征求意见稿",
    title=lambda v: f"{v.title}（第{v.number}稿，征求意见稿）",
    body=_text,
    url=lambda v: f"{reverse('documents:detail', args=[v.document_id])}?v={v.number}",
    unit_ids=lambda v: _units(v.document),
    date=lambda v: localdate(v.created_at),
    visible=consulted_versions,
    indexable=lambda: (
        DocumentVersion.objects.filter(consultations__isnull=False)
        .distinct()
        .select_related("document")
        .prefetch_related("document__issuers")
    ),
    changed=lambda since: Q(created_at__gte=since),
    order=61,
)
