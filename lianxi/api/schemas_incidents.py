"""What the incident endpoints take and return (三(四)2, 二(四)). Names follow DESIGN.md."""

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from .schemas_meetings import UnitRef
from .text import PARAGRAPH_MAX, Day, Line, Paragraph

Hazard = Literal["dust", "chemical", "physical", "radioactive", "biological", "other"]


class EnterpriseIn(Schema):
    name: Annotated[str, Line(200)] = Field(description="用人单位名称")
    credit_code: Annotated[str, Line(30)] = Field(description="统一社会信用代码（18 位，含校验位）")
    industry: Annotated[str, Line(100)] = Field("", description="行业")
    address: Annotated[str, Line(300)] = Field("", description="地址")
    county: Annotated[str, Line(50)] = Field("", description="县区")


class IncidentIn(Schema):
    """A report of an incident: 地点、时间、发病情况、死亡人数、可能发生原因、已采取措施、发展趋势.

    Times without an offset are read as Beijing time (Asia/Shanghai). Counts are checked by the
    platform (not negative, deaths not more than the poisoned) with a Chinese message.
    """

    title: Annotated[str, Line(200)] = Field(description="事故名称")
    occurred_at: Annotated[datetime, Day()] = Field(description="发生时间")
    first_reported_at: Annotated[datetime, Day()] = Field(description="首次报告时间")
    location: Annotated[str, Line(300)] = Field(description="地点")
    enterprise: EnterpriseIn
    hazard: Hazard = Field("other", description="危害因素类别（国家分类目录）")
    substance: Annotated[str, Line(100)] = Field(
        "", description="危害因素名称，例如 一氧化碳、矽尘"
    )
    exposed_count: int = Field(0, description="接触人数")
    poisoned_count: int = Field(0, description="急性中毒人数")
    death_count: int = Field(0, description="死亡人数")
    onset: Annotated[str, Paragraph(PARAGRAPH_MAX)] = Field("", description="发病情况")
    probable_cause: Annotated[str, Paragraph(PARAGRAPH_MAX)] = Field("", description="可能发生原因")
    measures_taken: Annotated[str, Paragraph(PARAGRAPH_MAX)] = Field("", description="已采取措施")
    trend: Annotated[str, Paragraph(PARAGRAPH_MAX)] = Field("", description="发展趋势")


class EnterpriseOut(Schema):
    name: str
    credit_code: str
    industry: str
    address: str
    county: str


class IncidentOut(Schema):
    """An incident in a list: no personal details (those are in the detail, which is audited)."""

    id: int
    reference: str = Field(description="编号")
    title: str
    grade: str = Field(description="事故等级代码")
    grade_display: str
    is_radiation: bool = Field(description="放射事故")
    hazard: str
    hazard_display: str
    occurred_at: datetime
    first_reported_at: datetime
    county: str
    poisoned_count: int
    death_count: int
    report_due_at: datetime = Field(description="上报时限")
    reported_at: datetime | None
    report_late: bool = Field(description="报告已超时限（未报且已过时限，或晚于时限上报）")
    status: str
    status_display: str
    url: str = Field(description="本接口中该事故的地址")
    page_url: str


class IncidentDetailOut(IncidentOut):
    location: str
    enterprise: EnterpriseOut
    substance: str
    exposed_count: int
    onset: str
    probable_cause: str
    measures_taken: str
    trend: str
    source_system: str
    registering_unit: UnitRef | None
    closed_at: datetime | None
    investigation_result: str
    cap_url: str = Field(description="首条通报的 CAP 1.2 XML（尚未通报时为空）")
    notices_url: str


class NoticeOut(Schema):
    id: int
    unit: UnitRef
    reason: str = Field(description="通报理由")
    sent_at: datetime
    ack_due_at: datetime = Field(description="确认时限（升级后为新时限）")
    acknowledged_at: datetime | None
    level: int = Field(description="0 已通报 / 1 再次提醒联络员 / 2 提醒成员 / 3 红色警示")
    level_display: str
    action_text: str = Field("", description="被通报单位报告的处置情况")
    action_reported_at: datetime | None = Field(None, description="处置情况报告时间")
    cap_identifier: str
    cap_url: str = Field(description="该通报的 CAP 1.2 XML（按发出时原样）")
    cap: dict[str, Any] = Field(
        description="该通报的 CAP 1.2 内容（JSON，元素名同 CAP；按发出时原样）"
    )


class UpdateOut(Schema):
    id: int
    kind: Literal["follow_up", "final"]
    kind_display: str
    text: str
    poisoned_count: int | None
    death_count: int | None
    unit: UnitRef | None
    created_at: datetime
    cap_identifier: str
    cap_url: str
    cap: dict[str, Any]


class IncidentMessagesOut(Schema):
    notices: list[NoticeOut]
    updates: list[UpdateOut]
