"""Inbox, 消息设置 and the secretariat's dead letters: check access, call one service, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from lianxi.core.downloads import download_response
from lianxi.core.exceptions import ApplicationError
from lianxi.organization.access import role_required

from . import selectors, services
from .access import DEAD_LETTER_ROLES, visible_outbox
from .forms import NotificationSettingsForm
from .mail_files import mail_dir
from .models import Delivery
from .settings_links import settings_links_for

PAGE_SIZE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """收件箱: my messages, unread in bold, newest first."""
    unread_only = request.GET.get("unread") == "1"
    items = selectors.inbox_items(user=request.user, unread_only=unread_only)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "items": page.object_list, "unread_only": unread_only},
    )


def _own_item(request: HttpRequest, pk: int) -> Delivery:
    item = selectors.inbox_item(user=request.user, pk=pk)
    if item is None:
        raise Http404("没有这条消息。")
    return item


@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    """One message; opening it marks it read."""
    delivery = _own_item(request, pk)
    services.inbox_mark_read(user=request.user, delivery=delivery)
    return render(request, "notifications/item.html", {"item": delivery})


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = _own_item(request, pk)
    services.inbox_mark_read(user=request.user, delivery=delivery)
    if request.htmx:  # type: ignore[attr-defined]
        # The row, and the header's unread count swapped out of band.
        return render(request, "notifications/_mark_read.html", {"item": delivery})
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.inbox_mark_all_read(user=request.user)
    messages.success(request, f"已将 {count} 条消息标记为已读。" if count else "没有未读消息。")
    return redirect("notifications:inbox")


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """消息设置: what each channel asks (e-mail on/off, a webhook for a chat robot, …)."""
    prefs = services.notification_settings_of(request.user)
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.notification_settings_update(user=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, "消息设置已保存。")
                return redirect("notifications:settings")
    else:
        form = NotificationSettingsForm(initial=NotificationSettingsForm.initial_from(prefs))
    return render(
        request,
        "notifications/settings.html",
        {
            "form": form,
            "prefs": prefs,
            "sections": form.sections(request.user),
            "links": settings_links_for(request.user),
        },
    )


@login_required
@require_POST
def send_test(request: HttpRequest) -> HttpResponse:
    """Send myself a test message through every channel my settings name."""
    with transaction.atomic():
        services.notify(
            recipients=[request.user],
            kind="test",
            subject="测试消息",
            body="这是一条测试消息。收到它，说明您的消息设置可以正常使用。",
            url="/messages/settings/",
            actor=request.user,
        )
    messages.success(request, "测试消息已发出，请查看收件箱、邮箱或机器人所在的群。")
    return redirect("notifications:settings")


@role_required(*DEAD_LETTER_ROLES)
def dead_letters(request: HttpRequest) -> HttpResponse:
    """投递失败: deliveries that failed for good, with the reason; the secretariat can retry."""
    letters = selectors.dead_letters(request.user)
    page = Paginator(letters, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/dead_letters.html",
        {
            "page": page,
            "items": page.object_list,
            "stats": selectors.outbox_stats(request.user),
            "retrying": list(selectors.retrying_deliveries(request.user)[:PAGE_SIZE]),
            "max_attempts": settings.LIANXI_DELIVERY_MAX_ATTEMPTS,
            "local_mode": mail_dir() is not None,
            "local_mail": selectors.local_mail(request.user),
        },
    )


@role_required(*DEAD_LETTER_ROLES)
def local_mail(request: HttpRequest, name: str) -> HttpResponse:
    """本机邮件: one mail local mode wrote to a file, shown as a reader would see it; with
    ?download=1 the .eml itself, for a mail program."""
    mail = selectors.opened_local_mail(request.user, name)
    if mail is None:
        raise Http404("没有这封邮件。")
    if request.GET.get("download") == "1":
        return download_response(
            mail.raw, filename=mail.name, actor=request.user, content_type="message/rfc822"
        )
    return render(request, "notifications/local_mail.html", {"mail": mail})


@role_required(*DEAD_LETTER_ROLES)
@require_POST
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(visible_outbox(request.user), pk=pk)
    try:
        services.delivery_retry(delivery=delivery, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已重新投递给 {delivery.user.first_name or delivery.user}。")
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        # A URL, never a view name: redirect("甲") tried to reverse it (a 500, issue 17 sweep).
        return HttpResponseRedirect(target)
    return redirect("notifications:dead_letters")
