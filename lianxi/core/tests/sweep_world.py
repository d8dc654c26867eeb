"""The first joint meeting's world for the URL sweep: one record of every kind, made through the
apps' own services, each carrying a marker so that a leak is visible in any response body.

The markers are strings no second joint meeting could produce by itself: "甲方机密" in every
title and text, the first meeting's name, the names of its people (its clerk's, 甲秘书's and
whoever else a test gave a membership in it) and a phone number.
The words a search or routing probe types (``PROBE_WORDS``) are deliberately not markers, so a
page that echoes the query back is not mistaken for a leak.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lianxi.annual.models import AnnualSubmission
from lianxi.annual.services import cycle_open, part_save
from lianxi.api.models import ApiToken
from lianxi.api.services import api_token_create
from lianxi.bulletins.models import Brief, InfoReport, InfoReportFile
from lianxi.bulletins.services import (
    ArticleIn,
    brief_create,
    brief_issue,
    info_report_review,
    info_report_save,
    info_report_send,
)
from lianxi.conftest import PASSWORD
from lianxi.core.audit import Actor, audit_record
from lianxi.core.models import AuditEvent
from lianxi.decisions.models import Decision, Opinion
from lianxi.decisions.services import decision_create, opinion_answer, round_open
from lianxi.documents.models import (
    Comment,
    Consultation,
    DocumentReceipt,
    IssuedNumber,
    OfficialDocument,
    Seal,
)
from lianxi.documents.services import (
    Parties,
    document_create,
    document_issue,
    document_save,
    register_create,
    seal_upload,
)
from lianxi.documents.services.consultation import consultation_send, reply_draft
from lianxi.documents.tests.issuing_helpers import seal_png
from lianxi.incidents.models import Incident, IncidentNotice, IncidentUpdate
from lianxi.incidents.services import (
    IncidentInput,
    incident_notify,
    incident_register,
    incident_update_add,
)
from lianxi.incidents.tests.conftest import VALID_CODE
from lianxi.meetings import services as meetings
from lianxi.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingMaterial,
    Minutes,
    MinutesSection,
    Resolution,
)
from lianxi.meetings.tests.fixtures import hold, soon
from lianxi.notifications.models import Delivery
from lianxi.notifications.services import notify
from lianxi.organization.models import Mechanism, Membership, RulesDocument, Unit
from lianxi.routing.models import ThesaurusEntry
from lianxi.routing.services import thesaurus_entry_create
from lianxi.search.services import search_index_refresh
from lianxi.supervision.models import ActionItem, ExtensionRequest, ProgressReport
from lianxi.supervision.services import (
    action_item_create,
    extension_request_create,
    progress_report_create,
)

SECRET = "甲方机密"
PERSON_NAME = "甲秘书"
PHONE = "13900007001"
CLERK_NAME = "王秘书"  # the shared `clerk` persona, who convenes everything below
# What a probe types into search boxes and the routing page: words of the first meeting's
# records that are not markers themselves (an echoed query must not count as a leak).
PROBE_WORDS = "防尘口罩"


def markers(mechanism: Mechanism) -> list[str]:
    """Found, not only listed: every person with a membership in the first meeting is one (the
    personas a test adds there too), read when the sweep starts."""
    names = Membership.objects.filter(unit__mechanism=mechanism).values_list(
        "user__first_name", flat=True
    )
    people = sorted({name for name in names if name} - {PERSON_NAME, CLERK_NAME})
    return [SECRET, PERSON_NAME, PHONE, CLERK_NAME, mechanism.name, *people]


@dataclass
class World:
    mechanism: Mechanism
    second_mechanism: Mechanism
    meeting: Meeting  # upcoming, still editable: agenda, materials, invitations
    agenda_item: AgendaItem
    material: MeetingMaterial
    held_meeting: Meeting  # held, its minutes issued
    minutes: Minutes
    section: MinutesSection
    resolution: Resolution
    item: ActionItem  # lead: health commission, supporting: human resources
    report: ProgressReport  # submitted, with an attachment
    extension: ExtensionRequest  # pending
    incident: Incident
    notice: IncidentNotice  # to human resources, not yet acknowledged
    update: IncidentUpdate
    thesaurus_entry: ThesaurusEntry
    person: Membership  # 甲秘书 of the trade union, with a phone number
    inbox_delivery: Delivery  # to the first clerk
    dead_letter: Delivery  # to the first clerk, failed for good
    hrss_unit: Unit
    legacy_event: AuditEvent  # the first clerk's, written before events had a scope (NULL)
    api_token: ApiToken  # the health liaison's, in the first meeting
    document: OfficialDocument  # a joint draft of the secretariat with human resources, 2 versions
    consultation: Consultation  # its 第2稿 sent to the trade union
    comment: Comment  # 甲秘书's (the trade union's liaison) drafted comment on it
    seal: Seal  # the health commission's, in use
    issued_number: IssuedNumber  # of a 通知 issued to human resources
    receipt: DocumentReceipt  # human resources' receipt of that 通知, not yet signed for
    decision: Decision  # a major matter of human resources, put to it and the trade union
    decision_opinion: Opinion  # 甲秘书's drafted dissent in its open round
    annual_submission: AnnualSubmission  # the trade union's, its summary drafted by 甲秘书
    info_report: InfoReport  # the trade union's 经验做法, adopted as 经验交流, with a photo
    info_file: InfoReportFile
    brief: Brief  # issued to every unit, its article taken from that report


def _upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def build_world(
    *,
    mechanism: Mechanism,
    second_mechanism: Mechanism,
    clerk: Any,
    health_liaison: Any,
    other_liaison: Any,
) -> World:
    """The first joint meeting's record; `clerk` is its secretariat, `health_liaison` and
    `other_liaison` the liaisons of the health commission and of human resources."""

    def unit(name: str) -> Unit:
        return Unit.objects.get(mechanism=mechanism, name=name)

    health, hrss, union = unit("市卫生健康委"), unit("市人力资源和社会保障局"), unit("市总工会")
    sec = clerk.membership

    # The second meeting's rules were made from the same template as the first's: give them
    # their own title, so the first meeting's name in a body can only come from the first.
    RulesDocument.objects.filter(mechanism=second_mechanism).update(
        title="青溪县职业病防治工作联席会议制度工作规则",
        issuer="青溪县卫生健康委员会",
        document_number="青卫职健〔2024〕1号",
    )

    user = get_user_model().objects.create_user(
        username="jia", first_name=PERSON_NAME, password=PASSWORD, email="jia@example.org"
    )
    person = Membership.objects.create(user=user, unit=union, role="liaison", phone=PHONE)

    # --- meetings: one held with issued minutes, one in preparation -------------------------
    held_meeting = meetings.meeting_schedule(
        kind=Meeting.Kind.PLENARY,
        title=f"{SECRET}全体会议",
        starts_at=soon(10),
        ends_at=soon(10, hour=11),
        location=f"{SECRET}会议室",
        observer_units=(),
        actor=sec,
    )
    meetings.agenda_item_add(meeting=held_meeting, title=f"{SECRET}议题（已召开）", actor=sec)
    meetings.meeting_notify(meeting=held_meeting, actor=sec)
    hold(held_meeting, sec)
    minutes = meetings.minutes_draft(meeting=held_meeting, actor=sec)
    section = minutes.sections.order_by("order").first()
    assert section is not None
    meetings.minutes_update(
        minutes=minutes,
        intro=f"会议研究了{SECRET}事项（{PROBE_WORDS}配发）。",
        sections={section.pk: (section.heading, f"{SECRET}：会议进行了讨论。")},
        actor=sec,
    )
    resolution = meetings.resolution_add(
        section=section,
        text=f"{SECRET}议定事项：落实{PROBE_WORDS}配发",
        lead_unit=hrss,
        deadline_workdays=20,
        actor=sec,
    )
    meetings.minutes_approve(minutes=minutes, actor=sec)
    meetings.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    meetings.minutes_issue(minutes=minutes, actor=sec)
    minutes.refresh_from_db()

    meeting = meetings.meeting_schedule(
        kind=Meeting.Kind.PLENARY,
        title=f"{SECRET}筹备会议",
        starts_at=soon(20),
        ends_at=soon(20, hour=11),
        location=f"{SECRET}第二会议室",
        observer_units=(),
        actor=sec,
    )
    agenda_item = meetings.agenda_item_add(meeting=meeting, title=f"{SECRET}议题", actor=sec)
    meetings.agenda_item_add(meeting=meeting, title=f"{SECRET}第二议题", actor=sec)
    material = meetings.meeting_material_add(
        meeting=meeting,
        title=f"{SECRET}会议材料",
        file=_upload("cailiao.txt", f"{SECRET}材料内容"),
        agenda_item=agenda_item,
        actor=sec,
    )
    meetings.meeting_notify(meeting=meeting, actor=sec)
    meeting.refresh_from_db()

    # --- supervision: an item with a report (attached file) and a pending extension ----------
    item = action_item_create(
        mechanism=mechanism,
        title=f"{SECRET}督办事项：{PROBE_WORDS}专项治理",
        description=f"{SECRET}的督办要求。",
        source=ActionItem.Source.GOVERNMENT,
        source_label=f"{SECRET}交办函",
        lead_unit=health,
        supporting_units=(hrss,),
        deadline_workdays=30,
        actor=clerk,
    )
    report = progress_report_create(
        item=item,
        actor=health_liaison,
        text=f"{SECRET}进展：已配发{PROBE_WORDS}。",
        attachment=_upload("fujian.txt", f"{SECRET}附件内容"),
        submit=True,
    )
    extension = extension_request_create(
        item=item,
        actor=health_liaison,
        reason=f"{SECRET}延期理由",
        new_deadline=item.deadline + timedelta(days=30),
    )
    item.refresh_from_db()

    # --- incidents: registered, notified to human resources, a follow-up ---------------------
    now = timezone.now()
    incident, _ = incident_register(
        mechanism=mechanism,
        data=IncidentInput(
            title=f"{SECRET}硫化氢中毒事故",
            occurred_at=now - timedelta(hours=3),
            first_reported_at=now - timedelta(hours=2),
            location=f"{SECRET}工业园区",
            enterprise_name=f"{SECRET}化工有限公司",
            credit_code=VALID_CODE,
            industry="化学原料和化学制品制造业",
            address=f"{SECRET}路 8 号",
            county="浉河区",
            hazard=Incident.Hazard.CHEMICAL,
            substance="硫化氢",
            exposed_count=10,
            poisoned_count=3,
            death_count=0,
            onset=f"{SECRET}：清理污水池时 3 人头晕（未配{PROBE_WORDS}）。",
            probable_cause="未通风即进入有限空间作业。",
            measures_taken="已停产。",
            trend="平稳。",
        ),
        actor=sec,
    )
    (notice,) = incident_notify(incident=incident, units=[hrss], actor=sec)
    update = incident_update_add(
        incident=incident, kind=IncidentUpdate.Kind.FOLLOW_UP, text=f"{SECRET}续报", actor=sec
    )
    incident.refresh_from_db()

    # --- routing, messages, search ---------------------------------------------------------
    thesaurus_entry = thesaurus_entry_create(
        mechanism=mechanism, term=PROBE_WORDS, targets=f"{SECRET} 尘肺", actor=sec
    )
    message = notify(
        recipients=[clerk], kind="t", subject=f"{SECRET}消息", body=f"{SECRET}正文", url="/x/"
    )
    inbox_delivery = message.deliveries.get(channel="inbox")
    failed = notify(recipients=[clerk], kind="t", subject=f"{SECRET}投递失败", body="")
    dead_letter = failed.deliveries.get(channel="email")
    Delivery.objects.filter(pk=dead_letter.pk).update(
        status=Delivery.Status.DEAD, attempts=8, last_error=f"{SECRET}：SMTPRecipientsRefused"
    )
    dead_letter.refresh_from_db()

    # --- documents: a joint draft in its second version ------------------------------------
    document = document_create(
        actor=sec,
        kind="方案",
        title=f"{SECRET}职业病危害专项治理工作方案",
        paragraphs=["一、工作目标", f"{SECRET}：{PROBE_WORDS}全覆盖。"],
        parties=Parties(co_issuing_unit_ids=[hrss.pk], main_to_names=[f"{SECRET}各县区"]),
        attachments=[f"{SECRET}任务分工表"],
    )
    document_save(
        actor=sec,
        document=document,
        based_on=1,
        title=document.title,
        paragraphs=["一、工作目标", f"{SECRET}：{PROBE_WORDS}全覆盖。", "二、保障措施"],
    )
    document.refresh_from_db()
    consultation = consultation_send(
        actor=sec, document=document, unit_ids=[union.pk], deadline_workdays=5
    )
    reply = reply_draft(
        actor=person,
        reply=consultation.replies.get(unit=union),
        stance="comments",
        comments=[{"text": f"{SECRET}：建议补充{PROBE_WORDS}的配发标准。"}],
    )
    comment = reply.comments.get()
    document.refresh_from_db()
    # ... and a 通知 of the health commission, sealed, numbered and issued to human resources.
    seal = seal_upload(actor=sec, unit=health, data=seal_png())
    register_create(actor=sec, unit=health, prefix="信卫职健")
    notice_document = document_create(
        actor=sec,
        kind="通知",
        title=f"{SECRET}关于报送职业病防治工作进展的通知",
        paragraphs=[f"{SECRET}：请于月底前报送。"],
        parties=Parties(main_to_unit_ids=[hrss.pk]),
    )
    document_issue(actor=sec, document=notice_document)

    # --- decisions: a major matter in consultation, the trade union's dissent drafted ------
    decision = decision_create(
        actor=sec,
        title=f"{SECRET}尘肺病患者救助事项",
        proposal=f"{SECRET}：{PROBE_WORDS}纳入救助。",
        proposing_unit_id=hrss.pk,
        concerned_unit_ids=[hrss.pk, union.pk],
    )
    decision_round = round_open(actor=sec, decision=decision, method="writing", deadline_workdays=5)
    decision_opinion = opinion_answer(
        actor=person,
        opinion=decision_round.opinions.get(unit=union),
        stance="disagree",
        text=f"{SECRET}：不同意的理由",
    )
    # --- annual: the cycle of next year open, the trade union's summary drafted ---------------
    mechanism.annual_submission_deadline = "01-15"
    mechanism.save(update_fields=["annual_submission_deadline"])
    cycle = cycle_open(mechanism=mechanism, year=timezone.localdate().year + 1, now=timezone.now())
    annual_submission = part_save(
        submission=cycle.submissions.get(unit=union),
        part="summary",
        actor=person,
        text=f"{SECRET}：本单位年度工作总结",
    )
    # --- bulletins: the trade union's report adopted, and a brief made of it ------------------
    boss = get_user_model().objects.create_user(
        username="jiaboss", first_name="甲主席", password=PASSWORD
    )
    union_member = Membership.objects.create(user=boss, unit=union, role="member")
    info_report = info_report_save(
        actor=person,
        kind="experience",
        title=f"{SECRET}经验做法",
        body=f"{SECRET}：{PROBE_WORDS}发放到一线。",
        files=[SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png")],
    )
    info_report_send(actor=person, report=info_report, now=timezone.now())
    info_report_send(actor=union_member, report=info_report, now=timezone.now())
    info_report = info_report_review(
        actor=sec, report=info_report, decision="adopt", adopted_as="exchange", now=timezone.now()
    )
    brief = brief_issue(
        actor=sec,
        brief=brief_create(
            actor=sec, title=f"{SECRET}简报", articles=[ArticleIn(source_report_id=info_report.pk)]
        ),
        now=timezone.now(),
    )
    search_index_refresh()

    # An event as written before joint meetings had scopes: scope NULL. It can only be the first
    # meeting's (it was the platform's only one then), so another meeting's auditor must not
    # read it.
    legacy_event = audit_record(
        actor=Actor(
            user_id=clerk.pk,
            name=CLERK_NAME,
            unit_id=health.pk,
            unit_name=health.name,
            role=Membership.Role.SECRETARIAT,
        ),
        action="action_item.create",
        data={"title": f"{SECRET}旧督办事项"},
    )
    assert legacy_event.scope_id is None

    return World(
        mechanism=mechanism,
        second_mechanism=second_mechanism,
        meeting=meeting,
        agenda_item=agenda_item,
        material=material,
        held_meeting=held_meeting,
        minutes=minutes,
        section=section,
        resolution=resolution,
        item=item,
        report=report,
        extension=extension,
        incident=incident,
        notice=notice,
        update=update,
        thesaurus_entry=thesaurus_entry,
        person=person,
        inbox_delivery=inbox_delivery,
        dead_letter=dead_letter,
        hrss_unit=hrss,
        legacy_event=legacy_event,
        api_token=api_token_create(user=health_liaison, name="对接")[0],
        document=document,
        consultation=consultation,
        comment=comment,
        seal=seal,
        issued_number=IssuedNumber.objects.get(document=notice_document),
        receipt=notice_document.receipts.get(unit=hrss),
        decision=decision,
        decision_opinion=decision_opinion,
        annual_submission=annual_submission,
        info_report=info_report,
        info_file=info_report.files.get(),
        brief=brief,
    )
