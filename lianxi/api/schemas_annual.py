"""What the annual-cycle endpoints take and return (四(三): each member unit sends, by the rules'
deadline, last year's work summary, this year's key work plan and its proposed topics).

The names start with Annual (the OpenAPI document names a schema by its class). The lengths and
counts are the services' own (lianxi.annual.services): a text over its length is a 422 naming the
field; a count over the schema's maxItems, a task without its date or a topic list both empty and
"none", is refused by the service (400, with the message the pages show).
"""

from datetime import date, datetime
from typing import Annotated

from django.db import models
from ninja import Field, Schema

from lianxi.annual import services
from lianxi.annual.models import PART_LABELS, PARTS

from .contract import Id
from .schemas_documents import Choice, choice
from .schemas_meetings import UnitRef
from .text import Day, Line, Paragraph


class AnnualReviewAction(models.TextChoices):
    CONFIRM = "confirm", "确认"
    RETURN = "return", "退回"


# A part in the address: its code, anything else a 422 naming the three in Chinese.
PartChoice = Annotated[
    str,
    Choice(
        max_length=max(len(p) for p in PARTS),
        values=PARTS,
        names=tuple(f"{p}（{PART_LABELS[p]}）" for p in PARTS),
    ),
]
ReviewActionChoice = Annotated[str, choice(AnnualReviewAction)]
PARTS_TEXT = "、".join(f"{p} {PART_LABELS[p]}" for p in PARTS)
STATUS_TEXT = (
    "not_started 未开始 / draft 草稿 / awaiting_member 待成员审核 / sent 已报送 / "
    "returned 退回 / confirmed 已确认"
)


# --- out --------------------------------------------------------------------------------------


class AnnualCycleOut(Schema):
    year: int = Field(description="年度（本年度重点工作计划的年度）")
    summary_year: int = Field(description="工作总结所总结的年度（上一年度）")
    opens_on: date = Field(description="启动日")
    deadline: date = Field(description="今年适用的报送截止日（遇节假日可能顺延）")
    rule_deadline: date = Field(description="制度规定的截止日")
    deadline_source: str = Field(description="截止日依据的工作规则条款，如 四(三)")


class AnnualBoardCellOut(Schema):
    part: str = Field(description=PARTS_TEXT)
    part_display: str
    status: str = Field(description=STATUS_TEXT)
    status_display: str
    note: str = Field(description="退回意见")


class AnnualBoardRowOut(Schema):
    unit: UnitRef
    parts: list[AnnualBoardCellOut] = Field(description="总结、计划、议题各部分的状态")
    complete: bool = Field(description="三部分均已报送")
    completed_at: datetime | None = Field(description="报送齐全的时间")
    late_workdays: int = Field(description="逾期工作日数：报送齐全晚于截止日的，或至今未报齐的")
    url: str = Field(description="本接口中该单位报送材料的地址")


class AnnualBoardOut(Schema):
    cycle: AnnualCycleOut
    counts: dict[str, int] = Field(description="各状态的部分数（全部单位、全部部分）")
    complete: int = Field(description="报送齐全的单位数")
    late: int = Field(description="逾期未报齐的单位数")
    rows: list[AnnualBoardRowOut] = Field(description="各成员单位，按单位顺序")


class AnnualTaskOut(Schema):
    order: int
    title: str
    lead_unit: UnitRef = Field(description="牵头单位")
    expected_on: date = Field(description="预计完成时间")
    action_item_id: int | None = Field(description="已转为的督办事项")


class AnnualTopicOut(Schema):
    id: int
    order: int
    title: str
    description: str
    status: str = Field(description="proposed 待研究 / accepted 已列入议程 / declined 未采纳")
    status_display: str
    decline_reason: str = Field(description="未采纳理由")
    agenda_item_id: int | None = Field(description="列入的会议议题")


class AnnualPartOut(Schema):
    part: str = Field(description=PARTS_TEXT)
    part_display: str
    status: str = Field(description=STATUS_TEXT)
    status_display: str
    note: str = Field(description="联席会议办公室的退回意见")
    sent_at: datetime | None = Field(description="首次报送联席会议办公室的时间")
    readable: bool = Field(
        description="调用者可否读到内容：本单位随时可读（含草稿）；联席会议办公室只读已报送的"
    )
    editable: bool = Field(description="调用者现在可以修改这一部分")
    reviewable: bool = Field(description="调用者现在可以确认或退回这一部分")


class AnnualSummaryOut(AnnualPartOut):
    text: str | None = Field(description="上年度工作总结；不可读时为空")


class AnnualPlanOut(AnnualPartOut):
    text: str | None = Field(description="重点工作计划概述；不可读时为空")
    tasks: list[AnnualTaskOut] | None = Field(description="重点任务；不可读时为空")


class AnnualTopicsOut(AnnualPartOut):
    no_topics: bool | None = Field(description="本年度无议题建议；不可读时为空")
    topics: list[AnnualTopicOut] | None = Field(description="议题建议；不可读时为空")


class AnnualSubmissionOut(Schema):
    cycle: AnnualCycleOut
    unit: UnitRef
    summary: AnnualSummaryOut
    plan: AnnualPlanOut
    topics: AnnualTopicsOut
    complete: bool = Field(description="三部分均已报送")
    completed_at: datetime | None
    late_workdays: int = Field(description="逾期工作日数")
    can_send: bool = Field(
        description="调用者可以提交或报送（联络员提交成员审核，成员报送联席会议办公室）"
    )
    url: str = Field(description="本接口中该报送材料的地址")
    page_url: str


class AnnualSentOut(Schema):
    parts: list[str] = Field(description="本次提交或报送的部分")
    parts_display: list[str]
    status: str = Field(description="awaiting_member 已提交成员审核 / sent 已报送联席会议办公室")
    status_display: str
    submission: AnnualSubmissionOut


class AnnualProposalOut(Schema):
    id: int
    title: str
    description: str
    unit: UnitRef = Field(description="提出单位")
    status: str = Field(description="proposed 待研究 / accepted 已列入议程 / declined 未采纳")
    status_display: str
    decline_reason: str
    agenda_item_id: int | None = Field(description="列入的会议议题")
    agenda_item_title: str
    meeting_id: int | None


class AnnualTopicGroupOut(Schema):
    proposals: list[AnnualProposalOut] = Field(description="相近的议题建议")
    units: list[UnitRef] = Field(description="提出这些建议的单位")
    shared_words: list[str] = Field(description="相近的建议共有的词")


class AnnualTopicsGroupedOut(Schema):
    cycle: AnnualCycleOut
    count: int = Field(description="已报送的议题建议数")
    groups: list[AnnualTopicGroupOut] = Field(
        description="各单位已报送的议题建议，相近的归为一组，大组在前"
    )


# --- in ---------------------------------------------------------------------------------------


class AnnualTaskIn(Schema):
    """A key task of the plan: what, who leads (by default the unit itself), by when."""

    title: Annotated[str, Line(services.TITLE_MAX)] = Field(description="重点任务")
    lead_unit_id: Id | None = Field(default=None, description="牵头单位；不填为本单位")
    expected_on: Annotated[date, Day()] | None = Field(
        default=None, description="预计完成时间（必填，须在本年度内）"
    )


class AnnualTopicIn(Schema):
    title: Annotated[str, Line(services.TITLE_MAX)] = Field(description="议题")
    description: Annotated[str, Paragraph(services.TOPIC_TEXT_MAX)] = Field(
        default="", description="说明"
    )


class AnnualPartIn(Schema):
    """The whole of one part, replacing what was there: for summary `text`; for plan `text` (the
    overview, may be empty) and `tasks`; for topics `topics`, or `no_topics`. A field of another
    part is refused (400), so that nothing sent is silently dropped."""

    text: Annotated[str, Paragraph(services.SUMMARY_MAX)] = Field(
        default="",
        description=f"summary：工作总结（必填，不超过 {services.SUMMARY_MAX} 字）；"
        f"plan：工作计划概述（可不填，不超过 {services.PLAN_MAX} 字）",
    )
    tasks: list[AnnualTaskIn] = Field(
        default_factory=list,
        description="plan：重点任务（至少一项）",
        json_schema_extra={"maxItems": services.TASKS_MAX},
    )
    topics: list[AnnualTopicIn] = Field(
        default_factory=list,
        description="topics：议题建议（至少一项，或 no_topics）",
        json_schema_extra={"maxItems": services.TOPICS_MAX},
    )
    no_topics: bool = Field(default=False, description="topics：本年度无议题建议")


class AnnualReviewIn(Schema):
    """The secretariat confirms a sent part, or returns it with its note."""

    action: ReviewActionChoice = Field(description="确认 confirm / 退回 return（中文或代码）")
    note: Annotated[str, Paragraph(services.NOTE_MAX)] = Field(
        default="", description="退回意见（退回时必填）"
    )
