from typing import Any

from lianxi.core.forms import Form

from .channels import channels
from .models import NotificationSettings


class NotificationSettingsForm(Form):
    """消息设置: the fields every registered channel asks for, in the channels' order."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for _, spec in channels.items():
            self.fields.update(spec.settings_fields())

    @staticmethod
    def initial_from(prefs: NotificationSettings) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for _, spec in channels.items():
            names = list(spec.settings_fields())
            if names:
                initial.update(spec.settings_initial(prefs, names))
        return initial

    def sections(self, user: Any) -> list[dict[str, Any]]:
        """One block per channel that has settings: its fields and its line of help."""
        blocks = []
        for name, spec in channels.items():
            names = list(spec.settings_fields())
            if names:
                blocks.append(
                    {
                        "name": name,
                        "label": spec.label,
                        "fields": [self[n] for n in names],
                        "help": spec.settings_help(user),
                    }
                )
        return blocks
