"""What the supervision endpoints take and return (四(二), 督办). Names follow DESIGN.md."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from .schemas_meetings import UnitRef

Light = Literal["red", "yellow", "green", "done"]
Source = Literal["meeting", "government", "annual_plan", "letter", "other"]
ItemStatus = Literal["open", "closure_requested", "closed"]


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


class ActionItemDetailOut(ActionItemOut):
    description: str
    stale: bool = Field(description="牵头单位久未反馈进展")
    is_lead: bool = Field(description="调用者所在单位是否为牵头单位")
    can_report: bool = Field(description="调用者所在单位可否反馈进展")
    reports: list[ProgressReportOut] = Field(description="调用者可见的进展反馈，新的在前")
    reviews: list[ReviewOut]
    extensions: list[ExtensionOut]


class ActionItemIn(Schema):
    """An item that comes from no meeting (市政府交办, 年度工作计划, 来函…); meeting items are made
    when the minutes are issued."""

    title: str
    description: str = ""
    source: str = Field(description="government 市政府交办 / annual_plan 年度计划 / letter 来函")
    source_label: str = ""
    source_url: str = ""
    lead_unit_id: int
    supporting_unit_ids: list[int] = Field(default_factory=list)
    deadline: date | None = Field(default=None, description="办结时限（日期），与工作日数二选一")
    deadline_workdays: int | None = Field(default=None, description="自今日起若干个工作日内办结")
    feedback_every_workdays: int = 15


class ProgressIn(Schema):
    text: str
    requests_closure: bool = Field(default=False, description="申请办结（仅牵头单位）")
    submit: bool = Field(default=False, description="true 立即报送；false 保存为本单位草稿")


class ReviewIn(Schema):
    decision: Literal["close", "return"] = Field(description="close 办结销号；return 退回")
    reason: str = Field(default="", description="意见；退回时必填")


class ExtensionIn(Schema):
    new_deadline: date
    reason: str


class DraftSubmitIn(Schema):
    text: str | None = Field(default=None, description="报送前修改的文本；留空则按草稿报送")


class ExtensionDecisionIn(Schema):
    grant: bool = Field(description="true 同意延期；false 不同意")
    note: str = Field(default="", description="审核意见；不同意时必填")
