"""What the meetings endpoints take and return (三(一)1, 三(一)2). Names follow DESIGN.md."""

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from .contract import DeadlineWorkdays, FeedbackWorkdays, Id
from .text import MINUTES_MAX, PARAGRAPH_MAX, Day, Line, Paragraph


class UnitRef(Schema):
    id: int
    name: str


# --- meetings -------------------------------------------------------------------------------


class MinutesRef(Schema):
    id: int
    status: str
    status_display: str
    number: str


class MeetingOut(Schema):
    id: int
    kind: str
    kind_display: str
    title: str
    topic: str
    starts_at: datetime
    ends_at: datetime
    location: str
    chair_unit: UnitRef
    status: str
    status_display: str
    upcoming: bool
    invited_count: int
    answered_count: int
    minutes: MinutesRef | None
    url: str = Field(description="本接口中该会议的地址")
    page_url: str = Field(description="平台页面地址")


class MaterialOut(Schema):
    id: int
    title: str
    agenda_item_id: int | None
    uploaded_at: datetime
    download_url: str = Field(description="下载地址（接受访问令牌）")
    page_url: str


class AgendaItemOut(Schema):
    id: int
    order: int
    title: str
    description: str
    proposed_by: UnitRef | None
    lead_unit: UnitRef | None = Field(description="牵头汇报单位")
    supporting_units: list[UnitRef] = Field(description="议题涉及的其他单位")
    is_carryover: bool = Field(description="上次会议议定事项落实情况")


class AttendanceOut(Schema):
    id: int
    unit: UnitRef
    invited_as: str
    invited_as_display: str
    status: str
    status_display: str
    attendee_name: str
    attendee_title: str
    substitute_name: str = Field(description="受委托出席人（委托其他负责同志出席）")
    substitute_title: str
    leave_reason: str
    answered_at: datetime | None
    answered_via: str = Field(
        description="答复方式：platform（单位在平台答复）/ phone / fax（召集方代为登记）"
    )
    actual: str = Field(
        description="实际出席：present / delegate（委托出席）/ on_leave / observer / absent，"
        "未登记为空"
    )
    actual_name: str


class RollOut(Schema):
    """The live roll (三(一)1), seen only by the convener."""

    attending: list[AttendanceOut]
    substitute: list[AttendanceOut]
    on_leave: list[AttendanceOut]
    observer: list[AttendanceOut]
    pending: list[AttendanceOut]


class MeetingDetailOut(MeetingOut):
    notice_text: str
    change_notice_text: str = Field(description="最近一次会议变更通知（原定…，现调整为…）")
    notified_at: datetime | None
    cancelled_reason: str
    started: bool
    convener: bool = Field(description="调用者是否为会议召集方")
    agenda: list[AgendaItemOut]
    materials: list[MaterialOut]
    my_attendance: AttendanceOut | None = Field(description="调用者所在单位的参会答复")
    roll: RollOut | None = Field(description="参会名单，仅会议召集方可见")


class MeetingIn(Schema):
    """三(一)1: a plenary invites every member unit; 三(一)2: a topical meeting is chaired by an
    entrusted member unit and invites the units concerned."""

    kind: Literal["plenary", "topical"] = "plenary"
    title: Annotated[str, Line(200)]
    topic: Annotated[str, Paragraph(PARAGRAPH_MAX)] = ""
    starts_at: Annotated[datetime, Day()]
    ends_at: Annotated[datetime, Day()]
    location: Annotated[str, Line(200)]
    observer_unit_ids: list[Id] = Field(default_factory=list, description="列席单位（全体会议）")
    chair_unit_id: Id | None = Field(default=None, description="受托主持单位（专题会议）")
    concerned_unit_ids: list[Id] = Field(
        default_factory=list, description="议题涉及的成员单位（专题会议）"
    )


class AgendaItemIn(Schema):
    title: Annotated[str, Line(300)]
    description: Annotated[str, Paragraph(PARAGRAPH_MAX)] = ""
    proposed_by_unit_id: Id | None = Field(default=None, description="提出议题的单位")
    lead_unit_id: Id | None = Field(
        default=None, description="牵头汇报单位；联席会议办公室的选择用于改进分办建议（二(四)）"
    )
    supporting_unit_ids: list[Id] = Field(default_factory=list, description="议题涉及的其他单位")


class NoticeIn(Schema):
    notice_text: Annotated[str, Paragraph(PARAGRAPH_MAX)] = Field(
        default="", description="留空则使用默认的会议通知文本"
    )


class AttendanceIn(Schema):
    """三(一)1: attending (who), or leave before the start naming the substitute; an invited
    unit answers observer (列席)."""

    answer: Literal["attending", "leave", "observer"]
    attendee_name: Annotated[str, Line(50)] = ""
    attendee_title: Annotated[str, Line(100)] = ""
    substitute_name: Annotated[str, Line(50)] = ""
    substitute_title: Annotated[str, Line(100)] = ""
    leave_reason: Annotated[str, Line(300)] = ""


# --- minutes --------------------------------------------------------------------------------


class ResolutionOut(Schema):
    id: int
    number: int
    text: str
    lead_unit: UnitRef | None
    supporting_units: list[UnitRef]
    deadline: date | None
    deadline_workdays: int | None
    feedback_every_workdays: int


class MinutesSectionOut(Schema):
    id: int
    order: int
    heading: str
    discussion: str
    resolutions: list[ResolutionOut] = Field(description="议定事项")


class ReceiptOut(Schema):
    id: int
    unit: UnitRef
    kind: str
    kind_display: str
    acknowledged_at: datetime | None


class MinutesOut(Schema):
    id: int
    meeting_id: int
    meeting_title: str
    status: str
    status_display: str
    year: int
    number: str
    intro: str
    approved_at: datetime | None
    signed_off_name: str = Field(description="签发人（市卫生健康委负责同志），签发前为空")
    signed_off_title: str = Field(description="签发人职务")
    signed_off_at: datetime | None = Field(description="签发时间")
    signed_off_recorded_by: str = Field(description="登记签发的联席会议办公室人员")
    issued_at: datetime | None
    sections: list[MinutesSectionOut]
    receipts: list[ReceiptOut] = Field(description="各单位签收情况，仅会议召集方可见")
    my_receipt: ReceiptOut | None = Field(description="调用者所在单位的签收")
    docx_url: str
    pdf_url: str
    page_url: str


# --- writing the minutes (三(一)1) ----------------------------------------------------------


class SectionEditIn(Schema):
    id: Id = Field(description="纪要部分的 id")
    heading: Annotated[str, Line(300)] | None = Field(default=None, description="标题；不传则不改")
    discussion: Annotated[str, Paragraph(MINUTES_MAX)] | None = Field(
        default=None, description="会议情况；不传则不改"
    )


class MinutesUpdateIn(Schema):
    """Edits a draft: the opening and any of its sections; what is not sent stays as it is."""

    intro: Annotated[str, Paragraph(MINUTES_MAX)] | None = Field(
        default=None, description="纪要开头；不传则不改"
    )
    sections: list[SectionEditIn] = Field(default_factory=list)


class SignOffIn(Schema):
    """签发 (三(一)1, 四(六)): the health commission's responsible leader who signed, by name."""

    signer_name: Annotated[str, Line(50)] = Field(description="签发人姓名")
    signer_title: Annotated[str, Line(100)] = Field(default="", description="签发人职务")


class SectionIn(Schema):
    heading: Annotated[str, Line(300)] = Field(description="标题")


class ResolutionIn(Schema):
    """议定事项 (三(一)1, 四(二)): a lead unit, supporting units, and a deadline given either as
    a date or as a number of working days after the minutes are issued (one of the two)."""

    text: Annotated[str, Paragraph(PARAGRAPH_MAX)] = Field(description="议定事项内容")
    lead_unit_id: Id | None = Field(default=None, description="牵头单位")
    supporting_unit_ids: list[Id] = Field(default_factory=list, description="配合单位")
    deadline: Annotated[date, Day()] | None = Field(
        default=None, description="办结时限（日期），与工作日数二选一"
    )
    deadline_workdays: DeadlineWorkdays | None = Field(
        default=None, description="或：纪要印发后若干个工作日内办结"
    )
    feedback_every_workdays: FeedbackWorkdays = Field(default=15, description="反馈周期（工作日）")
