"""Every write of the meetings app: scheduling, agenda, notice, attendance, minutes (三(一)).

Each service is keyword-only, runs in one transaction, writes its audit event and notifies the
units concerned (``notify`` writes its messages inside the same transaction).

A package split along the seams the sections marked; callers keep using
``from lianxi.meetings import services`` and ``services.<name>``.
"""

from .agenda import (
    agenda_carryover_refresh,
    agenda_item_add,
    agenda_item_move,
    agenda_item_remove,
    meeting_material_add,
)
from .attendance import (
    answer_reminders_due,
    attendance_answer,
    attendance_answer_on_behalf,
    attendance_record,
    default_actual,
)
from .common import (
    CARRYOVER_TITLE,
    EDITABLE_STATUSES,
    MAX_MATERIAL_BYTES,
    REMINDER_DAYS,
    Role,
    convener_recipients,
    meeting_url,
    minutes_url,
    unit_recipients,
)
from .minutes import (
    minutes_acknowledge,
    minutes_approve,
    minutes_draft,
    minutes_issue,
    minutes_reopen,
    minutes_section_add,
    minutes_sign_off,
    minutes_update,
    resolution_add,
    resolution_remove,
    resolution_source_key,
    resolution_source_label,
    resolution_summary,
)
from .notice import (
    default_notice,
    invited_units,
    meeting_cancel,
    meeting_notify,
    meeting_update,
)
from .scheduling import (
    carryover_description,
    invited_unit_add,
    meeting_invite_unit,
    meeting_schedule,
    topical_meeting_entrust,
)

__all__ = [
    "CARRYOVER_TITLE",
    "EDITABLE_STATUSES",
    "MAX_MATERIAL_BYTES",
    "REMINDER_DAYS",
    "Role",
    "agenda_carryover_refresh",
    "agenda_item_add",
    "agenda_item_move",
    "agenda_item_remove",
    "answer_reminders_due",
    "attendance_answer",
    "attendance_answer_on_behalf",
    "attendance_record",
    "carryover_description",
    "convener_recipients",
    "default_actual",
    "default_notice",
    "invited_unit_add",
    "invited_units",
    "meeting_cancel",
    "meeting_invite_unit",
    "meeting_material_add",
    "meeting_notify",
    "meeting_schedule",
    "meeting_update",
    "meeting_url",
    "minutes_acknowledge",
    "minutes_approve",
    "minutes_draft",
    "minutes_issue",
    "minutes_reopen",
    "minutes_section_add",
    "minutes_sign_off",
    "minutes_update",
    "minutes_url",
    "resolution_add",
    "resolution_remove",
    "resolution_source_key",
    "resolution_source_label",
    "resolution_summary",
    "topical_meeting_entrust",
    "unit_recipients",
]
