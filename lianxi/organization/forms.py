from django import forms

from lianxi.core.forms import Form


class RulesUploadForm(Form):
    """The rules document to import: .txt (UTF-8 or GB18030/GBK) or .docx."""

    file = forms.FileField(
        label="工作规则文件",
        help_text="纯文本 .txt（UTF-8 或 GB18030/GBK 编码）或 Word .docx，不超过 5 MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,text/plain"}),
        error_messages={"required": "请选择要导入的工作规则文件。", "empty": "文件是空的。"},
    )


class MechanismCreateForm(RulesUploadForm):
    """The platform operator opens a joint meeting from its rules and names its first clerk."""

    username = forms.CharField(
        label="第一个联席会议办公室账号",
        max_length=150,
        required=False,
        help_text="留空则新建 mishu、mishu2……；填写已有账号则该人员加入新的联席会议。",
    )
