"""Chinese names of this app's audit actions (lianxi.core.audit_labels)."""

from lianxi.core.audit_labels import register_audit_labels

register_audit_labels(
    {
        "meeting.schedule": "安排会议",
        "meeting.update": "变更会议",
        "meeting.cancel": "取消会议",
        "meeting.notify": "发出会议通知",
        "meeting.entrust": "委托主持专题会议",
        "meeting.invite": "邀请单位参会",
        "meeting.agenda_add": "添加议题",
        "meeting.agenda_remove": "删除议题",
        "meeting.agenda_move": "调整议题顺序",
        "meeting.agenda_carryover": "议题转入下次会议",
        "meeting.material_add": "上传会议材料",
        "meeting.answer": "回复参会情况",
        "meeting.attendance_record": "登记出席情况",
        "minutes.draft": "起草会议纪要",
        "minutes.update": "修改会议纪要",
        "minutes.section_add": "添加纪要段落",
        "minutes.resolution_add": "添加议定事项",
        "minutes.resolution_remove": "删除议定事项",
        "minutes.approve": "审定会议纪要",
        "minutes.reopen": "退回修改会议纪要",
        "minutes.sign_off": "签发会议纪要",
        "minutes.issue": "印发会议纪要",
        "minutes.acknowledge": "签收会议纪要",
        "calendar_feed.create": "开通日历订阅",
        "calendar_feed.revoke": "停用日历订阅",
        "unit.invited_add": "添加邀请单位",
    }
)
