"""System checks of core (`lianxi check --deploy` shows the deploy-tagged ones)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def audit_checkpoints_outside_the_data(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """GB/T 22239-2019 8.1.4.3 c: the checkpoints are the witness of the audit chain outside
    the database; kept in the same data directory (same disk, same account, same backups)
    with no syslog copy, whoever can rewrite the database can delete them too."""
    if settings.LIANXI_AUDIT_SYSLOG:
        return []
    directory = Path(settings.LIANXI_AUDIT_CHECKPOINT_DIR).resolve()
    data = Path(settings.DATA_DIR).resolve()
    if directory != data and data not in directory.parents:
        return []
    return [
        Warning(
            f"审计检查点目录 {directory} 在数据目录 {data} 之内，且没有设置 LIANXI_AUDIT_SYSLOG："
            "能改写数据库的人也能删改检查点，检查点起不到见证作用。",
            hint=(
                "请把 LIANXI_AUDIT_CHECKPOINT_DIR 设为另一块磁盘或另一台主机上的目录（平台只需"
                "追加写入），或设置 LIANXI_AUDIT_SYSLOG（/dev/log 或 主机:端口），"
                "把检查点同时发到 syslog。"
            ),
            id="core.W001",
        )
    ]


@register(Tags.security, deploy=True)
def trusted_proxies_named(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """GB/T 22239-2019 8.1.4.1 b 登录失败处理 and 8.1.4.3 安全审计: behind the reverse proxy the
    README recommends, every request comes from the proxy's address until the proxy is named;
    then twenty failed logins from anyone lock the address for everyone, and the audit trail
    records the proxy instead of the person's address."""
    from config.settings.env import PRODUCTION

    if not PRODUCTION or settings.LIANXI_TRUSTED_PROXIES:
        return []
    return [
        Warning(
            "没有设置 LIANXI_TRUSTED_PROXIES：若平台部署在反向代理（nginx 等）之后，所有请求都会"
            "被当作来自代理的地址——任何人连续登录失败即可锁住全体人员的登录，审计日志也记不下"
            "真实的来访地址。",
            hint=(
                "请把反向代理的地址（如 127.0.0.1 或 10.0.0.5/32，多个用逗号分隔）写入 "
                "LIANXI_TRUSTED_PROXIES 后重启平台。"
            ),
            id="core.W002",
        )
    ]
