from django import forms


class RulesUploadForm(forms.Form):
    """The rules document to import: .txt (UTF-8 or GB18030/GBK) or .docx."""

    file = forms.FileField(
        label="工作规则文件",
        help_text="纯文本 .txt（UTF-8 或 GB18030/GBK 编码）或 Word .docx，不超过 5 MB。",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,text/plain"}),
        error_messages={"required": "请选择要导入的工作规则文件。", "empty": "文件是空的。"},
    )
