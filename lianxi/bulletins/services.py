"""Every write of information reports and briefs (三(四)1, 三(四)3, 二(三))."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lianxi.core.audit import audit_record
from lianxi.core.exceptions import ApplicationError
from lianxi.core.serials import next_number
from lianxi.core.text import clean_text
from lianxi.notifications.services import notify
from lianxi.organization.models import Membership, Unit
from lianxi.organization.selectors import secretariat_users, unit_people

from . import access
from .models import Brief, BriefArticle, BriefReceipt, InfoReport, InfoReportFile

TITLE_MAX = 200
BODY_MAX = 20_000
NOTE_MAX = 500
LINE_MAX = 300
FILES_MAX = 10
FILE_BYTES_MAX = 20 * 1024 * 1024
IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".webp"})
FILE_SUFFIXES = IMAGE_SUFFIXES | {
    ".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ppt", ".pptx", ".txt", ".ofd",
}  # fmt: skip
COPIES_MAX = 10_000


def report_url(report: InfoReport) -> str:
    return reverse("bulletins:report", args=[report.pk])


def brief_url(brief: Brief) -> str:
    return reverse("bulletins:brief", args=[brief.pk])


def _unit_recipients(unit: Unit, *, member_only: bool = False) -> list[Any]:
    people = unit_people([unit.pk])
    members = people.get((unit.pk, Membership.Role.MEMBER), [])
    if member_only:
        return members or [unit]
    return people.get((unit.pk, Membership.Role.LIAISON), []) + members or [unit]


# --- reports -----------------------------------------------------------------------------------


def _not_editable(report: InfoReport) -> str:
    if report.status == InfoReport.Status.SENT:
        return "该信息已报送联席会议办公室，等待审核，不能再修改。"
    return f"该信息{report.get_status_display()}，不能再修改或报送。"


def _kind(value: str) -> str:
    if value not in InfoReport.Kind.values:
        raise ApplicationError(
            "请选择信息类别（工作动态、经验做法、问题建议或其他）。", field="kind"
        )
    return value


def _check_files(files: Sequence[UploadedFile], already: int) -> None:
    if already + len(files) > FILES_MAX:
        raise ApplicationError(f"附件和图片合计不能超过 {FILES_MAX} 个。", field="files")
    for f in files:
        name = PurePath(f.name or "").name
        if PurePath(name.lower()).suffix not in FILE_SUFFIXES:
            raise ApplicationError(
                f"“{name}”的类型不能上传：图片请用 JPG、PNG，"
                "附件请用 PDF、Word、WPS、Excel 或 OFD。",
                field="files",
            )
        if f.size is not None and f.size > FILE_BYTES_MAX:
            raise ApplicationError(f"“{name}”超过 20 MB。", field="files")
        if not f.size:
            raise ApplicationError(f"“{name}”是空文件。", field="files")


@transaction.atomic
def info_report_save(
    *,
    actor: Membership,
    report: InfoReport | None = None,
    kind: str,
    title: str,
    body: str,
    industry: str = "",
    topic: str = "",
    files: Sequence[UploadedFile] = (),
    remove_file_ids: Sequence[int] = (),
) -> InfoReport:
    """三(四)1: a unit's liaison (or member) drafts a report of the unit's work; a report the
    secretariat returned is changed here and sent again."""
    if actor.role not in access.UNIT_ROLES:
        raise ApplicationError("只有成员单位的联络员和联席会议成员可以起草信息。")
    kind = _kind(kind)
    title = clean_text(title, "标题", TITLE_MAX)
    body = clean_text(body, "正文", BODY_MAX, kind="paragraph")
    industry = clean_text(industry, "涉及行业", 100, required=False)
    topic = clean_text(topic, "主题", 100, required=False)
    if report is None:
        report = InfoReport(
            mechanism_id=actor.unit.mechanism_id, unit=actor.unit, author=actor.user
        )
        kept = 0
    else:
        report = InfoReport.objects.select_for_update().get(pk=report.pk)
        if not access.may_edit_report(actor, report):
            raise ApplicationError(_not_editable(report))
        kept = report.files.exclude(pk__in=list(remove_file_ids)).count()
        # A draft changed by the liaison after it went before the member goes back to the
        # liaison's hands: the member approves what will be sent, not an earlier text. A
        # returned report being changed is the unit's draft again (the secretariat, which saw
        # the text it returned, does not read the new one before it is sent).
        if report.status == InfoReport.Status.RETURNED or (
            report.status == InfoReport.Status.AWAITING_MEMBER
            and actor.role == Membership.Role.LIAISON
        ):
            report.status = InfoReport.Status.DRAFT
    _check_files(files, kept)
    report.kind, report.title, report.body = kind, title, body
    report.industry, report.topic = industry, topic
    report.save()
    if remove_file_ids:
        report.files.filter(pk__in=list(remove_file_ids)).delete()
    for f in files:
        name = PurePath(f.name or "附件").name[:200]
        InfoReportFile.objects.create(
            report=report,
            name=name,
            file=f,
            is_image=PurePath(name.lower()).suffix in IMAGE_SUFFIXES,
        )
    audit_record(
        actor=actor,
        action="info_report.save",
        target=report,
        data={"title": title, "kind": kind, "files": len(files), "removed": len(remove_file_ids)},
    )
    return report


@transaction.atomic
def info_report_send(*, actor: Membership, report: InfoReport, now: datetime) -> str:
    """三(四)1: the liaison puts the draft before the unit's member; the member sends it to the
    secretariat (the unit vouches for it). Returns the new state."""
    report = InfoReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    if not access.may_send_report(actor, report):
        if access.own_unit(actor, report) and report.status == InfoReport.Status.AWAITING_MEMBER:
            raise ApplicationError("该信息已提交本单位联席会议成员审核，请等待成员报送。")
        raise ApplicationError(_not_editable(report))
    if actor.role == Membership.Role.LIAISON:
        report.status = InfoReport.Status.AWAITING_MEMBER
        report.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="info_report.submit_to_member", target=report)
        notify(
            recipients=_unit_recipients(report.unit, member_only=True),
            kind="bulletins.report_to_member",
            subject=f"请审核本单位报送的信息：{report.title}"[:200],
            body=f"联络员已起草信息“{report.title}”，请审核后报送联席会议办公室。",
            url=report_url(report),
            actor=actor,
        )
        return report.status
    report.status = InfoReport.Status.SENT
    report.sent_at = now
    report.first_sent_at = report.first_sent_at or now
    report.sent_by = actor.user
    report.save(update_fields=["status", "sent_at", "first_sent_at", "sent_by", "updated_at"])
    audit_record(actor=actor, action="info_report.send", target=report)
    notify(
        recipients=secretariat_users(report.mechanism_id),
        kind="bulletins.report_sent",
        subject=f"{report.unit.name}报送信息：{report.title}"[:200],
        body=f"{report.unit.name}报送了{report.get_kind_display()}“{report.title}”，请审核。",
        url=report_url(report),
        actor=actor,
    )
    return report.status


DECISIONS = {"adopt": "采用", "return": "退回修改", "decline": "不采用"}


@transaction.atomic
def info_report_review(
    *,
    actor: Membership,
    report: InfoReport,
    decision: str,
    note: str = "",
    adopted_as: str = InfoReport.AdoptedAs.BRIEF,
    now: datetime,
) -> InfoReport:
    """三(四)1, 三(四)3: the secretariat adopts a sent report (into a brief, or as 经验交流),
    returns it for a change with a note, or declines it with a reason; the unit is told."""
    if not access.is_secretariat(actor):
        raise ApplicationError("只有联席会议办公室可以审核信息。")
    report = InfoReport.objects.select_for_update().select_related("unit").get(pk=report.pk)
    if report.mechanism_id != actor.unit.mechanism_id:
        raise ApplicationError(access.REPORT_NOT_FOUND)
    if report.status != InfoReport.Status.SENT:
        raise ApplicationError(f"该信息{report.get_status_display()}，不能再审核。")
    if decision not in DECISIONS:
        raise ApplicationError("请选择审核结果：采用、退回修改或不采用。", field="decision")
    if decision == "adopt":
        if adopted_as not in InfoReport.AdoptedAs.values:
            raise ApplicationError("请选择采用方式：编入简报或经验交流。", field="adopted_as")
        note = clean_text(note, "审核意见", NOTE_MAX, required=False, kind="paragraph")
        report.status = InfoReport.Status.ADOPTED
        report.adopted_as = adopted_as
    else:
        label = "退回意见" if decision == "return" else "不采用理由"
        note = clean_text(note, label, NOTE_MAX, kind="paragraph")
        if decision == "return":
            report.status = InfoReport.Status.RETURNED
            report.returned_count += 1
        else:
            report.status = InfoReport.Status.DECLINED
    report.review_note = note
    report.reviewed_at, report.reviewed_by = now, actor.user
    report.save()
    audit_record(
        actor=actor,
        action=f"info_report.{decision}",
        target=report,
        data={"note": note, "adopted_as": report.adopted_as},
    )
    said = {
        "adopt": f"已被采用（{report.get_adopted_as_display()}）",
        "return": f"被退回修改，意见：{note}",
        "decline": f"未被采用，理由：{note}",
    }[decision]
    notify(
        recipients=_unit_recipients(report.unit),
        kind="bulletins.report_reviewed",
        subject=f"信息“{report.title}”{DECISIONS[decision]}"[:200],
        body=f"贵单位报送的信息“{report.title}”{said}",
        url=report_url(report),
        actor=actor,
    )
    return report


# --- briefs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleIn:
    title: str = ""
    body: str = ""
    source_report_id: int | None = None


def _taken_elsewhere(brief: Brief, report_ids: Sequence[int]) -> list[InfoReport]:
    """Source reports already in another issued brief: a report is printed once."""
    in_issued = (
        BriefArticle.objects.filter(
            source_report_id__in=list(report_ids), brief__status=Brief.Status.ISSUED
        )
        .exclude(brief_id=brief.pk)
        .values("source_report_id")
    )
    return list(InfoReport.objects.filter(pk__in=in_issued).order_by("pk"))


def _articles(actor: Membership, brief: Brief, articles: Sequence[ArticleIn]) -> None:
    if not articles:
        raise ApplicationError("简报至少要有一篇文章。", field="articles")
    ids = [a.source_report_id for a in articles if a.source_report_id is not None]
    if len(ids) != len(set(ids)):
        raise ApplicationError("同一条信息只能编入一篇文章。", field="articles")
    # Only what the secretariat may read, and adopted: a unit's draft is neither found nor
    # named here (the message says the same for a missing and an unadopted source).
    sources = {
        r.pk: r
        for r in access.visible_reports(actor)
        .filter(pk__in=ids, status=InfoReport.Status.ADOPTED)
        .select_related("unit")
    }
    taken = {r.pk for r in _taken_elsewhere(brief, ids)}
    rows = []
    for n, a in enumerate(articles, 1):
        source = None
        if a.source_report_id is not None:
            source = sources.get(a.source_report_id)
            if source is None:
                raise ApplicationError(
                    f"第 {n} 篇文章的来源信息不存在或尚未采用。", field="articles"
                )
            if source.pk in taken:
                raise ApplicationError(
                    f"第 {n} 篇文章的来源信息“{source.title}”已编入已印发的简报。",
                    field="articles",
                )
        title = clean_text(
            a.title or (source.title if source else ""), f"第 {n} 篇文章的标题", TITLE_MAX
        )
        body = clean_text(
            a.body or (source.body if source else ""),
            f"第 {n} 篇文章的正文",
            BODY_MAX,
            kind="paragraph",
        )
        rows.append(
            BriefArticle(
                brief=brief,
                order=n,
                title=title,
                body=body,
                source_report=source,
                source_unit=source.unit if source else None,
            )
        )
    BriefArticle.objects.filter(brief=brief).delete()
    BriefArticle.objects.bulk_create(rows)


def _brief_fields(
    brief: Brief,
    *,
    kind: str,
    title: str,
    report_to: str,
    send_to: str,
    issue_to: str,
    copies: int,
) -> None:
    if kind not in Brief.Kind.values:
        raise ApplicationError("请选择简报类别（工作简报、增刊、专刊或经验交流）。", field="kind")
    if not 0 <= int(copies) <= COPIES_MAX:
        raise ApplicationError(f"印数应在 0 至 {COPIES_MAX} 份之间。", field="copies")
    brief.kind = kind
    brief.title = clean_text(title, "本期标题", TITLE_MAX)
    brief.report_to = clean_text(report_to, "报送单位（报）", LINE_MAX, required=False)
    brief.send_to = clean_text(send_to, "送阅单位（送）", LINE_MAX, required=False)
    brief.issue_to = clean_text(issue_to, "分发单位（发）", LINE_MAX, required=False)
    brief.copies = int(copies)


@transaction.atomic
def brief_create(
    *,
    actor: Membership,
    title: str,
    articles: Sequence[ArticleIn],
    kind: str = Brief.Kind.REGULAR,
    report_to: str = "",
    send_to: str = "",
    issue_to: str = "",
    copies: int = 0,
) -> Brief:
    """三(四)1: the secretariat compiles a brief from adopted reports (edited in the brief, the
    source kept) and articles of its own; numbered only when issued."""
    if not access.is_secretariat(actor):
        raise ApplicationError("只有联席会议办公室可以编辑简报。")
    brief = Brief(mechanism_id=actor.unit.mechanism_id, created_by=actor.user)
    _brief_fields(
        brief,
        kind=kind,
        title=title,
        report_to=report_to,
        send_to=send_to,
        issue_to=issue_to,
        copies=copies,
    )
    brief.save()
    _articles(actor, brief, articles)
    audit_record(
        actor=actor,
        action="brief.create",
        target=brief,
        data={"title": brief.title, "kind": brief.kind, "articles": len(articles)},
    )
    return brief


@transaction.atomic
def brief_update(
    *,
    actor: Membership,
    brief: Brief,
    title: str,
    articles: Sequence[ArticleIn],
    kind: str,
    report_to: str = "",
    send_to: str = "",
    issue_to: str = "",
    copies: int = 0,
) -> Brief:
    brief = Brief.objects.select_for_update().get(pk=brief.pk)
    if brief.mechanism_id != actor.unit.mechanism_id:
        raise ApplicationError(access.BRIEF_NOT_FOUND)
    if not access.may_edit_brief(actor, brief):
        raise ApplicationError("简报已印发，不能再修改。")
    _brief_fields(
        brief,
        kind=kind,
        title=title,
        report_to=report_to,
        send_to=send_to,
        issue_to=issue_to,
        copies=copies,
    )
    brief.save()
    _articles(actor, brief, articles)
    audit_record(
        actor=actor,
        action="brief.update",
        target=brief,
        data={"title": brief.title, "articles": len(articles)},
    )
    return brief


def default_recipients(mechanism_id: int) -> list[Unit]:
    """The member units and the city government's office: a brief goes to all of them unless
    the secretariat chooses."""
    return list(
        Unit.objects.filter(
            mechanism_id=mechanism_id,
            active=True,
            kind__in=[Unit.Kind.MEMBER, Unit.Kind.GOVERNMENT],
        ).order_by("order", "id")
    )


@transaction.atomic
def brief_issue(
    *,
    actor: Membership,
    brief: Brief,
    now: datetime,
    recipient_unit_ids: Sequence[int] | None = None,
) -> Brief:
    """三(四)1: issuing takes the next number of the year for the brief's kind (第N期, no gap,
    no duplicate: a rolled-back issue gives its number back), sends it to the distribution list
    and asks each unit to sign for it."""
    if not access.is_secretariat(actor):
        raise ApplicationError("只有联席会议办公室可以印发简报。")
    brief = Brief.objects.select_for_update().get(pk=brief.pk)
    if brief.mechanism_id != actor.unit.mechanism_id:
        raise ApplicationError(access.BRIEF_NOT_FOUND)
    if brief.status != Brief.Status.DRAFT:
        raise ApplicationError(
            f"简报已于{timezone.localtime(brief.issued_at).date():%Y年%m月%d日}印发。"
        )
    if not brief.articles.exists():
        raise ApplicationError("简报至少要有一篇文章才能印发。")
    sources = [i for i in brief.articles.values_list("source_report_id", flat=True) if i]
    twice = _taken_elsewhere(brief, sources)
    if twice:
        raise ApplicationError(f"信息“{twice[0].title}”已编入已印发的简报，请先从本期删去。")
    choices = default_recipients(brief.mechanism_id)
    if recipient_unit_ids is None:
        units = choices
    else:
        wanted = set(int(i) for i in recipient_unit_ids)
        units = [u for u in choices if u.pk in wanted]
        unknown = wanted - {u.pk for u in units}
        if unknown or not units:
            raise ApplicationError(
                "请从本联席会议的成员单位和市政府办公室中选择分送单位。", field="recipients"
            )
    BriefReceipt.objects.bulk_create(BriefReceipt(brief=brief, unit=u) for u in units)
    people = unit_people(u.pk for u in units)
    recipients: list[Any] = []
    for unit in units:
        staff = people.get((unit.pk, Membership.Role.LIAISON), []) + people.get(
            (unit.pk, Membership.Role.MEMBER), []
        )
        recipients += staff or [unit]
    # The number last: its row stays locked until this transaction commits (a second clerk
    # issuing waits for it), so everything that does not need it is written first.
    year = timezone.localtime(now).year
    brief.year = year
    brief.number = next_number(series=f"brief.{brief.kind}", scope_id=brief.mechanism_id, year=year)
    brief.status = Brief.Status.ISSUED
    brief.issued_at, brief.issued_by = now, actor.user
    brief.save()
    audit_record(
        actor=actor,
        action="brief.issue",
        target=brief,
        data={"year": year, "number": brief.number, "kind": brief.kind, "units": len(units)},
    )
    notify(
        recipients=recipients,
        kind="bulletins.brief_issued",
        subject=f"{brief.masthead} {year}年{brief.issue_label}：{brief.title}"[:200],
        body=f"联席会议办公室印发了{brief.masthead}{year}年{brief.issue_label}"
        f"“{brief.title}”，请查阅并签收。",
        url=brief_url(brief),
        actor=actor,
        key=f"brief:{brief.pk}:issued",
    )
    return brief


@transaction.atomic
def brief_sign(*, actor: Membership, brief: Brief, now: datetime) -> BriefReceipt:
    """A unit on the distribution list signs for its copy (签收), once."""
    receipt = (
        BriefReceipt.objects.select_for_update()
        .filter(brief_id=brief.pk, unit_id=actor.unit_id, brief__status=Brief.Status.ISSUED)
        .first()
    )
    if receipt is None:
        raise ApplicationError("本单位不在该期简报的分送范围内。")
    if receipt.signed_at is not None:
        return receipt
    receipt.signed_at, receipt.signed_by = now, actor.user
    receipt.save(update_fields=["signed_at", "signed_by"])
    audit_record(actor=actor, action="brief.sign", target=brief, data={"unit": actor.unit_id})
    return receipt
