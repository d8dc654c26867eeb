from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@login_required
def dead_letters(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
