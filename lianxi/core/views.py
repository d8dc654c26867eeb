from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lianxi.core.dashboard import dashboard_for


def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and the benchmark's floor: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台: what waits for me and my unit."""
    return render(request, "core/home.html", {"dashboard": dashboard_for(request.user)})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
