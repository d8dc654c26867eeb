"""人员管理: the secretariat and the security administrator manage people and memberships.

Thin: check who asks, call one service from people_services, render. The auditor and every
other role get 403; a visitor who is not logged in goes to the login page.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianxi.core import lockout
from lianxi.core.exceptions import ApplicationError
from lianxi.core.pages import add_service_error, form_errors

from . import people_services as services
from .access import (
    PEOPLE_MANAGERS,
    manages_lockouts,
    person_for,
    require_role,
    role_required,
    visible_people,
)
from .models import Membership
from .people_forms import (
    MembershipChangeForm,
    PasswordResetForm,
    PeopleFilterForm,
    PersonCreateForm,
)

PAGE_SIZE = 50


def people_queryset(user: Any) -> QuerySet[Membership]:
    return (
        visible_people(user)
        .select_related("user", "unit")
        .order_by("unit__order", "unit_id", "role", "id")
    )


def locked_usernames(usernames: Iterable[str]) -> set[str]:
    """Which of these accounts are locked out now (core.lockout: by account, from any address)."""
    return lockout.locked_usernames(usernames)


def _manager(request: HttpRequest) -> Membership:
    return require_role(request.user, *PEOPLE_MANAGERS)


def _person(request: HttpRequest, pk: int) -> tuple[Membership, Membership]:
    return person_for(request.user, pk)


@role_required(*PEOPLE_MANAGERS)
def people_list(request: HttpRequest) -> HttpResponse:
    """人员 list with filters by unit, role and state."""
    manager = _manager(request)
    form = PeopleFilterForm(request.GET or None, mechanism_id=manager.unit.mechanism_id)
    people = people_queryset(request.user)
    if form.is_valid():
        if form.cleaned_data["unit"]:
            people = people.filter(unit_id=form.cleaned_data["unit"])
        if form.cleaned_data["role"]:
            people = people.filter(role=form.cleaned_data["role"])
        if form.cleaned_data["active"] in ("0", "1"):
            people = people.filter(active=form.cleaned_data["active"] == "1")
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    locked = locked_usernames(m.user.username for m in page)
    rows = [
        {
            "m": m,
            "manageable": services.can_manage(manager, m),
            "locked": m.user.username in locked,
        }
        for m in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "organization/people.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_create": bool(services.roles_manageable_by(manager)),
            "can_manage_lockouts": manages_lockouts(manager),
        },
    )


@never_cache
@role_required(*PEOPLE_MANAGERS)
def person_create(request: HttpRequest) -> HttpResponse:
    manager = _manager(request)
    roles = services.roles_manageable_by(manager)
    form = PersonCreateForm(
        request.POST or None, roles=roles, mechanism_id=manager.unit.mechanism_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            membership, password = services.person_create(
                actor=manager,
                username=data["username"],
                name=data["name"],
                unit=data["unit"],
                role=data["role"],
                email=data["email"],
                phone=data["phone"],
                title=data["title"],
                password=data["password"] or None,
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已创建 {membership.display_name} 的账号。")
            _keep_password_for_one_display(request, membership, password, created=True)
            return redirect("organization:person_edit", pk=membership.pk)
    return render(request, "organization/people_form.html", {"form": form, "person": None})


ONE_TIME_SECRET_KEY = "organization:shown_once"  # noqa: S105 (a session key, not a secret)


def _keep_password_for_one_display(
    request: HttpRequest, membership: Membership, password: str, *, created: bool
) -> None:
    """Post/redirect/get: a refresh must not create the account (or reset the password) again,
    yet the password is shown once. It waits in the server-side session (never in a message, a
    cookie or a log) until the person's page shows it, which removes it."""
    request.session[ONE_TIME_SECRET_KEY] = {
        "pk": membership.pk,
        "password": password,
        "created": created,
    }


def _password_to_show(request: HttpRequest, membership: Membership) -> dict[str, Any] | None:
    kept = request.session.get(ONE_TIME_SECRET_KEY)
    if not kept or kept.get("pk") != membership.pk:
        return None
    del request.session[ONE_TIME_SECRET_KEY]
    return {"password": kept["password"], "created": kept["created"]}


@never_cache
@role_required(*PEOPLE_MANAGERS)
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    manager, membership = _person(request, pk)
    roles = services.roles_manageable_by(manager)
    initial = {
        "unit": membership.unit_id,
        "role": membership.role,
        "name": membership.user.first_name,
        "title": membership.title,
        "phone": membership.phone,
        "email": membership.user.email,
    }
    form = MembershipChangeForm(
        request.POST or None, roles=roles, initial=initial, mechanism_id=manager.unit.mechanism_id
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_change(
                actor=manager,
                membership=membership,
                unit=data["unit"],
                role=data["role"],
                title=data["title"],
                phone=data["phone"],
                name=data["name"],
                email=data["email"],
            )
        except ApplicationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"已保存 {membership.display_name} 的信息。")
            return redirect("organization:person_edit", pk=membership.pk)
    return render(
        request,
        "organization/people_form.html",
        {
            "form": form,
            "person": membership,
            "password_form": PasswordResetForm(),
            "locked": bool(locked_usernames([membership.user.username])),
            "shown_password": _password_to_show(request, membership)
            if request.method == "GET"
            else None,
        },
    )


@never_cache
@require_POST
@role_required(*PEOPLE_MANAGERS)
def person_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    manager, membership = _person(request, pk)
    form = PasswordResetForm(request.POST)
    if form.is_valid():
        try:
            password = services.person_password_reset(
                actor=manager, membership=membership, password=form.cleaned_data["password"] or None
            )
        except ApplicationError as exc:
            messages.error(request, f"密码未重置：{exc.message}")
        else:
            _keep_password_for_one_display(request, membership, password, created=False)
    else:
        messages.error(request, f"密码未重置：{form_errors(form)}")
    return redirect("organization:person_edit", pk=membership.pk)


@require_POST
@role_required(*PEOPLE_MANAGERS)
def person_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    manager, membership = _person(request, pk)
    try:
        services.person_deactivate(actor=manager, membership=membership)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已停用 {membership.display_name} 的账号，其历史记录保留。")
    return redirect("organization:person_edit", pk=membership.pk)


@require_POST
@role_required(*PEOPLE_MANAGERS)
def person_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    manager, membership = _person(request, pk)
    try:
        services.person_reactivate(actor=manager, membership=membership)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已恢复 {membership.display_name} 的账号。")
    return redirect("organization:person_edit", pk=membership.pk)


@require_POST
@role_required(*PEOPLE_MANAGERS)
def person_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    manager, membership = _person(request, pk)
    removed = services.person_unlock(actor=manager, membership=membership)
    if removed:
        messages.success(request, f"已解除 {membership.display_name} 的登录锁定。")
    else:
        messages.info(request, f"{membership.display_name} 的账号当前未被锁定。")
    return redirect("organization:person_edit", pk=membership.pk)


@require_POST
@role_required(*PEOPLE_MANAGERS)
def person_otp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    manager, membership = _person(request, pk)
    if services.person_otp_reset(actor=manager, membership=membership):
        messages.success(
            request, f"已重置 {membership.display_name} 的身份验证器，其下次登录时需重新设置。"
        )
    else:
        messages.info(request, f"{membership.display_name} 尚未设置身份验证器。")
    return redirect("organization:person_edit", pk=membership.pk)
