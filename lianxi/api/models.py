from django.conf import settings
from django.db import models

from .scopes import ACCESS_CHOICES, WRITE


class ApiToken(models.Model):
    """An access token for the JSON API. Only its SHA-256 hash is kept, never the token.

    It obeys the rules a person does (issue 17; GB/T 22239-2019 8.1.4.1 身份鉴别 and 8.1.4.2
    访问控制): it expires, it may only read or also write, only the apps in `scopes`, and it
    stops with its owner's lockout, deactivation or the end of its membership (lianxi.api.auth).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name="账号",
    )
    # The joint meeting the token acts in, fixed when it is issued: a person in two joint
    # meetings holds a token for each, never one that reads both.
    membership = models.ForeignKey(
        "organization.Membership",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name="身份",
    )
    name = models.CharField("用途", max_length=100, blank=True)
    prefix = models.CharField("前缀", max_length=16, unique=True)
    token_hash = models.CharField("令牌哈希", max_length=64, unique=True)
    access = models.CharField("权限", max_length=10, choices=ACCESS_CHOICES, default=WRITE)
    # Scope names (lianxi.api.scopes.scope_names): the routers this token may call.
    scopes = models.JSONField("可访问的模块", default=list)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("有效期至")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}".strip()

    @property
    def active(self) -> bool:
        return self.revoked_at is None
