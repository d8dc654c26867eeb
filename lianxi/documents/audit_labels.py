"""Chinese names of this app's audit actions (lianxi.core.audit_labels)."""

from lianxi.core.audit_labels import register_audit_labels

register_audit_labels(
    {
        "document.create": "起草公文",
        "document.save": "保存公文新稿",
        "document.parties": "调整发文机关和主送抄送",
        "document.signatures_void": "会签因修改作废",
        # Part R: comment rounds (征求意见, 三(二)).
        "document.consultation_send": "发起征求意见",
        "document.reply_draft": "起草征求意见反馈",
        "document.reply_approve": "审核报送征求意见反馈",
        "document.comment_decide": "处理修改意见",
        "document.consultation_close": "提前结束征求意见",
        "document.consultation_deemed": "征求意见截止，逾期视为无意见",
        "document.reply_remind": "催办逾期未反馈的征求意见",
        # S "signing & issuing" (四(五), 四(六))
        "document.cosign_request": "公文送会签",
        "document.cosign_sign": "会签公文",
        "document.cosign_return": "退回会签",
        "document.issue": "印发公文",
        "document.acknowledge": "签收公文",
        "seal.upload": "上传印章",
        "seal.use": "用印",
        "register.create": "设置发文字号",
        "number.withdraw": "作废发文字号",
    }
)
