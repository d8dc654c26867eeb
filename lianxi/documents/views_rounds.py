"""Comment rounds (征求意见, 三(二)): pages. Thin: access, one service, render.

- the document page's section (`rounds_section`): each round with its version, deadline, units
  and their status; the drafter's send form, the routing's suggested units checked;
- the consulted unit's reply page: the version sent to it, paragraphs numbered, comment rows
  anchored to paragraphs, 无意见 / 不同意, the member's approval;
- the 意见采纳情况表 page, where the drafter decides each comment, and its .xlsx and .docx.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from lianxi.core.access import allowed_by
from lianxi.core.downloads import download_response
from lianxi.core.exceptions import ApplicationError
from lianxi.core.pages import add_service_error, form_errors, run_action, run_form_action
from lianxi.organization.access import require_membership
from lianxi.organization.selectors import member_units

from . import adoption
from .access import (
    DocumentSight,
    adoption_scope,
    can_list_documents,
    comment_for,
    consultation_for,
    document_for,
    may_approve_reply,
    may_decide,
    may_reply,
    reply_for,
    sight,
)
from .forms_rounds import (
    BLANK_ROWS,
    MORE_ROWS,
    DecideForm,
    ReplyForm,
    RoundSendForm,
    reply_initial,
)
from .models import Consultation, OfficialDocument, UnitReply
from .rendering import DOCX
from .selectors_rounds import adoption_counts, adoption_rows, paragraph_label, rounds_for
from .services.consultation import (
    FINAL,
    comment_decide,
    consultation_close,
    consultation_send,
    consultation_suggested_units,
    reply_approve,
    reply_draft,
)
from .views_issuing import XLSX, back_to

ISSUED = (OfficialDocument.Status.ISSUED, OfficialDocument.Status.WITHDRAWN)
# The 意见采纳情况表's downloads: what builds the file, and its content type.
ADOPTION_FORMATS = {"xlsx": (adoption.adoption_xlsx, XLSX), "docx": (adoption.adoption_docx, DOCX)}


def _unit_choices(document: OfficialDocument) -> list[tuple[int, str]]:
    units = member_units(document.mechanism_id, excluding=document.drafting_unit_id)
    return [(u.pk, u.name) for u in units]


def _may_send(document: OfficialDocument, editable: bool, rounds: list[Any]) -> bool:
    return (
        editable
        and document.status == OfficialDocument.Status.DRAFT
        and not any(r.consultation.status == Consultation.Status.OPEN for r in rounds)
    )


def rounds_section(
    request: HttpRequest, document: OfficialDocument, *, view: DocumentSight, editable: bool
) -> dict[str, Any]:
    """The detail page's context for its comment-rounds section (documents/_rounds.html): the
    drafting side sees every round and unit; a consulted unit its own rounds and reply. `view`
    and `editable` (access.sight, access.may_edit) are the page's, decided once."""
    if view.insider:
        rounds = rounds_for(document)
    elif view.membership is not None:
        rounds = rounds_for(document, unit_id=view.membership.unit_id)
    else:
        rounds = []
    send_form = None
    send_units: list[dict[str, Any]] = []
    if _may_send(document, editable, rounds):
        suggestions = {s.unit.pk: s.reason for s in consultation_suggested_units(document)}
        choices = _unit_choices(document)
        send_form = RoundSendForm(
            initial={"units": list(suggestions), "silence_is_consent": True},
            unit_choices=choices,
        )
        send_units = [
            {"id": pk, "name": name, "checked": pk in suggestions, "reason": suggestions.get(pk)}
            for pk, name in choices
        ]
    has_comments = any(r.comment_count for r in rounds)
    return {
        "rounds_section": {
            "rounds": rounds,
            "insider": view.insider,
            "drafter": view.drafter,
            "send_form": send_form,
            "send_units": send_units,
            "has_comments": has_comments,
            "own_unit_id": view.membership.unit_id if view.membership else None,
        }
    }


@require_POST
@allowed_by(can_list_documents)
def round_send(request: HttpRequest, pk: int) -> HttpResponse:
    document = document_for(request.user, pk)
    form = RoundSendForm(request.POST, unit_choices=_unit_choices(document))
    run_form_action(
        request,
        form,
        lambda: consultation_send(
            actor=require_membership(request.user),
            document=document,
            unit_ids=form.cleaned_data["units"],
            deadline_workdays=form.cleaned_data["deadline_workdays"],
            note=form.cleaned_data["note"],
            silence_is_consent=form.cleaned_data["silence_is_consent"],
        ),
        "已发出征求意见。",
    )
    return back_to(document.pk, "rounds")


@require_POST
@allowed_by(can_list_documents)
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    consultation = consultation_for(request.user, pk)
    run_action(
        request,
        lambda: consultation_close(
            actor=require_membership(request.user), consultation=consultation
        ),
        "本轮征求意见已结束。",
    )
    return back_to(consultation.document_id, "rounds")


def _row_count(request: HttpRequest, reply: UnitReply) -> int:
    """Rows for the reply form: the draft's comments and some blank ones; "增加 5 行" adds more."""
    source = request.POST if request.method == "POST" else request.GET
    try:
        asked = int(source.get("rows", "0"))
    except ValueError:
        asked = 0
    drafted = reply.comments.count()
    rows = max(asked, drafted + BLANK_ROWS, BLANK_ROWS)
    if request.method == "POST" and "more_rows" in request.POST:
        rows += MORE_ROWS
    return rows


def _paragraph_param(request: HttpRequest, count: int) -> int | None:
    try:
        index = int(request.GET.get("paragraph", ""))
    except ValueError:
        return None
    return index if 0 <= index < count else None


@allowed_by(can_list_documents)
def reply_page(request: HttpRequest, pk: int) -> HttpResponse:
    """三(二): the consulted unit's page, the version sent to it (never a later draft)."""
    reply = reply_for(request.user, pk)
    consultation = reply.consultation
    document = consultation.document
    membership = require_membership(request.user)
    own = membership.unit_id == reply.unit_id
    # The drafting side sees a unit's answer once it went, not the unit's own draft.
    shows_answer = own or reply.status in FINAL
    paragraphs = consultation.version.paragraphs
    editable = own and may_reply(request.user, reply) and reply.status not in FINAL
    form = None
    status = 200
    if editable:
        rows = _row_count(request, reply)
        if request.method == "POST":
            form = ReplyForm(request.POST, paragraphs=paragraphs, row_count=rows)
            if "more_rows" in request.POST:
                # Only more rows: the page again with what was typed, nothing saved.
                typed = {**request.POST.dict(), "rows": rows}
                typed.pop("csrfmiddlewaretoken", None)
                form = ReplyForm(initial=typed, paragraphs=paragraphs, row_count=rows)
            elif form.is_valid():
                try:
                    reply_draft(
                        actor=membership,
                        reply=reply,
                        stance=form.cleaned_data["stance"],
                        reasons=form.cleaned_data["reasons"],
                        comments=form.comments(),
                        submit="submit" in request.POST,
                    )
                except ApplicationError as exc:
                    add_service_error(form, exc)
                    messages.error(request, exc.message)
                    status = 400
                else:
                    messages.success(
                        request,
                        "反馈已报送。" if "submit" in request.POST else "反馈草稿已保存。",
                    )
                    return redirect("documents:reply", reply.pk)
            else:
                messages.error(request, form_errors(form))
                status = 400
        else:
            picked = _paragraph_param(request, len(paragraphs))
            form = ReplyForm(
                initial=reply_initial(reply, picked, rows), paragraphs=paragraphs, row_count=rows
            )
    elif request.method == "POST":
        messages.error(
            request,
            "本单位的反馈已报送或本轮征求意见已结束，不能再修改。"
            if own
            else "只有被征求意见单位的联络员或成员可以填写反馈。",
        )
        return redirect("documents:reply", reply.pk)
    comments = list(reply.comments.all()) if shows_answer else []
    anchored: dict[int, int] = {}
    for comment in comments:
        if comment.paragraph is not None:
            anchored[comment.paragraph] = anchored.get(comment.paragraph, 0) + 1
    context = {
        "reply": reply,
        "consultation": consultation,
        "document": document,
        "version": consultation.version,
        "paragraphs": [
            {"index": i, "number": i + 1, "text": text, "comments": anchored.get(i, 0)}
            for i, text in enumerate(paragraphs)
        ],
        "own": own,
        "shows_answer": shows_answer,
        "comments": [{"comment": c, "paragraph": paragraph_label(c.paragraph)} for c in comments],
        "form": form,
        "comment_rows": form.comment_rows() if form else [],
        "can_approve": own
        and reply.status == UnitReply.Status.DRAFTED
        and may_approve_reply(request.user, reply),
        "can_submit_at_once": editable and may_approve_reply(request.user, reply),
        "later_drafts": sight(request.user, document).insider
        and document.version > consultation.version.number,
    }
    return render(request, "documents/reply.html", context, status=status)


@require_POST
@allowed_by(can_list_documents)
def reply_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    reply = reply_for(request.user, pk)
    run_action(
        request,
        lambda: reply_approve(actor=require_membership(request.user), reply=reply),
        "反馈已审核报送。",
    )
    return redirect("documents:reply", reply.pk)


@allowed_by(can_list_documents)
def adoption_page(request: HttpRequest, pk: int) -> HttpResponse:
    """三(二): the 意见采纳情况表; the drafter decides each comment inline."""
    document = document_for(request.user, pk)
    unit_id = adoption_scope(request.user, document)
    rows = adoption_rows(document, unit_id=unit_id)
    decides = sight(request.user, document).drafter and document.status not in ISSUED
    entries = [
        {
            "row": row,
            "form": DecideForm(
                initial={
                    "decision": row.comment.decision,
                    "reason": row.comment.decision_reason,
                },
                prefix=f"c{row.comment.pk}",
            )
            if decides and row.comment is not None
            else None,
        }
        for row in rows
    ]
    return render(
        request,
        "documents/adoption.html",
        {
            "document": document,
            "entries": entries,
            "counts": adoption_counts(rows),
            "decides": decides,
            "whole": unit_id is None,
        },
    )


@require_POST
@allowed_by(can_list_documents)
def comment_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    comment = comment_for(request.user, pk)
    document = comment.reply.consultation.document
    form = DecideForm(request.POST, prefix=f"c{comment.pk}")
    if may_decide(request.user, comment):
        run_form_action(
            request,
            form,
            lambda: comment_decide(
                actor=require_membership(request.user),
                comment=comment,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            ),
            "已记录处理意见。",
        )
    else:
        messages.error(request, "只有起草单位可以处理修改意见。")
    return redirect(reverse("documents:adoption", args=[document.pk]) + f"#comment-{comment.pk}")


@allowed_by(can_list_documents)
def adoption_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The 意见采纳情况表 as .xlsx or .docx (`fmt`, given by its URL), scoped as its page."""
    document = document_for(request.user, pk)
    unit_id = adoption_scope(request.user, document)
    build, content_type = ADOPTION_FORMATS[fmt]
    return download_response(
        build(document, unit_id=unit_id),
        filename=adoption.filename_of(document, fmt),
        ascii_filename=f"adoption-{document.pk}.{fmt}",
        actor=require_membership(request.user),
        target=document,
        content_type=content_type,
    )
