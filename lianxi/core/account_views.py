from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
