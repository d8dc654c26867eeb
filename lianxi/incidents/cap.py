"""CAP 1.2 (OASIS Common Alerting Protocol) for incident notices and reports (三(四)2, 二(四)).

Every notice (通报) is an ``Alert``; a follow-up (续报) or final report (终报) is an ``Update``
whose ``references`` name every message sent before it (each unit's Alert and the earlier
Updates, so every recipient finds all it holds); a withdrawn incident is a ``Cancel``
referencing all of them. Scope is ``Restricted``: incident details are personal data for the
joint meeting only.

A message is built once, when it is sent, and stored as sent (`CapMessage`): reading it again
returns those bytes, whatever the incident says now (a 续报 or a regrade is a new Update, never a
changed Alert). Messages sent before they were stored are built from the record as a fallback.

One structure, `CapAlert`, is built from the database and then written either as XML
(`to_xml`, valid against the OASIS schema) or as JSON (`to_dict`, for the API), so both say the
same thing. Times are local (Asia/Shanghai) with their offset and without fractions, as the
schema's pattern demands (``2026-03-02T09:15:00+08:00``).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from lxml import etree

from lianxi.core.text import one_line

from .grading import grade_label
from .models import CapMessage, Incident, IncidentNotice, IncidentUpdate

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
CAP_CONTENT_TYPE = "application/cap+xml; charset=utf-8"
RESTRICTION = "仅限联席会议办公室、被通报单位和市政府办公室使用；含个人信息，不得公开或转发。"
LANGUAGE = "zh-CN"
CATEGORIES = ("Health", "Safety")

# Grade (事故等级) → CAP severity. The scheme is configurable (three or four grades), so both
# the labels and likely codes are understood; anything else is "Unknown".
SEVERITY_BY_GRADE = {
    "特大": "Extreme",
    "特别重大": "Extreme",
    "extraordinary": "Extreme",
    "especially_major": "Extreme",
    "重大": "Severe",
    "major": "Severe",
    "serious": "Severe",
    "较大": "Moderate",
    "larger": "Moderate",
    "一般": "Moderate",
    "general": "Moderate",
    "ordinary": "Moderate",
}


@dataclass(frozen=True)
class CapReference:
    sender: str
    identifier: str
    sent: str

    def __str__(self) -> str:
        return f"{self.sender},{self.identifier},{self.sent}"


@dataclass
class CapInfo:
    event: str
    urgency: str
    severity: str
    certainty: str
    headline: str
    description: str
    area_desc: str
    sender_name: str = ""
    instruction: str = ""
    web: str = ""
    onset: str = ""
    parameters: list[tuple[str, str]] = field(default_factory=list)
    language: str = LANGUAGE
    categories: tuple[str, ...] = CATEGORIES


@dataclass
class CapAlert:
    identifier: str
    sender: str
    sent: str
    msg_type: str  # Alert / Update / Cancel
    incidents: str
    references: list[CapReference] = field(default_factory=list)
    note: str = ""
    status: str = "Actual"
    scope: str = "Restricted"
    restriction: str = RESTRICTION
    info: CapInfo | None = None

    @property
    def reference(self) -> CapReference:
        """How a later message refers to this one."""
        return CapReference(self.sender, self.identifier, self.sent)


# --- Values --------------------------------------------------------------------------------


def cap_time(moment: datetime) -> str:
    """``YYYY-MM-DDThh:mm:ss+08:00``: local time, its offset, no fractional seconds."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def token(text: str) -> str:
    """CAP identifiers and senders may contain neither spaces nor commas (nor '<' or '&')."""
    return re.sub(r"[\s,<&]+", "-", text.strip()) or "-"


def cap_sender() -> str:
    """The platform's sender id: ``LIANXI_CAP_SENDER`` or lianxi@<the site's host>."""
    configured = getattr(settings, "LIANXI_CAP_SENDER", "")
    if configured:
        return token(str(configured))
    host = urllib.parse.urlsplit(settings.LIANXI_SITE_URL).hostname or "lianxi.localhost"
    return token(f"lianxi@{host}")


def severity_of(grade: str) -> str:
    """By the grade's code, else by its label in the configured scheme (incidents.grading)."""
    code = (grade or "").strip()
    found = SEVERITY_BY_GRADE.get(code.lower()) or SEVERITY_BY_GRADE.get(grade_label(code))
    return found or "Unknown"


def _grade_label(incident: Incident) -> str:
    return grade_label(incident.grade) or "未定级"


def _hazard_label(incident: Incident) -> str:
    label = incident.get_hazard_display()
    return f"{label}：{incident.substance}" if incident.substance else str(label)


def incident_web_url(incident: Incident) -> str:
    """The incident's page, absolute; empty if the pages are not installed."""
    try:
        path = reverse("incidents:detail", args=[incident.pk])
    except NoReverseMatch:
        return ""
    return settings.LIANXI_SITE_URL.rstrip("/") + path


def area_desc(incident: Incident) -> str:
    """The county, then the address; the county once when the address already names it."""
    enterprise = incident.enterprise
    place = enterprise.address or incident.location
    county = enterprise.county
    if county and place and county in place:
        return place
    return "".join(part for part in (county, place) if part) or incident.location


def incident_description(incident: Incident) -> str:
    """What a report must carry: 地点、时间、发病情况、死亡人数、可能发生原因、已采取措施、
    发展趋势 (with the enterprise, the hazard and the grade)."""
    enterprise = incident.enterprise
    occurred = timezone.localtime(incident.occurred_at)
    reported = timezone.localtime(incident.first_reported_at)
    lines = [
        f"事故名称：{incident.title}",
        f"事故编号：{incident.reference}",
        f"事故等级：{_grade_label(incident)}" + ("（放射事故）" if incident.is_radiation else ""),
        f"发生时间：{occurred:%Y年%m月%d日 %H:%M}",
        f"首次报告时间：{reported:%Y年%m月%d日 %H:%M}",
        f"地点：{incident.location}",
        f"用人单位：{enterprise.name}（统一社会信用代码 {enterprise.credit_code}）"
        + (f"，行业：{enterprise.industry}" if enterprise.industry else ""),
        f"危害因素：{_hazard_label(incident)}",
        f"发病情况：接触 {incident.exposed_count} 人，急性中毒 {incident.poisoned_count} 人"
        + (f"；{incident.onset}" if incident.onset else ""),
        f"死亡人数：{incident.death_count} 人",
        f"可能发生原因：{incident.probable_cause or '待查'}",
        f"已采取措施：{incident.measures_taken or '待报'}",
        f"发展趋势：{incident.trend or '待报'}",
    ]
    return "\n".join(lines)


def _parameters(incident: Incident, **counts: int | None) -> list[tuple[str, str]]:
    poisoned = counts.get("poisoned")
    deaths = counts.get("deaths")
    return [
        ("事故编号", incident.reference),
        ("事故等级", _grade_label(incident)),
        ("危害因素类别", str(incident.get_hazard_display())),
        ("接触人数", str(incident.exposed_count)),
        ("急性中毒人数", str(incident.poisoned_count if poisoned is None else poisoned)),
        ("死亡人数", str(incident.death_count if deaths is None else deaths)),
        ("放射事故", "是" if incident.is_radiation else "否"),
    ]


def _info(incident: Incident, *, urgency: str, headline: str, description: str) -> CapInfo:
    return CapInfo(
        event=f"职业病危害事故（{_hazard_label(incident)}）",
        urgency=urgency,
        severity=severity_of(incident.grade),
        certainty="Observed",
        headline=headline,
        description=description,
        area_desc=area_desc(incident),
        sender_name=f"{incident.mechanism.name}办公室" if incident.mechanism_id else "",
        web=incident_web_url(incident),
        onset=cap_time(incident.occurred_at),
        parameters=_parameters(incident),
    )


# --- Messages from the database ----------------------------------------------------------


def notice_cap(notice: IncidentNotice) -> CapAlert:
    """A notice (通报) to one unit: msgType Alert."""
    incident = notice.incident
    due = timezone.localtime(notice.ack_due_at)
    info = _info(
        incident,
        urgency="Immediate",
        headline=f"{one_line(incident.title)}（{_grade_label(incident)}）",
        description=incident_description(incident)
        + (f"\n通报理由：{notice.reason}" if notice.reason else ""),
    )
    info.instruction = (
        f"请{notice.unit.name}于 {due:%Y年%m月%d日 %H:%M} 前在平台确认收到，并按职责做好处置。"
    )
    return CapAlert(
        identifier=token(notice.cap_identifier),
        sender=cap_sender(),
        sent=cap_time(notice.sent_at),
        msg_type="Alert",
        incidents=token(incident.reference),
        info=info,
    )


def _update_reference(update: IncidentUpdate, sender: str) -> CapReference:
    return CapReference(sender, token(update.cap_identifier), cap_time(update.created_at))


def _notice_reference(notice: IncidentNotice, sender: str) -> CapReference:
    return CapReference(sender, token(notice.cap_identifier), cap_time(notice.sent_at))


def _stored_sender(obj: IncidentNotice | IncidentUpdate) -> str | None:
    message = stored(obj)
    return message.sender if message is not None else None


def _references(
    notices: Iterable[IncidentNotice],
    updates: Iterable[IncidentUpdate],
    *,
    before: IncidentUpdate | None = None,
) -> list[CapReference]:
    """Every message sent before `before` (everything if None), oldest first: each unit's Alert
    and the earlier Updates, so that the Update (or Cancel) names all a recipient holds. A
    message's sender is the one it was stored with."""
    sender = cap_sender()
    items = [
        ((n.sent_at, 0, n.pk), _notice_reference(n, _stored_sender(n) or sender))
        for n in notices
        if before is None or n.sent_at <= before.created_at
    ] + [
        ((u.created_at, 1, u.pk), _update_reference(u, _stored_sender(u) or sender))
        for u in updates
        if before is None or (u.created_at, u.pk) < (before.created_at, before.pk)
    ]
    return [ref for _, ref in sorted(items, key=lambda item: item[0])]


def _chain(incident: Incident, *, before: IncidentUpdate | None = None) -> list[CapReference]:
    """`_references` of the incident's messages, read from the database."""
    return _references(
        incident.notices.select_related("cap_message"),
        incident.updates.select_related("cap_message"),
        before=before,
    )


def update_caps(
    updates: Sequence[IncidentUpdate], *, notices: Sequence[IncidentNotice]
) -> list[CapAlert]:
    """The message of each of an incident's updates (all of them, oldest first): the stored
    one as sent, else built with the chain made from the lists in hand."""
    return [
        sent_message(update)
        if stored(update) is not None
        else update_cap(update, references=_references(notices, updates, before=update))
        for update in updates
    ]


def update_cap(update: IncidentUpdate, *, references: list[CapReference] | None = None) -> CapAlert:
    """A follow-up (续报) or final report (终报): msgType Update, referencing every message sent
    before it.

    `references`: the chain, when the caller has it already (see `update_caps`)."""
    incident = update.incident
    final = update.kind == IncidentUpdate.Kind.FINAL
    label = update.get_kind_display()
    counts = []
    if update.poisoned_count is not None:
        counts.append(f"急性中毒人数更新为 {update.poisoned_count} 人")
    if update.death_count is not None:
        counts.append(f"死亡人数更新为 {update.death_count} 人")
    description = "\n".join(
        [f"{label}（{timezone.localtime(update.created_at):%Y年%m月%d日 %H:%M}）：{update.text}"]
        + (["；".join(counts)] if counts else [])
        + ["", incident_description(incident)]
    )
    info = _info(
        incident,
        urgency="Past" if final else "Immediate",
        headline=f"{one_line(incident.title)}（{_grade_label(incident)}）{label}",
        description=description,
    )
    info.parameters = _parameters(
        incident, poisoned=update.poisoned_count, deaths=update.death_count
    )
    return CapAlert(
        identifier=token(update.cap_identifier),
        sender=cap_sender(),
        sent=cap_time(update.created_at),
        msg_type="Update",
        incidents=token(incident.reference),
        references=_chain(incident, before=update) if references is None else references,
        note=label,
        info=info,
    )


def cancel_identifier(incident: Incident) -> str:
    return token(f"{incident.reference}.cancel")


def cancel_cap(incident: Incident, *, reason: str, sent: datetime | None = None) -> CapAlert:
    """The incident is withdrawn (撤销): msgType Cancel, referencing the alert and every update."""
    return CapAlert(
        identifier=cancel_identifier(incident),
        sender=cap_sender(),
        sent=cap_time(sent or timezone.now()),
        msg_type="Cancel",
        incidents=token(incident.reference),
        references=_chain(incident),
        note=f"撤销通报：{reason.strip() or '未说明理由'}",
    )


# --- Sent messages --------------------------------------------------------------------------


def stored(obj: IncidentNotice | IncidentUpdate) -> CapMessage | None:
    """The message stored when `obj` was sent (None for one sent before messages were kept)."""
    try:
        return obj.cap_message
    except CapMessage.DoesNotExist:
        return None


def record_sent(
    alert: CapAlert,
    *,
    incident: Incident,
    sent_at: datetime,
    notice: IncidentNotice | None = None,
    update: IncidentUpdate | None = None,
) -> CapMessage:
    """Store a message as it goes out; from then on it is read back, never rebuilt."""
    return CapMessage.objects.create(
        incident=incident,
        msg_type=alert.msg_type,
        identifier=alert.identifier,
        sender=alert.sender,
        sent=alert.sent,
        sent_at=sent_at,
        notice=notice,
        update=update,
        xml=to_xml(alert),
    )


def attachment(message: CapMessage) -> tuple[str, bytes, str]:
    """The stored message as a mail attachment (filename, bytes, type)."""
    return (f"{message.identifier}.xml", bytes(message.xml), "application/cap+xml")


def _built(obj: IncidentNotice | IncidentUpdate) -> CapAlert:
    return notice_cap(obj) if isinstance(obj, IncidentNotice) else update_cap(obj)


def sent_xml(obj: IncidentNotice | IncidentUpdate) -> bytes:
    """The bytes of a notice's Alert or an update's Update as sent: the stored message, else
    (sent before messages were kept) built from the record."""
    message = stored(obj)
    return bytes(message.xml) if message is not None else to_xml(_built(obj))


def sent_message(obj: IncidentNotice | IncidentUpdate) -> CapAlert:
    """`sent_xml`'s message as a structure (for `to_dict`)."""
    message = stored(obj)
    return from_xml(bytes(message.xml)) if message is not None else _built(obj)


# --- Writing: XML and JSON ------------------------------------------------------------------


def _sub(parent: Any, tag: str, text: str) -> Any:
    element = etree.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    element.text = text
    return element


def to_element(alert: CapAlert) -> Any:
    """The ``<alert>`` element, children in the order the schema's sequence requires."""
    root = etree.Element(f"{{{CAP_NS}}}alert", nsmap={None: CAP_NS})
    _sub(root, "identifier", alert.identifier)
    _sub(root, "sender", alert.sender)
    _sub(root, "sent", alert.sent)
    _sub(root, "status", alert.status)
    _sub(root, "msgType", alert.msg_type)
    _sub(root, "scope", alert.scope)
    if alert.restriction:
        _sub(root, "restriction", alert.restriction)
    if alert.note:
        _sub(root, "note", alert.note)
    if alert.references:
        _sub(root, "references", " ".join(str(ref) for ref in alert.references))
    if alert.incidents:
        _sub(root, "incidents", alert.incidents)
    info = alert.info
    if info is not None:
        element = etree.SubElement(root, f"{{{CAP_NS}}}info")
        _sub(element, "language", info.language)
        for category in info.categories:
            _sub(element, "category", category)
        _sub(element, "event", info.event)
        _sub(element, "urgency", info.urgency)
        _sub(element, "severity", info.severity)
        _sub(element, "certainty", info.certainty)
        if info.onset:
            _sub(element, "onset", info.onset)
        if info.sender_name:
            _sub(element, "senderName", info.sender_name)
        _sub(element, "headline", info.headline)
        _sub(element, "description", info.description)
        if info.instruction:
            _sub(element, "instruction", info.instruction)
        if info.web:
            _sub(element, "web", info.web)
        for name, value in info.parameters:
            parameter = etree.SubElement(element, f"{{{CAP_NS}}}parameter")
            _sub(parameter, "valueName", name)
            _sub(parameter, "value", value)
        area = etree.SubElement(element, f"{{{CAP_NS}}}area")
        _sub(area, "areaDesc", info.area_desc)
    return root


def to_xml(alert: CapAlert) -> bytes:
    return bytes(
        etree.tostring(to_element(alert), xml_declaration=True, encoding="UTF-8", pretty_print=True)
    )


def to_dict(alert: CapAlert) -> dict[str, Any]:
    """The same message as JSON: CAP's element names, lists where CAP repeats an element."""
    data: dict[str, Any] = {
        "identifier": alert.identifier,
        "sender": alert.sender,
        "sent": alert.sent,
        "status": alert.status,
        "msgType": alert.msg_type,
        "scope": alert.scope,
        "restriction": alert.restriction,
        "note": alert.note,
        "references": [
            {"sender": r.sender, "identifier": r.identifier, "sent": r.sent}
            for r in alert.references
        ],
        "incidents": alert.incidents,
        "info": [],
    }
    info = alert.info
    if info is not None:
        data["info"].append(
            {
                "language": info.language,
                "category": list(info.categories),
                "event": info.event,
                "urgency": info.urgency,
                "severity": info.severity,
                "certainty": info.certainty,
                "onset": info.onset,
                "senderName": info.sender_name,
                "headline": info.headline,
                "description": info.description,
                "instruction": info.instruction,
                "web": info.web,
                "parameter": [{"valueName": n, "value": v} for n, v in info.parameters],
                "area": [{"areaDesc": info.area_desc}],
            }
        )
    return data


def _find(parent: Any, tag: str) -> str:
    return str(parent.findtext(f"{{{CAP_NS}}}{tag}") or "")


def from_xml(xml: bytes) -> CapAlert:
    """A stored message read back (its JSON is then `to_dict` of what was sent)."""
    root = etree.fromstring(xml)
    refs = []
    for group in _find(root, "references").split():
        sender, identifier, sent = group.split(",", 2)
        refs.append(CapReference(sender, identifier, sent))
    alert = CapAlert(
        identifier=_find(root, "identifier"),
        sender=_find(root, "sender"),
        sent=_find(root, "sent"),
        msg_type=_find(root, "msgType"),
        incidents=_find(root, "incidents"),
        references=refs,
        note=_find(root, "note"),
        status=_find(root, "status"),
        scope=_find(root, "scope"),
        restriction=_find(root, "restriction"),
    )
    element = root.find(f"{{{CAP_NS}}}info")
    if element is not None:
        area = element.find(f"{{{CAP_NS}}}area")
        alert.info = CapInfo(
            event=_find(element, "event"),
            urgency=_find(element, "urgency"),
            severity=_find(element, "severity"),
            certainty=_find(element, "certainty"),
            headline=_find(element, "headline"),
            description=_find(element, "description"),
            area_desc=_find(area, "areaDesc") if area is not None else "",
            sender_name=_find(element, "senderName"),
            instruction=_find(element, "instruction"),
            web=_find(element, "web"),
            onset=_find(element, "onset"),
            parameters=[
                (_find(p, "valueName"), _find(p, "value"))
                for p in element.findall(f"{{{CAP_NS}}}parameter")
            ],
            language=_find(element, "language") or LANGUAGE,
            categories=tuple(str(c.text or "") for c in element.findall(f"{{{CAP_NS}}}category")),
        )
    return alert
