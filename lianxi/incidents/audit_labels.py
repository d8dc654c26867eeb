"""Chinese names of this app's audit actions (lianxi.core.audit_labels)."""

from lianxi.core.audit_labels import register_audit_labels

register_audit_labels(
    {
        "incident.register": "登记事故",
        "incident.view": "查看事故",
        "incident.notify": "通报事故",
        "incident.acknowledge": "确认收到事故通报",
        "incident.action": "报告事故处置情况",
        "incident.escalate": "事故通报催告升级",
        "incident.up_report": "向上级报告事故",
        "incident.follow_up": "事故续报",
        "incident.final": "事故终报",
        "incident.close": "事故结案",
        "incident.withdraw": "撤销事故登记",
    }
)
