from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .access import require_searcher
from .forms import SearchForm
from .registry import registrations
from .selectors import SearchPage, search


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    membership = require_searcher(request.user)
    form = SearchForm(request.GET or None, mechanism_id=membership.unit.mechanism_id)
    result = SearchPage(query="", words=[])
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        unit = data.get("unit")
        result = search(
            request.user,
            data.get("q") or "",
            kinds=data.get("kind") or None,
            unit_id=unit.pk if unit else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            page=data.get("page") or 1,
        )
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    without_kind = request.GET.copy()
    without_kind.pop("page", None)
    without_kind.pop("kind", None)
    return render(
        request,
        "search/search.html",
        {
            "form": form,
            "result": result,
            "base_query": base,
            "kind_query": without_kind.urlencode(),
            "kind_labels": [r.label for r in registrations()],
            "example": urlencode({"q": "职业病防治"}),
        },
    )
