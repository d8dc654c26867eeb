"""Chinese names of audit actions, for the audit log (``incident.view`` → 查看事故).

Core knows no domain: each app names its own actions in an ``audit_labels.py`` module next to
its services, and core imports those modules once, when a label is first asked for (the audit
log's first page), not at start-up::

    # lianxi/incidents/audit_labels.py
    from lianxi.core.audit_labels import register_audit_labels

    register_audit_labels({"incident.view": "查看事故", ...})

A code is named once (the same code registered again with another label fails when the modules
are imported). A code nobody named is shown as it is: the trail never hides what was recorded.
``lianxi/core/tests/test_audit_labels.py`` fails for any ``audit_record(action=...)`` in the code
base that has no label.
"""

from collections.abc import Mapping

from django.utils.module_loading import autodiscover_modules

from .registry import Registry

labels: Registry[str] = Registry("audit action label")
_discovered = False


def register_audit_labels(names: Mapping[str, str]) -> None:
    for code, label in names.items():
        labels.register(code, label, origin=register_audit_labels)


def discover() -> None:
    """Imports every installed app's ``audit_labels`` module (once)."""
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("audit_labels")


def audit_action_labels() -> dict[str, str]:
    discover()
    return dict(labels.items())


def audit_action_label(code: str) -> str:
    """The action's Chinese name, or the code itself when nobody named it."""
    discover()
    return labels.get(code) or code


register_audit_labels(
    {
        "audit.archive": "归档审计记录",
        "audit.key_rotated": "轮换审计密钥",
        "calendar.year_set": "录入节假日安排",
        "download.file": "导出或下载文件",
        "login": "登录",
        "login.failed": "登录失败",
        "login.lockout": "登录失败次数过多，锁定",
        "logout": "退出登录",
        "otp.setup": "设置动态口令",
        "otp.setup_failed": "设置动态口令失败（验证码错误）",
        "otp.verify": "动态口令验证通过",
        "otp.verify_failed": "动态口令验证失败",
        "password.change": "修改密码",
        "password.change_failed": "修改密码失败（原密码错误）",
        "password.change_forced": "按要求修改密码（首次登录、重置或过期后）",
        "platform.backup": "备份平台数据",
        "platform.restore": "从备份恢复平台数据",
    }
)
