"""Chinese names of this app's audit actions (lianxi.core.audit_labels)."""

from lianxi.core.audit_labels import register_audit_labels

register_audit_labels(
    {
        "annual.cycle_open": "启动年度报送",
        "annual.part_save": "起草年度材料",
        "annual.submit_to_member": "提交成员审核年度材料",
        "annual.send": "报送年度材料",
        "annual.confirm": "确认年度材料",
        "annual.return": "退回年度材料",
        "annual.plan_to_items": "重点任务转为督办事项",
        "annual.topics_accept": "议题建议列入议程",
        "annual.topics_decline": "议题建议未采纳",
        "annual.remind_late": "催报逾期单位",
    }
)
