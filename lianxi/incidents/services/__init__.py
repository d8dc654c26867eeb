"""职业病危害事故 writes (三(四)2, 二(四)): intake, reporting up, notices, acknowledgements,
escalation, follow-up and final reports, closing.

Every write runs in one transaction, records its audit event, writes the incident's timeline
(who knew what and when) and tells the people concerned through `notify` with a key, so that
running a write again never tells anyone twice.

One module per stage of an incident; callers keep `from lianxi.incidents import services`.
"""

from ._helpers import incident_url
from .intake import (
    MAX_COUNT,
    TITLE_MAX,
    IncidentInput,
    incident_input_errors,
    incident_propose_units,
    incident_register,
)
from .notices import (
    ESCALATION_TEXT,
    escalate_notices,
    incident_notify,
    notice_acknowledge,
    notice_escalate,
    notice_report_action,
)
from .reporting import is_report_late, up_report_record
from .updates import incident_close, incident_update_add, incident_view_record, incident_withdraw

__all__ = [
    "ESCALATION_TEXT",
    "MAX_COUNT",
    "TITLE_MAX",
    "IncidentInput",
    "escalate_notices",
    "incident_close",
    "incident_input_errors",
    "incident_notify",
    "incident_propose_units",
    "incident_register",
    "incident_update_add",
    "incident_url",
    "incident_view_record",
    "incident_withdraw",
    "is_report_late",
    "notice_acknowledge",
    "notice_escalate",
    "notice_report_action",
    "up_report_record",
]
