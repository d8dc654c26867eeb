"""Chinese names of this app's audit actions (lianxi.core.audit_labels)."""

from lianxi.core.audit_labels import register_audit_labels

register_audit_labels(
    {
        "message.send": "发送消息",
        "message.read": "阅读消息",
        "message.read_about": "阅读相关消息",
        "message.read_all": "全部标为已读",
        "notification_settings.update": "修改消息设置",
        "delivery.dead": "消息投递失败",
        "delivery.retry": "重新投递消息",
    }
)
