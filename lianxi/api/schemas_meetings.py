"""What the meetings endpoints take and return (三(一)1, 三(一)2). Names follow DESIGN.md."""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema


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
    actual: str = Field(description="实际出席：present / on_leave / observer / absent，未登记为空")
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
    title: str
    topic: str = ""
    starts_at: datetime
    ends_at: datetime
    location: str
    observer_unit_ids: list[int] = Field(default_factory=list, description="列席单位（全体会议）")
    chair_unit_id: int | None = Field(default=None, description="受托主持单位（专题会议）")
    concerned_unit_ids: list[int] = Field(
        default_factory=list, description="议题涉及的成员单位（专题会议）"
    )


class AgendaItemIn(Schema):
    title: str
    description: str = ""
    proposed_by_unit_id: int | None = Field(default=None, description="提出议题的单位")
    lead_unit_id: int | None = Field(
        default=None, description="牵头汇报单位；联席会议办公室的选择用于改进分办建议（二(四)）"
    )
    supporting_unit_ids: list[int] = Field(default_factory=list, description="议题涉及的其他单位")


class NoticeIn(Schema):
    notice_text: str = Field(default="", description="留空则使用默认的会议通知文本")


class AttendanceIn(Schema):
    """三(一)1: attending (who), or leave before the start naming the substitute; an invited
    unit answers observer (列席)."""

    answer: Literal["attending", "leave", "observer"]
    attendee_name: str = ""
    attendee_title: str = ""
    substitute_name: str = ""
    substitute_title: str = ""
    leave_reason: str = ""


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
    issued_at: datetime | None
    sections: list[MinutesSectionOut]
    receipts: list[ReceiptOut] = Field(description="各单位签收情况，仅会议召集方可见")
    my_receipt: ReceiptOut | None = Field(description="调用者所在单位的签收")
    docx_url: str
    pdf_url: str
    page_url: str


# --- writing the minutes (三(一)1) ----------------------------------------------------------


class SectionEditIn(Schema):
    id: int = Field(description="纪要部分的 id")
    heading: str | None = Field(default=None, description="标题；不传则不改")
    discussion: str | None = Field(default=None, description="会议情况；不传则不改")


class MinutesUpdateIn(Schema):
    """Edits a draft: the opening and any of its sections; what is not sent stays as it is."""

    intro: str | None = Field(default=None, description="纪要开头；不传则不改")
    sections: list[SectionEditIn] = Field(default_factory=list)


class SectionIn(Schema):
    heading: str = Field(description="标题")


class ResolutionIn(Schema):
    """议定事项 (三(一)1, 四(二)): a lead unit, supporting units, and a deadline given either as
    a date or as a number of working days after the minutes are issued (one of the two)."""

    text: str = Field(description="议定事项内容")
    lead_unit_id: int | None = Field(default=None, description="牵头单位")
    supporting_unit_ids: list[int] = Field(default_factory=list, description="配合单位")
    deadline: date | None = Field(default=None, description="办结时限（日期），与工作日数二选一")
    deadline_workdays: int | None = Field(
        default=None, description="或：纪要印发后若干个工作日内办结"
    )
    feedback_every_workdays: int = Field(default=15, description="反馈周期（工作日）")
