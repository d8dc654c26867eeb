"""The secretariat's rules import: upload, preview what will change, confirm (annex; 四(一)).

Nothing is written until the preview is confirmed. Between the two requests the uploaded bytes
wait in a file under ``DATA_DIR/rules-import`` named by a random token that only this session
knows, with the bytes' SHA-256 kept in the session; confirming re-reads, checks and re-parses
them before applying.
"""

import hashlib
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lianxi.core.access import allowed_by
from lianxi.core.exceptions import ApplicationError

from .access import can_import_rules, membership_of, require_membership
from .forms import RulesUploadForm
from .importer import MAX_BYTES, RulesParseError, parse_rules
from .models import Mechanism
from .services import rules_import_apply, rules_import_plan

SESSION_KEY = "organization.rules_import"
STASH_MAX_AGE = 24 * 3600
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def _stash_dir() -> Path:
    path = Path(settings.DATA_DIR) / "rules-import"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _stash_path(token: str) -> Path | None:
    if not _TOKEN_RE.match(token):
        return None
    return _stash_dir() / f"{token}.bin"


def _prune_stash() -> None:
    cutoff = time.time() - STASH_MAX_AGE
    for old in _stash_dir().glob("*.bin"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def _stash(request: HttpRequest, data: bytes, name: str) -> str:
    _prune_stash()
    _discard(request)
    token = secrets.token_urlsafe(24)
    path = _stash_path(token)
    assert path is not None
    path.write_bytes(data)
    request.session[SESSION_KEY] = {
        "token": token,
        "sha256": hashlib.sha256(data).hexdigest(),
        "name": name,
    }
    return token


def _discard(request: HttpRequest) -> None:
    stashed = request.session.pop(SESSION_KEY, None)
    if stashed:
        path = _stash_path(str(stashed.get("token", "")))
        if path is not None:
            path.unlink(missing_ok=True)


def _unstash(request: HttpRequest, token: str) -> tuple[bytes, str] | None:
    stashed = request.session.get(SESSION_KEY) or {}
    if not token or not secrets.compare_digest(str(stashed.get("token", "")), token):
        return None
    path = _stash_path(token)
    if path is None or not path.is_file():
        return None
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != stashed.get("sha256"):
        return None
    return data, str(stashed.get("name", ""))


@allowed_by(can_import_rules)
def rules_import_upload(request: HttpRequest) -> HttpResponse:
    """Upload a rules document; a preview lists what will change before anything is written."""
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    if request.method != "POST":
        return render(request, "organization/rules_import.html", {"form": RulesUploadForm()})
    form = RulesUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_BYTES:
            form.add_error(
                "file", f"文件太大（{upload.size // 1024} KB），工作规则文件不应超过 5 MB。"
            )
        else:
            data = upload.read()
            try:
                parsed = parse_rules(data, filename=upload.name or "")
            except RulesParseError as exc:
                form.add_error("file", exc.message)
            else:
                try:
                    plan = rules_import_plan(parsed=parsed, into=_mechanism(request))
                except ApplicationError as exc:
                    form.add_error("file", exc.message)
                    return render(request, "organization/rules_import.html", {"form": form})
                token = _stash(request, data, upload.name or "")
                return render(
                    request,
                    "organization/rules_import_preview.html",
                    {"parsed": parsed, "plan": plan, "token": token, "filename": upload.name},
                )
    return render(request, "organization/rules_import.html", {"form": form})


def _mechanism(request: HttpRequest) -> Mechanism:
    return require_membership(request.user).unit.mechanism


def _confirm(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token", "")
    if request.POST.get("action") == "cancel":
        _discard(request)
        messages.info(request, "已取消导入，未做任何修改。")
        return redirect("organization:rules_import")
    stashed = _unstash(request, token)
    if stashed is None:
        _discard(request)
        messages.error(request, "预览已失效（文件不存在或已被使用），请重新上传工作规则文件。")
        return redirect("organization:rules_import")
    data, name = stashed
    try:
        parsed = parse_rules(data, filename=name)
        plan = rules_import_apply(
            parsed=parsed,
            actor=membership_of(request.user),
            source_name=name,
            into=_mechanism(request),
        )
    except ApplicationError as exc:
        _discard(request)
        form = RulesUploadForm()
        form.add_error(None, exc.message)
        return render(request, "organization/rules_import.html", {"form": form})
    _discard(request)
    if plan.is_empty:
        messages.info(request, "上传的工作规则与现行规则相同，没有需要更新的内容。")
    else:
        c = plan.counts()
        messages.success(
            request,
            f"已导入《{parsed.title}》：新增单位 {c['units_new']} 个，"
            f"新增职责 {c['duties_new']} 项，"
            f"修改职责 {c['duties_changed']} 项，删除职责 {c['duties_removed']} 项。",
        )
    if plan.settings_changes or plan.settings_missing:
        # 四(三), 三(一)1: what the rules set is confirmed, and what they leave out is asked.
        messages.warning(request, "请核对规则所定的会议与报送设置，并补充规则未规定的内容。")
        return redirect("organization:settings")
    return redirect("organization:catalogue")
