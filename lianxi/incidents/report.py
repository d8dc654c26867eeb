"""The report up (二(四), 三(四)2): text and PDF with the content the regulations require —
地点、时间、发病情况、死亡人数、可能发生原因、已采取措施、发展趋势.

The PDF is laid out by WeasyPrint with the same free CJK fonts and the same local-only URL
fetcher as the minutes: rendering never touches the network.
"""

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import timezone

from lianxi.core.numbering import chinese_numeral
from lianxi.organization.models import Unit

from . import grading
from .models import Incident

REQUIRED_HEADINGS = (
    "地点",
    "时间",
    "发病情况",
    "死亡人数",
    "可能发生原因",
    "已采取措施",
    "发展趋势",
)


def _when(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def reporting_unit_name(incident: Incident) -> str:
    unit = (
        Unit.objects.filter(mechanism_id=incident.mechanism_id, is_secretariat=True)
        .values_list("name", flat=True)
        .first()
    )
    return unit or "联席会议办公室"


def report_sections(incident: Incident) -> list[tuple[str, str]]:
    """(heading, text) in the order the regulations list the content of a report."""
    enterprise = incident.enterprise
    hazard = incident.get_hazard_display() + (
        f"（{incident.substance}）" if incident.substance else ""
    )
    onset = f"接触{hazard} {incident.exposed_count} 人，急性中毒 {incident.poisoned_count} 人。" + (
        incident.onset or ""
    )
    return [
        (
            "地点",
            f"{incident.location}，{enterprise.name}（统一社会信用代码 {enterprise.credit_code}"
            + (f"，{enterprise.industry}" if enterprise.industry else "")
            + (f"，{enterprise.county}" if enterprise.county else "")
            + (f"，{enterprise.address}" if enterprise.address else "")
            + "）",
        ),
        ("时间", f"{_when(incident.occurred_at)}发生，{_when(incident.first_reported_at)}首次报告"),
        ("发病情况", onset),
        ("死亡人数", f"{incident.death_count} 人"),
        ("可能发生原因", incident.probable_cause or "正在调查"),
        ("已采取措施", incident.measures_taken or "正在核实"),
        ("发展趋势", incident.trend or "正在研判"),
    ]


def report_title(incident: Incident) -> str:
    return f"关于{incident.enterprise.name}发生职业病危害事故的报告"


def report_grade(incident: Incident) -> str:
    return f"{grading.grade_label(incident.grade)}事故" + (
        "（放射事故）" if incident.is_radiation else ""
    )


def report_text(incident: Incident, *, recipient: str = "", at: datetime | None = None) -> str:
    """The report as plain text (kept with each recorded sending)."""
    at = at or timezone.now()
    lines = [report_title(incident), ""]
    if recipient:
        lines.append(f"{recipient}：")
    lines.append(
        f"    {_when(incident.occurred_at)}，{incident.location}发生一起职业病危害事故，"
        f"初步判定为{report_grade(incident)}。现将有关情况报告如下："
    )
    for n, (heading, text) in enumerate(report_sections(incident), start=1):
        lines.append(f"    {chinese_numeral(n)}、{heading}：{text}")
    lines.append(f"    事故编号：{incident.reference}。")
    lines.append("")
    lines.append(f"{reporting_unit_name(incident)}")
    lines.append(_when(at))
    return "\n".join(lines)


def report_html(incident: Incident, *, at: datetime | None = None) -> str:
    from lianxi.typesetting import fonts

    at = at or timezone.now()
    return render_to_string(
        "incidents/report_pdf.html",
        {
            "incident": incident,
            "title": report_title(incident),
            "grade": report_grade(incident),
            "sections": report_sections(incident),
            "intro_when": _when(incident.occurred_at),
            "unit_name": reporting_unit_name(incident),
            "at": _when(at),
            "recipients": "、".join(grading.report_recipients()),
            "font": {"body": fonts.css_stack("fangsong"), "title": fonts.css_stack("xiaobiaosong")},
            "title_weight": "bold" if fonts.is_bold("xiaobiaosong") else "normal",
        },
    )


def report_pdf(incident: Incident, *, at: datetime | None = None) -> bytes:
    from lianxi.typesetting.pdf_render import html_to_pdf

    return html_to_pdf(report_html(incident, at=at))
