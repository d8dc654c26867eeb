"""Chinese names of this app's audit actions (lianxi.core.audit_labels)."""

from lianxi.core.audit_labels import register_audit_labels

register_audit_labels(
    {
        "mechanism.create": "设立联席会议",
        "rules.import": "导入工作规则",
        "mechanism.settings": "确认或更正联席会议设置",
        "person.create": "创建账号",
        "person.create_first": "创建首个管理账号",
        "person.deactivate": "停用账号",
        "person.reactivate": "恢复账号",
        "person.password_reset": "重置密码",
        "person.otp_reset": "重置动态口令",
        "person.unlock": "解除登录锁定",
        "lockout.address_unlock": "解除地址的登录锁定",
        "membership.change": "变更任职",
        "membership.choose": "切换联席会议",
    }
)
