"""What the supervision endpoints take and return (四(二), 督办). Names follow DESIGN.md."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from lianxi.supervision.models import ActionItem

from .contract import DeadlineWorkdays, FeedbackWorkdays, Id, choices
from .schemas_meetings import UnitRef
from .text import PARAGRAPH_MAX, Day, Line, Link, Paragraph

Light = Literal["red", "yellow", "green", "done"]
Source = Literal["meeting", "government", "annual_plan", "letter", "other"]
ItemStatus = Literal["open", "returned", "closure_requested", "closed"]


class ActionItemOut(Schema):
    id: int
    title: str
    source: str
    source_display: str
    source_label: str
    source_url: str
    lead_unit: UnitRef = Field(description="牵头单位")
    supporting_units: list[UnitRef] = Field(description="配合单位")
    deadline: date = Field(description="办结时限（延期后为新时限）")
    original_deadline: date
    feedback_every_workdays: int
    status: str
    status_display: str
    light: str = Field(description="灯号：red 逾期 / yellow 临期或久未反馈 / green / done")
    light_display: str
    last_progress_at: datetime | None
    closed_at: datetime | None
    closed_on_time: bool | None
    url: str
    page_url: str


class ActionItemPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    light_counts: dict[str, int] = Field(description="筛选条件下（不含灯号筛选）各灯号的事项数")
    items: list[ActionItemOut]


class ProgressReportOut(Schema):
    id: int
    unit: UnitRef
    author: str
    text: str
    status: str = Field(description="draft 草稿（仅本单位可见）/ submitted 已报送")
    status_display: str
    requests_closure: bool = Field(description="申请办结")
    created_at: datetime
    submitted_at: datetime | None
    attachment_url: str = Field(description="附件的下载地址（接受访问令牌），无附件为空")
    attachment_name: str = Field(description="附件的原文件名（下载时亦用此名），无附件为空")


class ReviewOut(Schema):
    id: int
    decision: str
    decision_display: str
    reason: str
    reviewer: str
    report_id: int | None
    created_at: datetime


class ExtensionOut(Schema):
    id: int
    unit: UnitRef
    reason: str
    old_deadline: date
    new_deadline: date
    status: str
    status_display: str
    decision_note: str
    created_at: datetime
    decided_at: datetime | None


class UrgeOut(Schema):
    id: int
    sent_at: datetime
    sent_by: str = Field(description="催办人")
    note: str = Field(description="催办意见")


class ActionItemDetailOut(ActionItemOut):
    description: str
    stale: bool = Field(description="牵头单位久未反馈进展")
    is_lead: bool = Field(description="调用者所在单位是否为牵头单位")
    can_report: bool = Field(description="调用者所在单位可否反馈进展")
    can_urge: bool = Field(description="调用者可否催办（联席会议办公室，事项未办结）")
    reports: list[ProgressReportOut] = Field(description="调用者可见的进展反馈，新的在前")
    reviews: list[ReviewOut]
    extensions: list[ExtensionOut]
    urges: list[UrgeOut] = Field(description="联席会议办公室的催办记录，新的在前")


class ActionItemIn(Schema):
    """An item that comes from no meeting (市政府交办, 年度工作计划, 来函…); meeting items are made
    when the minutes are issued."""

    title: Annotated[str, Line(300)]
    description: Annotated[str, Paragraph(PARAGRAPH_MAX)] = ""
    source: Annotated[str, Line(20)] = Field(
        description="government 市政府交办 / annual_plan 年度计划 / letter 来函 / other 其他"
        "（会议议定事项在纪要印发时生成，重大事项的决定事项在通过或市政府决定时生成，不能在此创建）",
        json_schema_extra=choices(
            ActionItem.Source, exclude=(ActionItem.Source.MEETING, ActionItem.Source.DECISION)
        ),
    )
    source_label: Annotated[str, Line(300)] = ""
    source_url: Annotated[str, Link(300)] = Field(
        default="", description="来源链接：以 http:// 或 https:// 开头的网址"
    )
    lead_unit_id: Id
    supporting_unit_ids: list[Id] = Field(default_factory=list)
    deadline: Annotated[date, Day()] | None = Field(
        default=None, description="办结时限（日期），与工作日数二选一"
    )
    deadline_workdays: DeadlineWorkdays | None = Field(
        default=None, description="自今日起若干个工作日内办结"
    )
    feedback_every_workdays: FeedbackWorkdays = 15


class ProgressIn(Schema):
    text: Annotated[str, Paragraph(PARAGRAPH_MAX)]
    requests_closure: bool = Field(default=False, description="申请办结（仅牵头单位）")
    submit: bool = Field(default=False, description="true 立即报送；false 保存为本单位草稿")


class ReviewIn(Schema):
    decision: Literal["close", "return"] = Field(description="close 办结销号；return 退回")
    reason: Annotated[str, Paragraph(PARAGRAPH_MAX)] = Field(
        default="", description="意见；退回时必填"
    )


class ExtensionIn(Schema):
    new_deadline: Annotated[date, Day()]
    reason: Annotated[str, Paragraph(PARAGRAPH_MAX)]


class DraftSubmitIn(Schema):
    text: Annotated[str, Paragraph(PARAGRAPH_MAX)] | None = Field(
        default=None, description="报送前修改的文本；留空则按草稿报送"
    )


class UrgeIn(Schema):
    note: Annotated[str, Paragraph(500)] = Field(
        default="", description="催办意见（可选，不超过 500 字）"
    )


class DraftEditIn(Schema):
    text: Annotated[str, Paragraph(PARAGRAPH_MAX)]
    requests_closure: bool | None = Field(
        default=None, description="申请办结（仅牵头单位）；留空则不变"
    )


class ExtensionDecisionIn(Schema):
    grant: bool = Field(description="true 同意延期；false 不同意")
    note: Annotated[str, Paragraph(PARAGRAPH_MAX)] = Field(
        default="", description="审核意见；不同意时必填"
    )
