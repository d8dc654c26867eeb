"""What the information and brief endpoints take and return (三(四)1, 三(四)3).

The lengths are the services' own (lianxi.bulletins.services): a text over its length is a 422
naming the field; a rule's refusal (a report not the caller's to send, a brief already issued)
is a 400 with the message the pages show.
"""

from datetime import datetime
from typing import Annotated

from django.db import models
from ninja import Field, Schema

from lianxi.bulletins import services
from lianxi.bulletins.models import Brief, InfoReport

from .contract import Id
from .schemas_documents import choice
from .schemas_meetings import UnitRef
from .text import Line, Paragraph

KindChoice = Annotated[str, choice(InfoReport.Kind)]
AdoptedAsChoice = Annotated[str, choice(InfoReport.AdoptedAs)]
BriefKindChoice = Annotated[str, choice(Brief.Kind)]


class ReviewDecision(models.TextChoices):
    ADOPT = "adopt", "采用"
    RETURN = "return", "退回修改"
    DECLINE = "decline", "不采用"


DecisionChoice = Annotated[str, choice(ReviewDecision)]
REPORT_STATUS_TEXT = " / ".join(f"{v} {label}" for v, label in InfoReport.Status.choices)


class InfoReportIn(Schema):
    kind: KindChoice = Field(
        default="news",
        description="工作动态 news / 经验做法 experience / 问题建议 suggestion / 其他 other",
    )
    title: Annotated[str, Line(services.TITLE_MAX)] = Field(description="标题")
    body: Annotated[str, Paragraph(services.BODY_MAX)] = Field(description="正文，每段一行")
    industry: Annotated[str, Line(100)] = Field(default="", description="涉及行业（选填）")
    topic: Annotated[str, Line(100)] = Field(default="", description="主题（选填）")


class InfoReportReviewIn(Schema):
    decision: DecisionChoice = Field(
        description="采用 adopt / 退回修改 return / 不采用 decline（中文或代码）"
    )
    note: Annotated[str, Paragraph(services.NOTE_MAX)] = Field(
        default="", description="审核意见；退回修改、不采用时必填，单位可见"
    )
    adopted_as: AdoptedAsChoice = Field(
        default="brief", description="采用方式：编入简报 brief / 经验交流 exchange"
    )


class InfoReportOut(Schema):
    id: int
    unit: UnitRef
    kind: str
    kind_display: str
    title: str
    body: str
    industry: str
    topic: str
    status: str = Field(description=REPORT_STATUS_TEXT)
    status_display: str
    review_note: str
    adopted_as: str
    returned_count: int
    first_sent_at: datetime | None
    sent_at: datetime | None
    reviewed_at: datetime | None
    page_url: str


class InfoReportStatsRowOut(Schema):
    unit: UnitRef
    sent: int = Field(description="本期间首次报送的条数")
    adopted: int = Field(description="其中已采用")
    rate: float | None = Field(description="采用率（百分数，未报送为 null）")
    returned: int = Field(description="其中被退回修改过的条数")
    declined: int
    in_briefs: int = Field(description="本期间印发的简报中来自该单位的文章篇数")


class InfoReportStatsOut(Schema):
    year: int
    period: str
    sent: int
    adopted: int
    rate: float | None
    units: list[InfoReportStatsRowOut]


class BriefArticleIn(Schema):
    title: Annotated[str, Line(services.TITLE_MAX)] = Field(
        default="", description="标题；取自已采用信息时可不填"
    )
    body: Annotated[str, Paragraph(services.BODY_MAX)] = Field(
        default="", description="正文，每段一行；取自已采用信息时可不填"
    )
    source_report_id: Id | None = Field(default=None, description="来源信息（须已采用）")


class BriefIn(Schema):
    title: Annotated[str, Line(services.TITLE_MAX)] = Field(description="本期标题")
    articles: list[BriefArticleIn] = Field(min_length=1, max_length=40, description="文章")
    kind: BriefKindChoice = Field(
        default="regular",
        description="工作简报 regular / 增刊 supplement / 专刊 special / 经验交流 exchange",
    )
    report_to: Annotated[str, Line(services.LINE_MAX)] = Field(default="", description="报：")
    send_to: Annotated[str, Line(services.LINE_MAX)] = Field(default="", description="送：")
    issue_to: Annotated[str, Line(services.LINE_MAX)] = Field(default="", description="发：")
    copies: int = Field(default=0, ge=0, le=services.COPIES_MAX, description="共印份数")


class BriefIssueIn(Schema):
    recipient_unit_ids: list[Id] | None = Field(
        default=None, max_length=200, description="分送单位；不填为全部成员单位和市政府办公室"
    )


class BriefArticleOut(Schema):
    order: int
    title: str
    body: str
    source_report_id: int | None
    source_unit: UnitRef | None


class BriefReceiptOut(Schema):
    unit: UnitRef
    signed_at: datetime | None


class BriefOut(Schema):
    id: int
    kind: str
    kind_display: str
    title: str
    status: str = Field(description="draft 草稿 / issued 已印发")
    year: int | None
    issue_number: int | None = Field(description="期号（印发时编定，每年每类从 1 起连续）")
    issue_label: str
    issued_at: datetime | None
    report_to: str
    send_to: str
    issue_to: str
    copies: int
    articles: list[BriefArticleOut]
    receipts: list[BriefReceiptOut] = Field(description="分送单位及签收（联席会议办公室可见）")
    docx_url: str
    pdf_url: str
    page_url: str
