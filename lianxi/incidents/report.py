"""The report up (二(四), 三(四)2): text and PDF with the content the regulations require —
地点、时间、发病情况、死亡人数、可能发生原因、已采取措施、发展趋势.

The PDF is laid out by WeasyPrint with the same free CJK fonts and the same local-only URL
fetcher as the minutes: rendering never touches the network.
"""

import re
from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from lianxi.core.dates import cn_date
from lianxi.core.numbering import chinese_numeral
from lianxi.organization.access import is_secretariat, membership_of
from lianxi.organization.models import Membership, RulesDocument, Unit

from . import grading
from .models import Incident, IncidentUpdate

REQUIRED_HEADINGS = (
    "地点",
    "时间",
    "发病情况",
    "死亡人数",
    "可能发生原因",
    "已采取措施",
    "发展趋势",
)


# A half-width space between a figure and a Chinese character ("6 人") is not written in
# Chinese official text: "6人", "2026年".
_SPACE_AT_FIGURE = re.compile(
    r"(?<=[0-9])[ \u00a0]+(?=[\u3400-\u9fff])|(?<=[\u3400-\u9fff])[ \u00a0]+(?=[0-9])"
)


def tight(text: str) -> str:
    """Without half-width spaces around figures ("6 人" → "6人")."""
    return _SPACE_AT_FIGURE.sub("", text or "")


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def reporting_unit_name(incident: Incident) -> str:
    """The reporting organ's full name (信阳市卫生健康委员会): the issuer of the rules in force,
    which is the secretariat's unit; else the secretariat unit's name."""
    issuer = (
        RulesDocument.objects.filter(mechanism_id=incident.mechanism_id)
        .exclude(issuer="")
        .order_by("-id")
        .values_list("issuer", flat=True)
        .first()
    )
    if issuer:
        return str(issuer)
    unit = (
        Unit.objects.filter(mechanism_id=incident.mechanism_id, is_secretariat=True)
        .values_list("name", flat=True)
        .first()
    )
    return unit or "联席会议办公室"


def report_contact(incident: Incident, actor: Any = None) -> str:
    """联系人 and 联系电话 of the report: the secretariat person reporting (or downloading), else
    the one who last reported up, else the secretariat's first clerk."""
    membership: Membership | None = None
    candidate = actor if isinstance(actor, Membership) else membership_of(actor)
    if is_secretariat(candidate) and candidate.unit.mechanism_id == incident.mechanism_id:  # type: ignore[union-attr]
        membership = candidate
    if membership is None:
        clerks = Membership.objects.filter(
            unit__mechanism_id=incident.mechanism_id,
            role=Membership.Role.SECRETARIAT,
            active=True,
            user__is_active=True,
        ).select_related("user", "unit")
        last = incident.up_reports.exclude(sent_by=None).order_by("-sent_at").first()
        mine = clerks.filter(user_id=last.sent_by_id).first() if last and last.sent_by_id else None
        membership = mine or clerks.order_by("id").first()
    if membership is None:
        return ""
    phone = membership.phone.strip()
    return f"联系人：{membership.display_name}" + (f"；联系电话：{phone}" if phone else "")


def report_sections(incident: Incident) -> list[tuple[str, str]]:
    """(heading, text) in the order the regulations list the content of a report."""
    enterprise = incident.enterprise
    hazard = incident.get_hazard_display() + (
        f"（{incident.substance}）" if incident.substance else ""
    )
    onset = f"接触{hazard}{incident.exposed_count}人，急性中毒{incident.poisoned_count}人。" + (
        incident.onset or ""
    )
    sections = [
        (
            "地点",
            f"{incident.location}，{enterprise.name}（统一社会信用代码{enterprise.credit_code}"
            + (f"，{enterprise.industry}" if enterprise.industry else "")
            + (f"，{enterprise.county}" if enterprise.county else "")
            + (f"，{enterprise.address}" if enterprise.address else "")
            + "）",
        ),
        ("时间", f"{_when(incident.occurred_at)}发生，{_when(incident.first_reported_at)}首次报告"),
        ("发病情况", onset),
        ("死亡人数", f"{incident.death_count}人"),
        ("可能发生原因", incident.probable_cause or "正在调查"),
        ("已采取措施", incident.measures_taken or "正在核实"),
        ("发展趋势", incident.trend or "正在研判"),
    ]
    return [(heading, tight(text)) for heading, text in sections]


def _kind(update: IncidentUpdate | None) -> str:
    return "报告" if update is None else str(update.get_kind_display())


def report_title(incident: Incident, update: IncidentUpdate | None = None) -> str:
    return f"关于{incident.enterprise.name}发生职业病危害事故的{_kind(update)}"


def report_grade(incident: Incident) -> str:
    return f"{grading.grade_label(incident.grade)}事故" + (
        "（放射事故）" if incident.is_radiation else ""
    )


def report_intro(incident: Incident, update: IncidentUpdate | None = None) -> str:
    if update is None:
        return tight(
            f"{_when(incident.occurred_at)}，{incident.location}发生一起职业病危害事故，"
            f"初步判定为{report_grade(incident)}。现将有关情况报告如下："
        )
    counts = []
    if update.poisoned_count is not None:
        counts.append(f"急性中毒人数更新为{update.poisoned_count}人")
    if update.death_count is not None:
        counts.append(f"死亡人数更新为{update.death_count}人")
    return tight(
        f"{cn_date(incident.first_reported_at)}报告的{incident.location}职业病危害事故"
        f"（事故编号{incident.reference}），现{_kind(update)}如下（{_when(update.created_at)}）："
        f"{update.text}"
        + (f"（{'，'.join(counts)}。）" if counts else "")
        + f"目前判定为{report_grade(incident)}，有关情况如下："
    )


def report_text(
    incident: Incident,
    *,
    recipient: str = "",
    at: datetime | None = None,
    update: IncidentUpdate | None = None,
    actor: Any = None,
) -> str:
    """The report (or the 续报 / 终报 `update`) as plain text, kept with each recorded sending.
    Without a `recipient` it is addressed to every configured one (主送), as the PDF is."""
    at = at or timezone.now()
    lines = [report_title(incident, update), ""]
    lines.append(f"{recipient or '、'.join(grading.report_recipients())}：")
    lines.append(f"    {report_intro(incident, update)}")
    for n, (heading, text) in enumerate(report_sections(incident), start=1):
        lines.append(f"    {chinese_numeral(n)}、{heading}：{text}")
    lines.append(f"    事故编号：{incident.reference}。")
    contact = report_contact(incident, actor)
    if contact:
        lines.append(f"    （{contact}）")
    lines.append("")
    lines.append(f"{reporting_unit_name(incident)}")
    lines.append(cn_date(at))
    return "\n".join(lines)


def report_html(
    incident: Incident,
    *,
    at: datetime | None = None,
    update: IncidentUpdate | None = None,
    actor: Any = None,
) -> str:
    from lianxi.typesetting import fonts

    at = at or timezone.now()
    sections = report_sections(incident)
    return render_to_string(
        "incidents/report_pdf.html",
        {
            "incident": incident,
            "title": report_title(incident, update),
            "grade": report_grade(incident),
            "intro": report_intro(incident, update),
            "sections": [
                (chinese_numeral(n), heading, text)
                for n, (heading, text) in enumerate(sections[:-1], start=1)
            ],
            "last_section": (chinese_numeral(len(sections)), *sections[-1]),
            "unit_name": reporting_unit_name(incident),
            "contact": report_contact(incident, actor),
            "at": cn_date(at),
            "recipients": "、".join(grading.report_recipients()),
            "font": {"body": fonts.css_stack("fangsong"), "title": fonts.css_stack("xiaobiaosong")},
            "title_weight": "bold" if fonts.is_bold("xiaobiaosong") else "normal",
        },
    )


def report_pdf(
    incident: Incident,
    *,
    at: datetime | None = None,
    update: IncidentUpdate | None = None,
    actor: Any = None,
) -> bytes:
    from lianxi.typesetting.pdf_render import html_to_pdf

    return html_to_pdf(report_html(incident, at=at, update=update, actor=actor))
