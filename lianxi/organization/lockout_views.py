"""登录锁定: the security administrator sees which accounts and addresses are locked out after
repeated failed logins, and lifts a lock (audited).

The security administrator's, not the secretariat's: GB/T 22239 8.1.4.2 访问控制 separates the
administrators, and the lockout is a security control (8.1.4.1 b 登录失败处理). The secretariat
still sees "已锁定" on its people page and may unlock the people it manages there.

The accounts are those of the administrator's own joint meeting; the addresses belong to no
joint meeting and are shown with counts only (how many failures, against how many accounts),
never the names tried.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianxi.core import lockout
from lianxi.core.access import allowed_by
from lianxi.core.exceptions import ApplicationError

from . import people_services as services
from .access import can_manage_lockouts, person_for, require_lockout_manager, visible_people


@never_cache
@allowed_by(can_manage_lockouts)
def lockouts(request: HttpRequest) -> HttpResponse:
    people = {
        m.user.username: m for m in visible_people(request.user).select_related("user", "unit")
    }
    accounts = [
        {"lock": lock, "person": people[lock.key]}
        for lock in lockout.locked_accounts(people)
        if lock.key in people
    ]
    return render(
        request,
        "organization/lockouts.html",
        {
            "accounts": accounts,
            "addresses": lockout.locked_addresses(),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "address_limit": lockout.address_limit(),
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


@require_POST
@allowed_by(can_manage_lockouts)
def lockout_account_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    manager, membership = person_for(request.user, pk)
    if services.person_unlock(actor=manager, membership=membership):
        messages.success(request, f"已解除 {membership.display_name} 的登录锁定。")
    else:
        messages.info(request, f"{membership.display_name} 的账号当前未被锁定。")
    return redirect("organization:lockouts")


@require_POST
@allowed_by(can_manage_lockouts)
def lockout_address_unlock(request: HttpRequest) -> HttpResponse:
    manager = require_lockout_manager(request.user)
    ip = str(request.POST.get("ip", ""))
    try:
        services.address_unlock(actor=manager, ip=ip)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if lockout.address_locked(ip.strip()):
            messages.warning(
                request,
                f"地址 {ip.strip()} 仍处于锁定：其余失败记录针对的账号本身已被锁定，"
                "请先在下方解除这些账号的锁定。",
            )
        else:
            messages.success(request, f"已解除地址 {ip.strip()} 的登录锁定。")
    return redirect("organization:lockouts")
