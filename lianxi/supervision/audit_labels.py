"""Chinese names of this app's audit actions (lianxi.core.audit_labels)."""

from lianxi.core.audit_labels import register_audit_labels

register_audit_labels(
    {
        "action_item.create": "立项督办事项",
        "action_item.progress": "反馈督办进展",
        "action_item.progress_draft": "保存进展草稿",
        "action_item.progress_draft_edit": "修改进展草稿",
        "action_item.progress_draft_delete": "删除进展草稿",
        "action_item.urge": "催办",
        "action_item.return": "退回督办进展",
        "action_item.close": "督办事项办结销号",
        "action_item.remind": "发送督办提醒",
        "action_item.digest": "发送督办汇总提醒",
        "action_item.extension_request": "申请延期",
        "action_item.extension_grant": "同意延期",
        "action_item.extension_refuse": "不同意延期",
    }
)
