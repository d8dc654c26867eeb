"""The agenda and materials of a meeting, with the carry-over item (四(二))."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.core.text import clean_text
from lianxi.organization.access import is_secretariat
from lianxi.organization.models import Membership, Unit
from lianxi.routing.services import routing_example_forget, routing_example_record

from ..models import (
    AgendaItem,
    Meeting,
    MeetingMaterial,
)
from .common import (
    CARRYOVER_TITLE,
    MAX_MATERIAL_BYTES,
    _require_convener,
    _require_editable,
)
from .scheduling import carryover_description


def _renumber_agenda(meeting: Meeting) -> None:
    for n, item in enumerate(AgendaItem.objects.filter(meeting=meeting).order_by("order", "id"), 1):
        if item.order != n:
            AgendaItem.objects.filter(pk=item.pk).update(order=n)


def _topic_units(
    meeting: Meeting, lead_unit: Unit | None, supporting_units: Sequence[Unit]
) -> list[Unit]:
    supporting = [u for u in dict.fromkeys(supporting_units) if u != lead_unit]
    checks = [(lead_unit, "lead_unit", "牵头汇报单位")] + [
        (u, "supporting_units", "相关单位") for u in supporting
    ]
    for unit, field, label in checks:
        if unit is None:
            continue
        if (
            unit.mechanism_id != meeting.mechanism_id
            or unit.kind == Unit.Kind.GOVERNMENT
            or not unit.active
        ):
            raise ApplicationError(
                f"{label}应为联席会议现有的成员单位或参会单位：{unit.name}不是。", field=field
            )
    return supporting


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    title: str,
    description: str = "",
    proposed_by: Unit | None = None,
    lead_unit: Unit | None = None,
    supporting_units: Sequence[Unit] = (),
    actor: Membership,
) -> AgendaItem:
    """议题: set by the convener; a topic may come from a unit's proposal (proposed_by), and
    names the unit that reports on it (牵头汇报) and the others it concerns."""
    _require_convener(actor, meeting)
    _require_editable(meeting)
    title = clean_text(title, "议题", 300, kind="paragraph")
    if proposed_by is not None and proposed_by.mechanism_id != meeting.mechanism_id:
        raise ApplicationError("提出单位不存在。")
    supporting = _topic_units(meeting, lead_unit, supporting_units)
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("order"))["m"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting,
        order=last + 1,
        title=title,
        description=(description or "").strip(),
        proposed_by=proposed_by,
        lead_unit=lead_unit,
    )
    item.supporting_units.set(supporting)
    audit_record(
        actor=actor,
        action="meeting.agenda_add",
        target=meeting,
        data={
            "item": item.pk,
            "lead_unit": lead_unit.name if lead_unit else None,
            "supporting_units": [u.name for u in supporting],
        },
    )
    if is_secretariat(actor):
        # 二(四): the secretariat's choice of who reports on a topic teaches routing; a topical
        # meeting's chair unit decides for its own meeting only, so it does not.
        routing_example_record(
            text=f"{item.title} {item.description}",
            lead_unit=lead_unit,
            supporting_units=supporting,
            source_key=f"meetings.agenda_item:{item.pk}",
            actor=actor,
        )
    return item


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, up: bool, actor: Membership) -> None:
    meeting = item.meeting
    _require_convener(actor, meeting)
    _require_editable(meeting)
    _renumber_agenda(meeting)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("order", "id"))
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if up else index + 1
    if target < 0 or target >= len(items):
        return
    items[index], items[target] = items[target], items[index]
    for n, other in enumerate(items, start=1):
        AgendaItem.objects.filter(pk=other.pk).update(order=n)
    audit_record(
        actor=actor,
        action="meeting.agenda_move",
        target=meeting,
        data={"item": item.pk, "up": up},
    )


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor: Membership) -> None:
    meeting = item.meeting
    _require_convener(actor, meeting)
    _require_editable(meeting)
    data = {"item": item.pk, "title": item.title}
    routing_example_forget(source_key=f"meetings.agenda_item:{item.pk}", actor=actor)
    item.delete()
    _renumber_agenda(meeting)
    audit_record(actor=actor, action="meeting.agenda_remove", target=meeting, data=data)


@transaction.atomic
def agenda_carryover_refresh(*, meeting: Meeting, actor: Membership) -> AgendaItem:
    """Refill "上次会议议定事项落实情况" from the items still unfinished (四(二))."""
    _require_convener(actor, meeting)
    _require_editable(meeting)
    if meeting.kind != Meeting.Kind.PLENARY:
        raise ApplicationError("只有全体会议的议程包含上次会议议定事项落实情况。")
    description = carryover_description(meeting.mechanism)
    item = AgendaItem.objects.filter(meeting=meeting, is_carryover=True).first()
    if item is None:
        AgendaItem.objects.filter(meeting=meeting).update(order=F("order") + 1)
        item = AgendaItem.objects.create(
            meeting=meeting,
            order=1,
            title=CARRYOVER_TITLE,
            description=description,
            is_carryover=True,
        )
    else:
        item.description = description
        item.save(update_fields=["description"])
    audit_record(actor=actor, action="meeting.agenda_carryover", target=meeting)
    return item


@transaction.atomic
def meeting_material_add(
    *,
    meeting: Meeting,
    title: str,
    file: UploadedFile,
    agenda_item: AgendaItem | None = None,
    actor: Membership,
) -> MeetingMaterial:
    """会议材料 prepared by the convener (三(一)1: 市卫生健康委负责会议材料准备)."""
    _require_convener(actor, meeting)
    _require_editable(meeting)
    if file is None:
        raise ApplicationError("请选择要上传的文件。", field="file")
    if file.size and file.size > MAX_MATERIAL_BYTES:
        raise ApplicationError("文件不能超过 30 MB。", field="file")
    title = clean_text(title or getattr(file, "name", ""), "材料名称", 200, kind="paragraph")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise ApplicationError("所选议题不属于本次会议。")
    material = MeetingMaterial.objects.create(
        meeting=meeting, agenda_item=agenda_item, title=title, file=file, uploaded_by=actor.user
    )
    audit_record(
        actor=actor, action="meeting.material_add", target=meeting, data={"material": material.pk}
    )
    return material
