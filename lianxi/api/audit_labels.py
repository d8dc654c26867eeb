"""Chinese names of this app's audit actions (lianxi.core.audit_labels)."""

from lianxi.core.audit_labels import register_audit_labels

register_audit_labels(
    {
        "api_token.create": "创建接口令牌",
        "api_token.revoke": "吊销接口令牌",
        "api.token_used": "使用接口令牌",
        "api.token_expired": "拒绝已过期的接口令牌",
        "api.token_out_of_scope": "拒绝超出权限范围的接口令牌",
        "api.token_locked_out": "拒绝账号锁定中的接口令牌",
        "api.token_password_reset": "拒绝密码重置前签发的接口令牌",
        "api.token_account_inactive": "拒绝账号停用或身份终止的接口令牌",
        "api.token_rate_limited": "接口令牌请求过于频繁被限流",
    }
)
