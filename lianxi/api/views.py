"""接口令牌 (/account/tokens/): a person's API tokens — list, issue (shown once), revoke.

The secretariat and the security administrator also see and revoke every token of their joint
meeting (access.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianxi.core.exceptions import ApplicationError
from lianxi.core.pages import add_service_error

from . import access, selectors, services
from .forms import TokenForm


@never_cache
@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    if not access.can_use_token_page(request.user):
        raise PermissionDenied("您的账号当前未在任何联席会议中任职，不能使用接口令牌。")
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row, token = services.api_token_create_for_self(
                user=request.user,
                name=data["name"],
                access=data["access"],
                scopes=data["scopes"],
                days=data["days"],
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            # Shown in this response only, never stored: no redirect that could show it again.
            issued = {"row": row, "token": token}
            form = TokenForm()
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "issued": issued,
            "rows": selectors.token_rows(
                selectors.tokens_for_list(access.visible_tokens(request.user))
            ),
            "manager": access.can_manage_tokens(request.user),
            "second_factor_missing": access.second_factor_missing(request.user),
        },
        status=400 if request.method == "POST" and issued is None else 200,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = access.token_for(request.user, pk)
    try:
        services.api_token_revoke(token=token, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"已吊销令牌 {token.prefix}（{token.name or '未写用途'}），它立即失效。"
        )
    return redirect("api_tokens:list")
