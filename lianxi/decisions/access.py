"""Who may see or act on a major matter (四(四), 二(四)).

- The secretariat sees every matter of its joint meeting and runs it: creates it, opens and
  closes rounds, records answers given at a meeting, adopts it, drafts the 请示, records the
  government's decision.
- The proposing unit and the units concerned see the matter once it is put to them; a unit
  bound by one of its resolutions sees it too. No other unit sees anything of it.
- A concerned unit always sees its own answer (and its draft); other units' answers only once
  the round has closed. The secretariat sees an answer once it was given, never a unit's draft.
- The government reader sees a matter once its 请示 was issued to the government office, with
  the answers of the closed rounds (the 请示 carries them), and records the decision.
- A unit's liaison drafts its answer; its member gives it, or the liaison gives it for the
  member's named substitute when the member is on leave.

A matter one may not see is answered as missing (404); an action one may not take, refused (403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from lianxi.documents.models import DocumentReceipt, OfficialDocument
from lianxi.organization.access import has_role, is_secretariat, membership_of
from lianxi.organization.models import Membership

from .models import Decision, DecisionResolution, DecisionRound, Opinion

Role = Membership.Role
DECISION_NOT_FOUND = "重大事项不存在或您无权查看。"
DECISION_ROLES = (Role.SECRETARIAT, Role.MEMBER, Role.LIAISON, Role.GOVERNMENT)
UNIT_ROLES = (Role.MEMBER, Role.LIAISON)


def can_list_decisions(user: Any) -> bool:
    return has_role(user, *DECISION_ROLES)


def can_create(user: Any) -> bool:
    return is_secretariat(membership_of(user))


def _unit_q(unit_id: int) -> Q:
    """A party to the matter: its proposer or a unit asked in a round (once it is put), or a
    unit bound by one of its resolutions."""
    asked = Exists(Opinion.objects.filter(round__decision=OuterRef("pk"), unit_id=unit_id))
    bound = Exists(
        DecisionResolution.objects.filter(decision=OuterRef("pk")).filter(
            Q(lead_unit_id=unit_id) | Q(supporting_units__id=unit_id)
        )
    )
    return (Q(proposing_unit_id=unit_id) & ~Q(status=Decision.Status.DRAFT)) | asked | bound


def _government_q(unit_id: int) -> Q:
    sent = Exists(
        DocumentReceipt.objects.filter(
            document_id=OuterRef("request_document_id"),
            unit_id=unit_id,
            document__status=OfficialDocument.Status.ISSUED,
        )
    )
    return Q(sent)


def visible_decisions(user: Any) -> QuerySet[Decision]:
    membership = membership_of(user)
    if membership is None or membership.role not in DECISION_ROLES:
        return Decision.objects.none()
    base = Decision.objects.filter(mechanism_id=membership.unit.mechanism_id)
    if is_secretariat(membership):
        return base
    if membership.role == Role.GOVERNMENT:
        return base.filter(_government_q(membership.unit_id))
    return base.filter(_unit_q(membership.unit_id))


@dataclass(frozen=True)
class DecisionSight:
    """How one person sees one matter, decided once per page."""

    membership: Membership
    secretariat: bool
    government: bool

    @property
    def unit_id(self) -> int:
        return self.membership.unit_id


def decision_for(user: Any, pk: int) -> Decision:
    decision = (
        visible_decisions(user)
        .select_related("proposing_unit", "mechanism", "request_document", "proposal_document")
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise Http404(DECISION_NOT_FOUND)
    return decision


def sight(user: Any) -> DecisionSight:
    membership = membership_of(user)
    if membership is None:
        raise PermissionDenied("您的账号未绑定任何单位。")
    return DecisionSight(
        membership=membership,
        secretariat=is_secretariat(membership),
        government=membership.role == Role.GOVERNMENT,
    )


def shows_answer(view: DecisionSight, opinion: Opinion, round_: DecisionRound) -> bool:
    """Whether this person reads a unit's stance and reasons (四(四): never another unit's before
    the round closes, never a draft outside its unit)."""
    if opinion.unit_id == view.unit_id and not view.secretariat:
        return opinion.status in (Opinion.Status.DRAFTED, Opinion.Status.SUBMITTED)
    if opinion.status != Opinion.Status.SUBMITTED:
        return False
    if view.secretariat:
        return True
    return round_.status == DecisionRound.Status.CLOSED


def visible_opinions(view: DecisionSight, round_: DecisionRound) -> list[Opinion]:
    """The opinions of a round this person may see listed: the secretariat all of them; a
    concerned unit its own while the round is open and all once it closed; the government
    those of closed rounds."""
    opinions = list(round_.opinions.all())
    if view.secretariat:
        return opinions
    if round_.status == DecisionRound.Status.CLOSED:
        return opinions
    return [o for o in opinions if o.unit_id == view.unit_id and not view.government]


def may_answer(user: Any, opinion: Opinion) -> bool:
    """The unit's liaison or member, while the round is open and the answer not yet given."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.role in UNIT_ROLES
        and membership.unit_id == opinion.unit_id
        and opinion.round.status == DecisionRound.Status.OPEN
        and opinion.status in (Opinion.Status.PENDING, Opinion.Status.DRAFTED)
    )


def own_opinions(user: Any) -> QuerySet[Opinion]:
    membership = membership_of(user)
    if membership is None or membership.role not in UNIT_ROLES:
        return Opinion.objects.none()
    return Opinion.objects.filter(
        unit_id=membership.unit_id, round__decision__mechanism_id=membership.unit.mechanism_id
    )


def opinion_for(user: Any, pk: int) -> Opinion:
    """A unit's own answer (its answer page); any, for the secretariat (recorded at a meeting)."""
    membership = membership_of(user)
    if membership is None:
        raise Http404(DECISION_NOT_FOUND)
    opinions = (
        Opinion.objects.filter(round__decision__mechanism_id=membership.unit.mechanism_id)
        if is_secretariat(membership)
        else own_opinions(user)
    )
    opinion = opinions.select_related("round__decision", "unit").filter(pk=pk).first()
    if opinion is None:
        raise Http404(DECISION_NOT_FOUND)
    return opinion


def require_secretariat(user: Any, decision: Decision) -> Membership:
    membership = membership_of(user)
    if not is_secretariat(membership) or membership is None:
        raise PermissionDenied("只有联席会议办公室可以办理此事项。")
    if membership.unit.mechanism_id != decision.mechanism_id:
        raise Http404(DECISION_NOT_FOUND)
    return membership


def may_record_government(view: DecisionSight, decision: Decision) -> bool:
    return decision.status == Decision.Status.AWAITING_GOVERNMENT and (
        view.secretariat or view.government
    )
