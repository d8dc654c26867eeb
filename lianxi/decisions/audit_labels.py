"""Chinese names of this app's audit actions (lianxi.core.audit_labels)."""

from lianxi.core.audit_labels import register_audit_labels

register_audit_labels(
    {
        "decision.create": "登记重大事项",
        "decision.round_open": "发起重大事项征求意见",
        "decision.opinion_draft": "起草重大事项意见",
        "decision.opinion": "答复重大事项意见",
        "decision.round_close": "结束重大事项征求意见",
        "decision.adopt": "通过重大事项",
        "decision.escalate": "重大事项提请市政府决定",
        "decision.government": "登记市政府决定",
        "decision.withdraw": "撤回重大事项",
    }
)
