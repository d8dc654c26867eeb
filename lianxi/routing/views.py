"""“谁来管”: route a matter to the units whose duties cover it (二(四), annex)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from lianxi.core.exceptions import ApplicationError
from lianxi.core.text import text_problem

from . import access, selectors, services
from .actions import suggestion_links
from .forms import ThesaurusEntryForm
from .likelihood import shown_units
from .models import ThesaurusEntry

TEXT_MAX = 2000


def _text(request: HttpRequest, *names: str) -> str:
    return " ".join(request.GET.get(n, "").strip() for n in names).strip()[:TEXT_MAX]


@login_required
def page(request: HttpRequest) -> HttpResponse:
    membership = access.require_router(request.user)
    raw = request.GET.get("text", "").strip()
    text = raw[:TEXT_MAX]
    # The platform's text policy on the one field this page reads without a form.
    problem = text_problem(raw, "paragraph")
    if problem is None and len(raw) > TEXT_MAX:
        problem = f"不超过 {TEXT_MAX} 个字，请删减后再查。"
    error = f"事项{problem}" if problem else ""
    if problem:
        text = ""
    result = selectors.route(membership.unit.mechanism, text) if text else None
    # The examples are real matters (draft agendas, incidents) other units may not open: only
    # the secretariat, who decided them, is shown their words.
    context = {
        "text": text,
        "result": result,
        "units": shown_units(result) if result else [],
        "actions": suggestion_links(request.user, result) if result else [],
        "show_examples": access.can_see_examples(request.user),
        "error": error,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "routing/_result.html", context)
    return render(request, "routing/page.html", context, status=400 if error else 200)


@login_required
def suggest(request: HttpRequest) -> HttpResponse:
    """The suggestion beside a form where a clerk assigns units (an HTMX fragment)."""
    membership = access.require_router(request.user)
    # The forms name their text differently: an item's title and description, an agreed
    # matter's text, a topical meeting's topic.
    text = _text(request, "title", "description", "text", "topic")
    if text_problem(text, "paragraph") is not None:
        text = ""  # the form it sits beside refuses the field and says why
    result = selectors.route(membership.unit.mechanism, text) if text else None
    return render(request, "routing/_suggest.html", {"text": text, "result": result})


@login_required
def thesaurus(request: HttpRequest) -> HttpResponse:
    membership = access.require_router(request.user)
    mechanism = membership.unit.mechanism
    editor = access.can_edit_thesaurus(request.user)
    values = {"term": "", "targets": "", "note": ""}
    error = None
    status = 200
    if request.method == "POST":
        membership = access.require_thesaurus_editor(request.user)
        values = {k: request.POST.get(k, "") for k in values}
        form = ThesaurusEntryForm(request.POST)
        if not form.is_valid():
            # The first problem, named by its field: the page shows one line above the form.
            name, problems = next(iter(form.errors.items()))
            error = f"{form.fields[name].label}：{problems[0]}"
            status = 400
        else:
            try:
                entry = services.thesaurus_entry_create(
                    mechanism=mechanism, **form.cleaned_data, actor=membership
                )
            except ApplicationError as exc:
                error = exc.message
                status = 400
            else:
                messages.success(request, f"已添加词条“{entry.term}”，分办即时生效。")
                return redirect("routing:thesaurus")
    entries = list(selectors.thesaurus_entries(mechanism))
    return render(
        request,
        "routing/thesaurus.html",
        {"entries": entries, "editor": editor, "values": values, "error": error},
        status=status,
    )


@require_POST
@login_required
def thesaurus_delete(request: HttpRequest, pk: int) -> HttpResponse:
    membership = access.require_thesaurus_editor(request.user)
    entry = get_object_or_404(ThesaurusEntry, pk=pk, mechanism=membership.unit.mechanism)
    services.thesaurus_entry_delete(entry=entry, actor=membership)
    messages.success(request, f"已删除词条“{entry.term}”。")
    return redirect("routing:thesaurus")
