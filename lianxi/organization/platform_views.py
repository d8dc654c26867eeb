"""平台管理: the platform operator opens a joint meeting (a county's, a province's) from its rules.

Thin: the operator check, one service (mechanism_services.mechanism_create), render. Everyone
else gets 404: the page does not exist for them.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from lianxi.core.exceptions import ApplicationError

from .access import is_platform_operator
from .forms import MechanismCreateForm
from .importer import MAX_BYTES, parse_rules
from .mechanism_services import free_username, mechanism_create
from .models import Mechanism


def _mechanisms() -> list[Mechanism]:
    return list(
        Mechanism.objects.annotate(
            member_units=Count("units", filter=Q(units__kind="member", units__active=True)),
            secretariat_people=Count(
                "units__memberships",
                filter=Q(units__memberships__role="secretariat", units__memberships__active=True),
            ),
        ).order_by("id")
    )


@never_cache
@login_required
def platform(request: HttpRequest) -> HttpResponse:
    if not is_platform_operator(request.user):
        raise Http404("页面不存在")
    form = MechanismCreateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_BYTES:
            form.add_error("file", "文件太大，工作规则文件不应超过 5 MB。")
        else:
            try:
                parsed = parse_rules(upload.read(), filename=upload.name or "")
                created = mechanism_create(
                    parsed=parsed,
                    username=form.cleaned_data["username"] or free_username(),
                    actor=request.user,
                    source_name=upload.name or "",
                )
            except ApplicationError as exc:
                form.add_error("username" if exc.field == "username" else "file", exc.message)
            else:
                # The password is shown once, in this response only.
                return render(request, "organization/platform_created.html", {"created": created})
    return render(
        request, "organization/platform.html", {"form": form, "mechanisms": _mechanisms()}
    )
