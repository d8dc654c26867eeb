from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def rules_import_upload(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
