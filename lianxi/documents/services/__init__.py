"""Every write of the documents app (三(二), 四(五), 四(六)), split by the seams of the work:
drafts, comment rounds, co-signing, numbers and issuing."""

# R "rounds" (三(二))
from .consultation import (
    Suggestion,
    comment_decide,
    consultation_close,
    consultation_deadlines,
    consultation_send,
    consultation_suggested_units,
    reply_approve,
    reply_draft,
)
from .drafts import (
    Parties,
    StaleSave,
    document_create,
    document_save,
    document_set_parties,
    kind_of,
    void_signatures,
)

# S "signing & issuing" (四(五), 四(六))
from .issuing import (
    document_issue,
    issue_problems,
    number_withdraw,
    receipt_acknowledge,
    register_create,
    registers_for,
    seal_upload,
    sealing_units,
)
from .signing import cosign_request, cosign_return, cosign_sign

__all__ = [
    "Parties",
    "StaleSave",
    "Suggestion",
    "comment_decide",
    "consultation_close",
    "consultation_deadlines",
    "consultation_send",
    "consultation_suggested_units",
    "cosign_request",
    "cosign_return",
    "cosign_sign",
    "document_create",
    "document_issue",
    "document_save",
    "document_set_parties",
    "issue_problems",
    "kind_of",
    "number_withdraw",
    "receipt_acknowledge",
    "register_create",
    "registers_for",
    "reply_approve",
    "reply_draft",
    "seal_upload",
    "sealing_units",
    "void_signatures",
]
