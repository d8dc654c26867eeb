"""Who issues a document and where it goes, as a reader may see them (三(二)).

The drafting side, and a unit reading the issued text, see the parties as they are now. A unit
consulted on a draft sees them as they stood when that draft was sent to it: each round keeps
a copy (`Consultation.parties`), since the 主送, 抄送, co-issuers and urgency of a later draft
are no more its to read than the later text.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .access import DocumentSight, sees_issued, sight
from .models import Consultation, DocumentRecipient, DocumentVersion, OfficialDocument


@dataclass(frozen=True)
class Issuer:
    unit_id: int
    name: str
    order: int
    signatory: str


@dataclass(frozen=True)
class ShownParties:
    issuers: list[Issuer]
    main_to: list[str]
    copy_to: list[str]
    urgency: str
    urgency_display: str


def _urgency_display(code: str) -> str:
    return str(OfficialDocument.Urgency(code).label) if code else ""


def current_parties(document: OfficialDocument) -> ShownParties:
    issuers = document.issuers.select_related("unit").order_by("order")
    recipients = list(document.recipients.select_related("unit").order_by("order", "id"))
    return ShownParties(
        issuers=[Issuer(i.unit_id, i.unit.name, i.order, i.signatory) for i in issuers],
        main_to=[r.label for r in recipients if r.kind == DocumentRecipient.Kind.MAIN],
        copy_to=[r.label for r in recipients if r.kind == DocumentRecipient.Kind.COPY],
        urgency=document.urgency,
        urgency_display=_urgency_display(document.urgency),
    )


def parties_record(document: OfficialDocument) -> dict[str, Any]:
    """The copy a round keeps of the parties it was sent with (JSON)."""
    parties = current_parties(document)
    return {
        "issuers": [asdict(i) for i in parties.issuers],
        "main_to": parties.main_to,
        "copy_to": parties.copy_to,
        "urgency": parties.urgency,
    }


def _from_record(record: dict[str, Any]) -> ShownParties:
    urgency = str(record.get("urgency", ""))
    return ShownParties(
        issuers=[Issuer(**i) for i in record.get("issuers", [])],
        main_to=list(record.get("main_to", [])),
        copy_to=list(record.get("copy_to", [])),
        urgency=urgency,
        urgency_display=_urgency_display(urgency),
    )


def parties_for(
    user: Any,
    document: OfficialDocument,
    version: DocumentVersion | None,
    *,
    view: DocumentSight | None = None,
) -> ShownParties:
    """The parties as `user` may read them beside `version`: as they stand for the drafting side
    and for a receiver reading the issued text, else as sent to the user's unit with that
    version (its newest round of it). `view`: the person's sight when the caller has it."""
    view = view or sight(user, document)
    if view.insider or view.membership is None:
        return current_parties(document)
    issued_text = version is None or version.number == document.version
    if issued_text and sees_issued(user, document, view=view):
        return current_parties(document)
    rounds = Consultation.objects.filter(
        document=document, replies__unit_id=view.membership.unit_id
    )
    if version is not None:
        rounds = rounds.filter(version=version)
    sent = rounds.order_by("-round").values_list("parties", flat=True).first()
    # Rounds sent before rounds kept their parties have an empty record: the parties as now.
    return _from_record(sent) if sent else current_parties(document)
