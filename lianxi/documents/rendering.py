"""A document and one of its versions as the typesetting structure (GB/T 9704-2012), and as
.docx / PDF (四(五), 四(六)).

- Organs in seal order (the lead first), each with its mark and, for upward documents, its
  签发人; the joint meeting's own documents have its name + 文件 as masthead and are signed by
  the joint meeting, the sealing unit's seal standing for it (代章, "（市卫生健康委代章）").
- Seals only on an issued document, and only of the organs that signed (issuing.sealing_units):
  each the seal the unit had when the number was taken. A draft shows no number and no seal,
  and carries a watermark (征求意见稿 while a round is open, else 草稿).
- 主送 from the recipients (units' names and free names, joined by "、"), 抄送 likewise;
  印发机关 the lead organ, or 联席会议办公室 for the joint meeting's own documents.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone

from lianxi.core.downloads import download_response

from .access import DOCUMENT_NOT_FOUND, sees_issued, sight, visible_versions
from .models import DocumentVersion, IssuedNumber, OfficialDocument
from .parties import ShownParties, current_parties, parties_for
from .services.common import current_version
from .services.issuing import seal_at, sealing_units
from .services.signing import open_round

MECHANISM_OFFICE = "联席会议办公室"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _seals(document: OfficialDocument) -> dict[int, bytes]:
    """unit id -> seal PNG, for an issued document only."""
    if document.status != OfficialDocument.Status.ISSUED:
        return {}
    number = (
        IssuedNumber.objects.filter(
            document=document,
            text=document.document_number,
            status=IssuedNumber.Status.USED,
        )
        .order_by("-taken_at")
        .first()
    )
    moment = number.taken_at if number else None
    out = {}
    for unit in sealing_units(document):
        seal = seal_at(unit.pk, moment)
        if seal is not None:
            out[unit.pk] = bytes(seal.image)
    return out


def document_layout(
    document: OfficialDocument,
    version: DocumentVersion | None = None,
    *,
    as_issued: bool = True,
    parties: ShownParties | None = None,
) -> Any:
    """The typesetting structure of `version` (by default the current one). `as_issued=False`
    sets even the issued text as a draft — no number, date or seal — for a reader who was only
    consulted on it (access.sees_issued); `parties`, the organs and recipients as that reader
    may read them (by default the current ones)."""
    from lianxi.typesetting.official import IssuingOrgan, OfficialDocumentLayout

    version = version or current_version(document)
    parties = parties or current_parties(document)
    issued = (
        as_issued
        and document.status == OfficialDocument.Status.ISSUED
        and version.number == document.version
    )
    seals = _seals(document) if issued else {}
    issuers = parties.issuers
    mechanism = document.mechanism
    sealed_on_behalf = ""
    if document.in_mechanism_name:
        sealer = document.sealed_by
        organs = [
            IssuingOrgan(
                name=mechanism.name,
                mark=mechanism.name,
                signatory=issuers[0].signatory if issuers and document.upward else "",
                seal_png=seals.get(sealer.pk) if sealer else None,
            )
        ]
        masthead = f"{mechanism.name}文件"
        if sealer is not None:
            sealed_on_behalf = f"（{sealer.name}代章）"
        printed_by = MECHANISM_OFFICE
    else:
        organs = [
            IssuingOrgan(
                name=i.name,
                mark=i.name,
                signatory=i.signatory if document.upward else "",
                seal_png=seals.get(i.unit_id),
            )
            for i in issuers
        ]
        masthead = ""
        printed_by = document.drafting_unit.name
    watermark = ""
    if not issued:
        sent = not as_issued or open_round(document) is not None
        watermark = "征求意见稿" if sent else "草稿"
    issued_on = timezone.localdate(document.issued_at) if issued and document.issued_at else None
    return OfficialDocumentLayout(
        organs=organs,
        masthead=masthead,
        document_number=document.document_number if issued else "",
        upward=document.upward,
        urgency=parties.urgency_display,
        title=version.title,
        main_to="、".join(parties.main_to) or version.main_to,
        paragraphs=list(version.paragraphs),
        attachments=list(version.attachments),
        sealed_on_behalf=sealed_on_behalf,
        date=issued_on,
        note=version.note,
        copy_to="、".join(parties.copy_to),
        printed_by=printed_by,
        printed_on=issued_on,
        watermark=watermark,
    )


def document_file(
    document: OfficialDocument,
    kind: str,
    version: DocumentVersion | None = None,
    *,
    as_issued: bool = True,
    parties: ShownParties | None = None,
) -> bytes:
    """The document as a .docx (`kind` "docx") or PDF ("pdf"); see document_layout."""
    from lianxi.typesetting.official_docx import render_official_docx
    from lianxi.typesetting.official_pdf import render_official_pdf

    render = {"docx": render_official_docx, "pdf": render_official_pdf}[kind]
    return bytes(render(document_layout(document, version, as_issued=as_issued, parties=parties)))


def document_filename(
    document: OfficialDocument, suffix: str, version: DocumentVersion, *, as_issued: bool
) -> str:
    """The file's name: the title of the version in it (a consulted unit's is the one sent to
    it, 三(二)), with the number once issued and the reader may read it as issued."""
    shown = as_issued and document.document_number
    number = f"（{document.document_number}）" if shown else "（草稿）"
    return f"{version.title}{number}.{suffix}"


def document_download(
    document: OfficialDocument,
    kind: str,
    *,
    actor: Any,
    version: DocumentVersion | None = None,
) -> Any:
    """The document as .docx or .pdf through core.downloads (audited): `version`, by default the
    newest `actor` may see (a consulted unit gets the version sent to it, 三(二))."""
    if version is None:
        version = visible_versions(actor, document).order_by("-number").first()
        if version is None:
            raise Http404(DOCUMENT_NOT_FOUND)
    # What the reader may read: the issued form, and the parties as sent to it (三(二)).
    view = sight(actor, document)
    as_issued = sees_issued(actor, document, view=view)
    parties = parties_for(actor, document, version, view=view)
    content_type = {"docx": DOCX, "pdf": "application/pdf"}[kind]
    return download_response(
        document_file(document, kind, version, as_issued=as_issued, parties=parties),
        filename=document_filename(document, kind, version, as_issued=as_issued),
        actor=actor,
        target=document,
        content_type=content_type,
    )
