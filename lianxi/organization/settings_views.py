"""联席会议设置 (四(三), 三(一)1): the cadences and deadlines the rules set, each with its clause,
for the secretariat to confirm or correct. Thin: access, the form, one service."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from lianxi.core.exceptions import ApplicationError
from lianxi.core.pages import add_service_error

from . import selectors
from .access import require_role, role_required
from .models import Membership
from .settings_forms import MechanismSettingsForm
from .settings_services import mechanism_settings_update

Role = Membership.Role


@never_cache
@role_required(Role.SECRETARIAT)
def settings_page(request: HttpRequest) -> HttpResponse:
    membership = require_role(request.user, Role.SECRETARIAT)
    mechanism = membership.unit.mechanism
    form = MechanismSettingsForm(
        request.POST or None, initial=MechanismSettingsForm.initial_of(mechanism)
    )
    if request.method == "POST" and form.is_valid():
        try:
            mechanism_settings_update(actor=membership, **form.cleaned_data)
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "已确认联席会议设置。")
            return redirect("organization:settings")
    rows = selectors.settings_rows(mechanism)
    return render(
        request,
        "organization/settings.html",
        {
            "mechanism": mechanism,
            "rows": rows,
            "form": form,
            "missing": [row for row in rows if row.missing],
        },
    )
