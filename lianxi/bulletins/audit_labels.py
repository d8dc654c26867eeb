"""Chinese names of this app's audit actions (lianxi.core.audit_labels)."""

from lianxi.core.audit_labels import register_audit_labels

register_audit_labels(
    {
        "info_report.save": "起草信息",
        "info_report.submit_to_member": "提交成员审核信息",
        "info_report.send": "报送信息",
        "info_report.adopt": "采用信息",
        "info_report.return": "退回信息",
        "info_report.decline": "不采用信息",
        "brief.create": "编辑简报",
        "brief.update": "修改简报",
        "brief.issue": "印发简报",
        "brief.sign": "签收简报",
    }
)
