"""What the major-matter endpoints take and return (四(四), 二(四)). Names follow DESIGN.md.

Choices are taken as the code or the Chinese name (``stance``: ``agree`` or ``同意``), as on the
documents endpoints (lianxi.api.schemas_documents.choice). The lengths are the services' own
(lianxi.decisions.services): a longer text is a 422 naming the field; a number outside the range
the schema states is refused by the service (400, with the message the pages show).
"""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from lianxi.decisions import services
from lianxi.decisions.models import Decision, Opinion

from .contract import DeadlineWorkdays, Id
from .schemas_documents import choice
from .schemas_meetings import UnitRef
from .text import Day, Line, Paragraph

DecisionStatus = Literal[
    "draft", "consulting", "adopted", "awaiting_government", "decided", "withdrawn"
]
MethodChoice = Annotated[str, choice(Decision.Method)]
StanceChoice = Annotated[str, choice(Opinion.Stance)]
UnitIds = Annotated[list[Id], Field(max_length=services.UNITS_MAX)]
# The range round_open takes; outside it a 400 with its message.
RoundWorkdays = Annotated[
    int,
    Field(json_schema_extra={"minimum": services.DEADLINE_MIN, "maximum": services.DEADLINE_MAX}),
]
OPTIONS_MAX = 6  # decision_escalate: two to six options
OptionNumber = Annotated[int, Field(json_schema_extra={"minimum": 1, "maximum": OPTIONS_MAX})]


# --- out --------------------------------------------------------------------------------------


class DecisionOut(Schema):
    id: int
    title: str
    status: str = Field(
        description="draft 待征求 / consulting 征求中 / adopted 已通过 / awaiting_government "
        "待市政府决定 / decided 已决定 / withdrawn 撤回"
    )
    status_display: str
    status_since: datetime = Field(description="进入当前状态的时间")
    waited_days: int = Field(description="在当前状态已停留的天数")
    waited_workdays: int = Field(description="在当前状态已停留的工作日数")
    proposing_unit: UnitRef = Field(description="提出单位")
    round_count: int = Field(description="征求意见轮次数")
    url: str = Field(description="本接口中该事项的地址")
    page_url: str


class DecisionPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    state_counts: dict[str, int] = Field(description="调用者可见的事项按状态计数（不含状态筛选）")
    items: list[DecisionOut] = Field(description="按进入当前状态的时间排列，等得最久的在前")


class OpinionAnswerOut(Schema):
    stance: str = Field(description="agree 同意 / amend 原则同意（附修改意见）/ disagree 不同意")
    stance_display: str
    text: str = Field(description="修改意见或理由")
    answered_as: str = Field(
        description="member 联席会议成员 / substitute 受委托负责同志 / meeting 会上表态；未答复为空"
    )
    answered_as_display: str
    submitted_by: str = Field(description="在平台上答复的人（会上表态为办公室记录人）")
    substitute_name: str = Field(description="受委托负责同志（成员请假时）")
    substitute_title: str
    submitted_at: datetime | None
    amendments_taken: bool | None = Field(description="原则同意的修改意见已采纳")


class OpinionOut(Schema):
    id: int
    unit: UnitRef
    status: str = Field(
        description="pending 待答复 / drafted 草稿 / submitted 已答复 / silent 逾期未答复"
    )
    status_display: str
    overdue: bool = Field(description="答复已逾期（逾期未答复不视为同意）")
    shown: bool = Field(description="调用者可否读到该单位的意见")
    answer: OpinionAnswerOut | None = Field(
        description="意见和理由：本单位随时可见（含草稿）；其他单位的，本轮结束后可见；"
        "联席会议办公室看到已答复的。不可见时为空"
    )


class RoundCountsOut(Schema):
    asked: int
    answered: int
    agree: int
    amend: int
    disagree: int
    silent: int


class DecisionRoundOut(Schema):
    id: int
    number: int
    method: str = Field(description="writing 书面征求意见 / meeting 会议审议")
    method_display: str
    proposal: str = Field(description="本轮提请事项")
    revision_note: str = Field(description="修改说明")
    agenda_item_id: int | None
    agenda_item_title: str
    meeting_id: int | None
    meeting_title: str
    deadline: date = Field(description="答复截止（会议审议为会议日期）")
    status: str = Field(description="open 征求中 / closed 已结束")
    status_display: str
    opened_at: datetime
    closed_at: datetime | None
    counts: RoundCountsOut | None = Field(
        description="答复情况：联席会议办公室随时可见，其他单位本轮结束后可见"
    )
    agreed: bool | None = Field(description="本轮结束后：各单位是否一致同意；未结束为空")
    opinions: list[OpinionOut] = Field(
        description="调用者可见的各单位意见：本轮结束前只有本单位的（办公室为全部）"
    )


class DecisionResolutionOut(Schema):
    number: int
    text: str
    lead_unit: UnitRef
    supporting_units: list[UnitRef]
    deadline: date = Field(description="办结时限")
    action_item_id: int = Field(description="督办事项")
    action_item_url: str


class RequestDocumentOut(Schema):
    id: int
    title: str
    status: str
    status_display: str
    document_number: str
    url: str = Field(description="本接口中该请示的地址（公文）")
    page_url: str


class GovernmentDecisionOut(Schema):
    option: int | None = Field(description="采纳的方案（从 1 起）")
    text: str
    decided_on: date | None
    has_scan: bool = Field(description="有市政府批复的扫描件（办公室代为登记时上传）")


class DecisionDetailOut(DecisionOut):
    proposal: str = Field(description="提请事项（最近一轮的文本）")
    proposal_document_id: int | None = Field(description="所附公文稿")
    background: str
    concerned_units: list[UnitRef] = Field(description="相关成员单位")
    withdrawn_reason: str
    can_answer: bool = Field(description="调用者所在单位尚未答复正在进行的一轮")
    rounds: list[DecisionRoundOut]
    request_document: RequestDocumentOut | None = Field(description="报请市政府决定的请示")
    disagreement: str = Field(description="分歧焦点（联席会议办公室、市政府办公室可见）")
    options: list[str] = Field(description="请示所列的可选方案")
    recommendation: str = Field(description="办公室意见")
    government: GovernmentDecisionOut | None = Field(description="市政府的决定")
    resolutions: list[DecisionResolutionOut] = Field(description="决定事项，各为一项督办事项")


class EscalatedOut(Schema):
    decision_id: int
    status: str
    status_display: str
    document_id: int = Field(description="起草的请示（公文），在公文接口中会签、印发")
    document: RequestDocumentOut


# --- in ---------------------------------------------------------------------------------------


class DecisionCreateIn(Schema):
    """四(四): the secretariat records a major matter, its proposing unit, the units it concerns
    (二(四): the units whose duties it touches)."""

    title: Annotated[str, Line(services.TITLE_MAX)] = Field(description="事项名称")
    proposal: Annotated[str, Paragraph(services.TEXT_MAX)] = Field(description="提请事项")
    background: Annotated[str, Paragraph(services.TEXT_MAX)] = Field(
        default="", description="背景情况"
    )
    proposing_unit_id: Id = Field(description="提出单位（成员单位）")
    concerned_unit_ids: UnitIds = Field(description="相关成员单位（至少一个）")
    proposal_document_id: Id | None = Field(
        default=None, description="所附公文稿（本联席会议的公文，可不填）"
    )


class RoundIn(Schema):
    """四(四): put the matter to the units, in writing with a deadline in working days, or at
    an agenda item of a meeting not yet held."""

    method: MethodChoice = Field(description="书面征求意见 writing / 会议审议 meeting")
    unit_ids: UnitIds = Field(
        default_factory=list, description="征求意见单位；不填为全部相关成员单位"
    )
    deadline_workdays: RoundWorkdays | None = Field(
        default=None, description="答复期限（工作日，书面征求意见必填）"
    )
    agenda_item_id: Id | None = Field(default=None, description="会议议题（会议审议必填）")
    proposal: Annotated[str, Paragraph(services.TEXT_MAX)] | None = Field(
        default=None, description="修改后的提请事项；不填为当前文本"
    )
    revision_note: Annotated[str, Paragraph(services.REASON_MAX)] = Field(
        default="", description="修改说明（第二轮起修改了提请事项的必填）"
    )


class DecisionOpinionIn(Schema):
    """四(四): the unit's liaison drafts; its member gives the answer, or the liaison gives it
    for the member's named substitute while the member is on leave."""

    stance: StanceChoice = Field(
        description="同意 agree / 原则同意（附修改意见）amend / 不同意 disagree（中文或代码）"
    )
    text: Annotated[str, Paragraph(services.REASON_MAX)] = Field(
        default="", description="修改意见（原则同意必填）或理由（不同意必填）"
    )
    submit: bool = Field(default=False, description="true 答复；false 保存为本单位草稿")
    substitute_name: Annotated[str, Line(50)] = Field(
        default="", description="受委托负责同志姓名（联络员代成员请假时的受委托人答复）"
    )
    substitute_title: Annotated[str, Line(100)] = Field(default="", description="受委托人职务")


class DecisionResolutionIn(Schema):
    """决定事项 (四(二)): each becomes an action item with its lead and supporting units."""

    text: Annotated[str, Line(300)] = Field(description="决定事项")
    lead_unit_id: Id = Field(description="牵头单位")
    supporting_unit_ids: UnitIds = Field(default_factory=list, description="配合单位")
    deadline: Annotated[date, Day()] | None = Field(
        default=None, description="办结时限（日期），与工作日数二选一"
    )
    deadline_workdays: DeadlineWorkdays | None = Field(
        default=None, description="或：自今日起若干个工作日内办结"
    )


Resolutions = Annotated[list[DecisionResolutionIn], Field(max_length=services.RESOLUTIONS_MAX)]


class AdoptIn(Schema):
    resolutions: Resolutions = Field(description="决定事项（至少一项）")
    amendments_taken: bool = Field(
        default=False,
        description="原则同意单位的修改意见已采纳（有单位原则同意的，须确认后才能通过）",
    )


class EscalateIn(Schema):
    """四(四): the differing opinions and their reasons go to the city government in a 请示."""

    disagreement: Annotated[str, Paragraph(services.TEXT_MAX)] = Field(description="分歧焦点")
    options: Annotated[list[Annotated[str, Line(1_000)]], Field(max_length=OPTIONS_MAX)] = Field(
        description="可选方案（二至六个）"
    )
    recommendation: Annotated[str, Paragraph(services.TEXT_MAX)] = Field(description="办公室意见")
    co_signing_unit_ids: UnitIds = Field(
        default_factory=list, description="会签单位（联合行文的成员单位）"
    )


class GovernmentDecisionIn(Schema):
    """四(四): the city government's decision, recorded by its reader (the secretariat records a
    paper reply on the page, with its scan)."""

    option: OptionNumber | None = Field(default=None, description="采纳请示所列的第几个方案")
    text: Annotated[str, Paragraph(services.TEXT_MAX)] = Field(description="市政府决定")
    decided_on: Annotated[date, Day()] = Field(description="决定日期，不早于请示印发日期")
    resolutions: Resolutions = Field(description="决定事项（至少一项）")
