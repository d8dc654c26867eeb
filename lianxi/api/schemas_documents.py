"""What the documents endpoints take and return (三(二), 四(五), 四(六)). Names follow DESIGN.md.

Choices are taken as the code or the Chinese name (``kind``: ``notice`` or ``通知``), as a person
reads them on the pages; the schema lists both, so a value outside them is a 422 naming the field.
"""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from lianxi.documents.models import Comment, OfficialDocument, UnitReply

from .contract import Id
from .schemas_meetings import UnitRef
from .text import Day, Line, Paragraph, TextRule

# A whole body as plain text: paragraphs separated by blank lines (services.split_paragraphs);
# each paragraph (≤ 5,000 characters) and their number are checked by the drafts service (400
# with its message); a body over BODY_MAX is a 422 naming the field.
BODY_MAX = 50_000  # about 80 pages of 22 × 28 characters
REASON_MAX = 5_000
NOTE_MAX = 2_000
UNITS_MAX = 60
LIST_MAX = 30


@dataclass(frozen=True)
class Choice(TextRule):
    """One of a TextChoices' values, given as its code or its Chinese name; anything else is a
    422 whose message names the choices in Chinese (the schema lists them as an enum)."""

    values: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["enum"] = list(self.values)
        return json_schema

    def check(self, value: Any) -> Any:
        if isinstance(value, str) and value not in self.values:
            raise PydanticCustomError("choice", f"应为{'、'.join(self.names)}之一。")
        return value


def choice(choices: Any, *, blank: str = "") -> Choice:
    """`choices` (a TextChoices) taken by code or name; `blank` names the empty value if any."""
    pairs = [(v, label) for v, label in choices.choices if v]
    values = tuple(v for v, _ in pairs) + tuple(label for _, label in pairs)
    names = tuple(label for _, label in pairs) + ((blank,) if blank else ())
    return Choice(
        max_length=max(len(v) for v in values),
        values=("", *values) if blank else values,
        names=names,
    )


KindChoice = Annotated[str, choice(OfficialDocument.Kind)]
UrgencyChoice = Annotated[str, choice(OfficialDocument.Urgency, blank="不填")]
SignOrderChoice = Annotated[str, choice(OfficialDocument.SignOrder)]
StanceChoice = Annotated[str, choice(UnitReply.Stance)]
DecisionChoice = Annotated[str, choice(Comment.Decision)]
UnitIds = Annotated[list[Id], Field(max_length=UNITS_MAX)]
Names = Annotated[list[Annotated[str, Line(100)]], Field(max_length=LIST_MAX)]
AttachmentNames = Annotated[list[Annotated[str, Line(100)]], Field(max_length=LIST_MAX)]


# --- out --------------------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    kind: str
    kind_display: str
    title: str
    status: str = Field(
        description="draft 起草中 / cosigning 会签中 / signed 待印发 / issued 已印发"
    )
    status_display: str
    drafting_unit: UnitRef = Field(description="起草单位（主办机关）")
    in_mechanism_name: bool = Field(description="以联席会议名义印发（四(六)，市卫生健康委代章）")
    document_number: str = Field(description="发文字号，印发时确定")
    issued_at: datetime | None
    updated_at: datetime
    url: str = Field(description="本接口中该公文的地址")
    page_url: str


class DocumentPageOut(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[DocumentOut]


class IssuerOut(Schema):
    unit: UnitRef
    order: int = Field(description="用印顺序：主办机关为 1，其后为联合发文单位")
    signatory: str = Field(description="签发人（上行文）")


class VersionRef(Schema):
    number: int
    title: str
    summary: str
    saved_by: str
    saved_unit: UnitRef
    saved_at: datetime


class CommentOut(Schema):
    id: int
    paragraph: int | None = Field(description="所针对的段落（从 1 起）；空为针对全文")
    quoted: str
    text: str
    proposed: str = Field(description="建议修改为")
    decision: str = Field(
        description="adopted 采纳 / partly 部分采纳 / rejected 不采纳；未处理为空"
    )
    decision_display: str
    decision_reason: str


class ReplyOut(Schema):
    id: int
    unit: UnitRef
    status: str
    status_display: str
    stance: str = Field(description="no_comment 无意见 / comments 有修改意见 / disagree 不同意")
    stance_display: str
    reasons: str
    submitted_at: datetime | None
    comments: list[CommentOut]


class ConsultationOut(Schema):
    id: int
    round: int
    version: int = Field(description="所征求意见的稿本")
    note: str
    deadline_workdays: int
    deadline: date
    silence_is_consent: bool = Field(description="逾期未反馈视为无意见")
    status: str
    status_display: str
    sent_at: datetime
    replies: list[ReplyOut] = Field(
        description="起草方看到各单位的反馈（经本单位成员审核后发出的）；被征求意见单位只看到本单位的"
    )


class CoSignatureOut(Schema):
    id: int
    unit: UnitRef
    order: int
    status: str
    status_display: str
    version: int = Field(description="会签针对的稿本")
    signer_name: str
    signed_at: datetime | None
    reason: str


class DocumentDetailOut(DocumentOut):
    version: int = Field(
        description="所显示的稿本：起草方为当前稿；被征求意见单位为发给本单位的最新一稿"
    )
    body: str = Field(description="正文，段落之间空一行")
    paragraphs: list[str]
    attachments: list[str]
    note: str = Field(description="附注")
    saved_by: str
    saved_at: datetime
    urgency: str
    urgency_display: str
    sign_order: str
    issuers: list[IssuerOut] = Field(description="发文机关，按用印顺序")
    main_to: list[str] = Field(description="主送")
    copy_to: list[str] = Field(description="抄送")
    versions: list[VersionRef] = Field(description="调用者可见的稿本")
    consultations: list[ConsultationOut]
    cosignatures: list[CoSignatureOut] = Field(description="会签情况（起草方与联合发文单位可见）")


class CurrentTextOut(Schema):
    version: int
    title: str
    body: str
    paragraphs: list[str]
    attachments: list[str]
    note: str
    saved_by: str
    saved_unit: UnitRef
    saved_at: datetime


class StaleOut(Schema):
    """409: someone else saved first; the text they saved, to merge into before saving again."""

    detail: str
    current: CurrentTextOut


class IssuedOut(Schema):
    id: int
    document_number: str
    status: str
    status_display: str
    issued_at: datetime | None
    url: str


# --- in ---------------------------------------------------------------------------------------


class SignatoryIn(Schema):
    unit_id: Id = Field(description="发文机关（起草单位或联合发文单位）")
    name: Annotated[str, Line(50)]


class DocumentIn(Schema):
    """三(二): a member unit (or the secretariat) drafts; 四(五): the co-issuing units sign."""

    kind: KindChoice = Field(description="文种：通知、意见、方案……（中文名称或代码）")
    title: Annotated[str, Line(200)]
    body: Annotated[str, Paragraph(BODY_MAX)] = Field(description="正文，段落之间空一行")
    co_issuing_unit_ids: UnitIds = Field(description="联合发文单位（可为空：起草单位单独发文）")
    main_to_unit_ids: UnitIds = Field(default_factory=list, description="主送单位")
    main_to_names: Names = Field(default_factory=list, description="主送机关（联席会议以外）")
    copy_to_unit_ids: UnitIds = Field(default_factory=list, description="抄送单位")
    copy_to_names: Names = Field(default_factory=list, description="抄送机关（联席会议以外）")
    attachments: AttachmentNames = Field(default_factory=list, description="附件名称")
    note: Annotated[str, Line(200)] = Field(default="", description="附注")
    urgency: UrgencyChoice = Field(default="", description="紧急程度：特急、加急或不填")
    sign_order: SignOrderChoice = Field(
        default="parallel", description="会签方式：同时会签 / 依次会签（中文或代码）"
    )
    signatories: Annotated[list[SignatoryIn], Field(max_length=UNITS_MAX)] = Field(
        default_factory=list, description="各发文机关的签发人（请示、报告）"
    )
    in_mechanism_name: bool = Field(
        default=False, description="以联席会议名义印发（联席会议办公室起草，四(六)）"
    )
    summary: Annotated[str, Line(200)] = Field(default="", description="修改说明")


class DocumentUpdateIn(Schema):
    """三(二): a save names the version it was based on; only what is sent changes."""

    based_on: Annotated[int, Field(ge=1, le=2**31 - 1)] = Field(description="所依据的稿本号")
    title: Annotated[str, Line(200)] | None = None
    body: Annotated[str, Paragraph(BODY_MAX)] | None = None
    attachments: AttachmentNames | None = None
    note: Annotated[str, Line(200)] | None = None
    summary: Annotated[str, Line(200)] = Field(default="", description="修改说明")


class ConsultationIn(Schema):
    """三(二): one round at a time, to chosen member units, with a deadline in working days."""

    unit_ids: Annotated[list[Id], Field(min_length=1, max_length=UNITS_MAX)] = Field(
        description="征求意见的单位（成员单位，起草单位除外）"
    )
    # The range the service takes (lianxi.documents.services.consultation); outside it a 400.
    deadline_workdays: Annotated[int, Field(json_schema_extra={"minimum": 1, "maximum": 60})] = (
        Field(description="反馈时限（工作日）")
    )
    note: Annotated[str, Paragraph(NOTE_MAX)] = Field(default="", description="征求意见说明")
    silence_is_consent: bool = Field(default=True, description="逾期未反馈视为无意见")


class CommentIn(Schema):
    paragraph: Annotated[int, Field(ge=1, le=10_000)] | None = Field(
        default=None, description="所针对的段落（从 1 起）；不填为针对全文"
    )
    text: Annotated[str, Paragraph(REASON_MAX)] = Field(description="意见")
    proposed: Annotated[str, Paragraph(REASON_MAX)] = Field(default="", description="建议修改为")


class OpinionIn(Schema):
    """三(二): a consulted unit's liaison drafts its answer; its member approves it (submit)."""

    stance: StanceChoice = Field(description="无意见 / 有修改意见 / 不同意（中文或代码）")
    reasons: Annotated[str, Paragraph(REASON_MAX)] = Field(default="", description="理由")
    comments: Annotated[list[CommentIn], Field(max_length=200)] = Field(default_factory=list)
    submit: bool = Field(default=False, description="由本单位成员审核后发出")


class DecisionIn(Schema):
    decision: DecisionChoice = Field(description="采纳 / 部分采纳 / 不采纳（中文或代码）")
    reason: Annotated[str, Paragraph(REASON_MAX)] = Field(default="", description="理由")


class CosignIn(Schema):
    action: Literal["sign", "return"] = Field(description="sign 会签 / return 退回")
    reason: Annotated[str, Paragraph(REASON_MAX)] = Field(default="", description="退回理由")


class IssueIn(Schema):
    """四(六): the secretariat issues; the number comes from the lead organ's register (the joint
    meeting's own for a document in its name)."""

    register_id: Id | None = Field(
        default=None, description="发文字号（主办机关有多个发文代字时必填）"
    )
    issued_on: Annotated[date, Day()] | None = Field(
        default=None, description="成文日期，不晚于今天；不填为今天"
    )
