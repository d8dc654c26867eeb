"""Drafts (三(二)): the list, the document page, creating and editing (stale saves shown side by
side, nothing typed lost), versions and their comparison, .docx import. Thin: access, one
service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from lianxi.core.access import allowed_by
from lianxi.core.exceptions import ApplicationError
from lianxi.core.pages import add_service_error, form_errors
from lianxi.organization.access import is_secretariat
from lianxi.organization.models import Membership, Unit

from . import selectors, services
from .access import (
    can_draft,
    can_list_documents,
    document_for,
    may_edit,
    require_draft,
    require_edit,
    sight,
    version_for,
)
from .diff import diff_summary, paragraph_diff
from .docx_import import read_docx_draft
from .forms import (
    DocumentFilterForm,
    DocumentForm,
    ImportConfirmForm,
    ImportForm,
    initial_of,
    lines_of,
)
from .models import CoSignature, DocumentVersion, OfficialDocument
from .parties import parties_for
from .services.common import current_version
from .views_issuing import issuing_section
from .views_rounds import rounds_section

IMPORT_SESSION_KEY = "documents_import"

# --- the list ---------------------------------------------------------------------------------


@allowed_by(can_list_documents)
def document_list(request: HttpRequest) -> HttpResponse:
    form = DocumentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    documents = selectors.document_list(
        request.user,
        status=filters.get("status", ""),
        kind=filters.get("kind", ""),
        relation=filters.get("relation", ""),
    )
    page = Paginator(documents, selectors.LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in filters.items() if v})
    return render(
        request,
        "documents/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "waiting": selectors.waiting_for(request.user),
            "can_draft": can_draft(request.user),
        },
    )


# --- the document page ------------------------------------------------------------------------


@allowed_by(can_list_documents)
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = document_for(request.user, pk)
    # How the person stands to the document, decided once for the page and its sections.
    view = sight(request.user, document)
    editable = may_edit(request.user, document)
    number = request.GET.get("v")
    version = selectors.shown_version(
        request.user, document, int(number) if number and number.isdigit() else None, view=view
    )
    if version is None and number:
        raise Http404("该版本不存在或您无权查看。")
    context = {
        "document": document,
        "sight": view,
        "header": parties_for(request.user, document, version, view=view),
        "version": version,
        "paragraphs": selectors.numbered(version.paragraphs) if version else [],
        "current": version is not None and version.number == document.version,
        "may_edit": editable,
        **rounds_section(request, document, view=view, editable=editable),
        **issuing_section(request, document, view=view, editable=editable),
    }
    return render(request, "documents/detail.html", context)


# --- create and edit --------------------------------------------------------------------------


def _units(membership: Membership) -> list[Unit]:
    return list(
        Unit.objects.filter(mechanism_id=membership.unit.mechanism_id, active=True).order_by(
            "order", "pk"
        )
    )


def _form(
    request: HttpRequest, membership: Membership, data: Any = None, **kwargs: Any
) -> DocumentForm:
    return DocumentForm(
        data,
        units=_units(membership),
        drafting_unit=kwargs.pop("drafting_unit", membership.unit),
        secretariat=is_secretariat(membership),
        **kwargs,
    )


@allowed_by(can_draft)
def document_create(request: HttpRequest) -> HttpResponse:
    """三(二): a member unit (or the secretariat) drafts a document; the first version is saved."""
    membership = require_draft(request.user)
    form = _form(request, membership, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            document = services.document_create(
                actor=membership,
                kind=data["kind"],
                title=data["title"],
                paragraphs=form.paragraphs(),
                parties=form.parties(),
                attachments=form.attachment_names(),
                note=data["note"],
                urgency=data["urgency"],
                in_mechanism_name=bool(data.get("in_mechanism_name")),
                sign_order=data["sign_order"],
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "公文草稿已保存为第 1 稿。")
            return redirect("documents:detail", document.pk)
    return render(request, "documents/edit.html", {"form": form, "document": None})


def _parties_changed(document: OfficialDocument, form: DocumentForm) -> bool:
    initial = initial_of(document, current_version(document))
    data = form.cleaned_data
    keys = [k for k in form.fields if k.startswith(("order_", "signatory_"))]
    for key in keys:
        if (data.get(key) or None) != (initial.get(key) or None):
            return True
    for key in ("main_to_units", "copy_to_units"):
        if [u.pk for u in data.get(key) or []] != list(initial[key]):
            return True
    for key in ("main_to_names", "copy_to_names"):
        if lines_of(data.get(key, "")) != lines_of(initial[key]):
            return True
    return data.get("urgency", "") != document.urgency or data.get(
        "sign_order", document.sign_order
    ) != (document.sign_order)


def _text_changed(version: DocumentVersion, form: DocumentForm) -> bool:
    data = form.cleaned_data
    return (
        data["title"] != version.title
        or form.paragraphs() != version.paragraphs
        or form.attachment_names() != version.attachments
        or data["note"] != version.note
    )


def _stale_context(current: DocumentVersion, form: DocumentForm) -> dict[str, Any]:
    """What the clerk sees beside their form when another save came first: the other's version
    and what differs between it and the clerk's text (theirs old, the clerk's new)."""
    mine = form.paragraphs() if hasattr(form, "cleaned_data") else []
    changes = paragraph_diff(current.paragraphs, mine)
    return {
        "stale": current,
        "stale_paragraphs": selectors.numbered(current.paragraphs),
        "stale_diff": changes,
        "stale_summary": diff_summary(changes),
    }


@allowed_by(can_list_documents)
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """三(二): a save is a new version, based on the one the clerk started from; a save refused
    as stale shows the clerk's text again beside the other's, to merge (nothing typed is lost).
    四(五): a save that voids co-signatures says so."""
    document = document_for(request.user, pk)
    membership = require_edit(request.user, document)
    version = current_version(document)
    parties_editable = document.status == OfficialDocument.Status.DRAFT
    kwargs: dict[str, Any] = {
        "drafting_unit": document.drafting_unit,
        "editing": True,
        "parties_editable": parties_editable,
    }
    if request.method != "POST":
        form = _form(request, membership, initial=initial_of(document, version), **kwargs)
        return _edit_page(request, document, form)
    form = _form(request, membership, request.POST, **kwargs)
    if not form.is_valid():
        return _edit_page(request, document, form)
    based_on = form.cleaned_data.get("based_on") or document.version
    text_changed = _text_changed(version, form) or based_on != document.version
    parties_changed = parties_editable and _parties_changed(document, form)
    if not text_changed and not parties_changed:
        messages.info(request, "没有修改，无需保存。")
        return redirect("documents:detail", document.pk)
    live = document.cosignatures.filter(
        status__in=[CoSignature.Status.PENDING, CoSignature.Status.SIGNED]
    ).count()
    try:
        with transaction.atomic():
            saved = None
            if text_changed:
                saved = services.document_save(
                    actor=membership,
                    document=document,
                    based_on=based_on,
                    title=form.cleaned_data["title"],
                    paragraphs=form.paragraphs(),
                    attachments=form.attachment_names(),
                    note=form.cleaned_data["note"],
                    summary=form.cleaned_data.get("summary", ""),
                )
            if parties_changed:
                document.refresh_from_db()
                services.document_set_parties(
                    actor=membership,
                    document=document,
                    parties=form.parties(),
                    urgency=form.cleaned_data.get("urgency", ""),
                    sign_order=form.cleaned_data.get("sign_order") or document.sign_order,
                )
    except services.StaleSave as exc:
        data = request.POST.copy()
        data["based_on"] = str(exc.current.number)
        stale_form = _form(request, membership, data, **kwargs)
        stale_form.is_valid()
        stale_form.add_error(None, exc.message)
        return _edit_page(request, document, stale_form, _stale_context(exc.current, form))
    except ApplicationError as exc:
        add_service_error(form, exc)
        return _edit_page(request, document, form)
    message = f"已保存为第 {saved.number} 稿。" if saved else "发文机关和主送抄送已保存。"
    if live:
        message += f"原有 {live} 份会签因正文或发文机关改动已作废，需重新送签。"
        messages.warning(request, message)
    else:
        messages.success(request, message)
    return redirect("documents:detail", document.pk)


def _edit_page(
    request: HttpRequest,
    document: OfficialDocument,
    form: DocumentForm,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context = {"form": form, "document": document, **(extra or {})}
    return render(request, "documents/edit.html", context)


# --- versions and comparison ------------------------------------------------------------------


@allowed_by(can_list_documents)
def document_versions(request: HttpRequest, pk: int) -> HttpResponse:
    """三(二): every version the person may see (a consulted unit: those sent to it)."""
    document = document_for(request.user, pk)
    view = sight(request.user, document)
    versions = selectors.version_rows(request.user, document, view=view)
    return render(
        request,
        "documents/versions.html",
        {"document": document, "versions": versions, "sight": view},
    )


def _number(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 9 else None


@allowed_by(can_list_documents)
def document_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """三(二): two versions paragraph by paragraph, changed words marked."""
    document = document_for(request.user, pk)
    a, b = _number(request, "a"), _number(request, "b")
    if a is None or b is None:
        messages.error(request, "请选择要比较的两个版本。")
        return redirect("documents:versions", document.pk)
    if a == b:
        messages.error(request, "请选择两个不同的版本进行比较。")
        return redirect("documents:versions", document.pk)
    old, new = sorted((a, b))
    older = version_for(request.user, document, old)
    newer = version_for(request.user, document, new)
    changes = paragraph_diff(older.paragraphs, newer.paragraphs)
    return render(
        request,
        "documents/compare.html",
        {
            "document": document,
            "older": older,
            "newer": newer,
            "changes": changes,
            "summary": diff_summary(changes),
            "title_changed": older.title != newer.title,
            "sight": sight(request.user, document),
        },
    )


# --- .docx import -----------------------------------------------------------------------------


def _main_to(text: str, units: list[Unit]) -> tuple[list[int], list[str]]:
    """The 主送 line of an imported draft: the joint meeting's units by name, the rest as text."""
    by_name = {u.name: u.pk for u in units}
    ids, names = [], []
    for part in text.replace("，", "、").replace(",", "、").split("、"):
        part = part.strip(" \t\u3000：:")
        if not part:
            continue
        if part in by_name and by_name[part] not in ids:
            ids.append(by_name[part])
        elif part not in names:
            names.append(part)
    return ids, names


@allowed_by(can_draft)
def document_import(request: HttpRequest) -> HttpResponse:
    """三(二): an existing Word draft read and shown for checking; nothing is saved yet."""
    require_draft(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = read_docx_draft(form.cleaned_data["file"].read())
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            request.session[IMPORT_SESSION_KEY] = {
                "title": draft.title,
                "main_to": draft.main_to,
                "paragraphs": draft.paragraphs,
                "attachments": draft.attachments,
                "note": draft.note,
                "warnings": draft.warnings,
                "name": form.cleaned_data["file"].name,
            }
            return redirect("documents:import_preview")
    return render(request, "documents/import.html", {"form": form})


@allowed_by(can_draft)
def document_import_preview(request: HttpRequest) -> HttpResponse:
    membership = require_draft(request.user)
    draft = request.session.get(IMPORT_SESSION_KEY)
    if not draft:
        messages.error(request, "没有待确认的导入文稿，请先上传 Word 文件。")
        return redirect("documents:import")
    form = ImportConfirmForm(request.POST or None, initial={"kind": "notice"})
    if request.method == "POST" and form.is_valid():
        main_ids, main_names = _main_to(draft["main_to"], _units(membership))
        try:
            document = services.document_create(
                actor=membership,
                kind=form.cleaned_data["kind"],
                title=draft["title"],
                paragraphs=draft["paragraphs"],
                parties=services.Parties(main_to_unit_ids=main_ids, main_to_names=main_names),
                attachments=draft["attachments"],
                note=draft["note"],
                summary="由 Word 文稿导入",
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            del request.session[IMPORT_SESSION_KEY]
            messages.success(
                request, "已导入为第 1 稿。请核对正文，并填写联合发文单位、主送和抄送。"
            )
            return redirect(reverse("documents:edit", args=[document.pk]))
    elif request.method == "POST":
        messages.error(request, form_errors(form))
    return render(
        request,
        "documents/import_preview.html",
        {
            "form": form,
            "draft": draft,
            "paragraphs": selectors.numbered(draft["paragraphs"]),
        },
    )


@require_POST
@allowed_by(can_draft)
def document_import_cancel(request: HttpRequest) -> HttpResponse:
    request.session.pop(IMPORT_SESSION_KEY, None)
    messages.info(request, "已放弃导入。")
    return redirect("documents:list")
