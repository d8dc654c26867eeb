from django import forms


class NotificationSettingsForm(forms.Form):
    email_enabled = forms.BooleanField(label="通过电子邮件接收消息", required=False)
    webhook_url = forms.CharField(
        label="Webhook 地址（可选，如企业微信、钉钉群机器人）",
        required=False,
        max_length=500,
        widget=forms.URLInput(attrs={"placeholder": "https://…"}),
    )
