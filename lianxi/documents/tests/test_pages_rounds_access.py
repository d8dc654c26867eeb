"""Who reaches the comment-round pages (征求意见, 三(二)): sending and closing a round, a unit's
reply page and its approval, the 意见采纳情况表 with its .xlsx and .docx, and a comment's
decision. Each page is tried by the drafting unit (the secretariat's clerk of 市卫生健康委, and
its liaison), the consulted unit (市应急管理局: its liaison and its member), another consulted
unit (市财政局), a unit of the same joint meeting not consulted (市民政局), the clerk of
another joint meeting, and anonymous (to the login page). A document one may not see answers
404; an action on one one sees but may not take answers 403, or (the reply form, a decision)
goes back to its page with the error in Chinese. Last, the versions page, the 意见采纳情况表 and
the registers page read in a number of queries that does not grow with their rows."""

# The rounds' fixtures are imported from rounds_fixtures, and pytest passes them by name.
# ruff: noqa: F811

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from lianxi.conftest import _person
from lianxi.organization.models import Membership, Unit

from ..models import Comment, Consultation, OfficialDocument, UnitReply
from ..services import document_save, reply_approve
from .conftest import PLAN_BODY
from .issuing_helpers import make_register
from .rounds_fixtures import (  # noqa: F401
    answer,
    consulted,
    finance,
    finance_member,
    reply_of,
    safety,
    safety_member,
    send_round,
)

pytestmark = pytest.mark.django_db

Status = UnitReply.Status
LOGIN = "/account/login/"


def comment(paragraph: int | None, text: str) -> dict[str, Any]:
    return {"paragraph": paragraph, "text": text, "proposed": ""}


@pytest.fixture
def civil_liaison(unit_named: Any) -> Any:
    """The liaison of 市民政局: a unit of the joint meeting that neither drafts, co-issues nor
    is consulted."""
    return _person("civil", "民政联络", unit_named("市民政局"), Membership.Role.LIAISON)


@pytest.fixture
def drafted(plan: OfficialDocument, send_round: Any, safety: Unit, finance: Unit) -> UnitReply:
    """A round to 市应急管理局 and 市财政局; 应急局's liaison has drafted two comments its member
    has not approved yet, 财政局 is silent (the round stays open)."""
    consultation = send_round(plan, unit_ids=[safety.pk, finance.pk])
    liaison = Membership.objects.get(unit=safety, role=Membership.Role.LIAISON).user
    return answer(
        liaison,
        consultation,
        safety,
        stance="comments",
        comments=[comment(2, "应急局的意见：目标偏高"), comment(None, "应急局的意见：增加培训")],
    )


@pytest.fixture
def submitted(drafted: UnitReply, safety_member: Any, consulted: Any, finance: Unit) -> UnitReply:
    """The same round once both answers went: 应急局's member approved, 财政局 commented (its
    member at once); the round has ended with the last answer."""
    reply = reply_approve(actor=safety_member.membership, reply=drafted)
    answer(
        consulted["finance"][1],
        reply.consultation,
        finance,
        stance="comments",
        comments=[comment(0, "财政局的意见：资金另行安排")],
        submit=True,
    )
    return reply


def text_of_file(content: bytes, fmt: str) -> str:
    """The cells of an .xlsx, or the XML of a .docx's body."""
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet is not None
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode()


def assert_login(url: str, method: str = "get", data: dict[str, Any] | None = None) -> None:
    response = getattr(Client(), method)(url, data or {})
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def status_of(login: Any, person: Any, url: str, method: str = "get", data: Any = None) -> int:
    return int(getattr(login(person), method)(url, data or {}).status_code)


def after(client: Client, response: Any) -> str:
    """The page a redirect leads to, with its messages."""
    assert response.status_code == 302
    return str(client.get(response["Location"]).content.decode())


# --- sending and closing a round ---------------------------------------------------------------


def test_only_the_drafting_unit_sends_a_round_from_the_page_三二(
    drafted: UnitReply,
    plan: OfficialDocument,
    clerk: Any,
    safety_member: Any,
    consulted: Any,
    hrss_member: Any,
    civil_liaison: Any,
    second_clerk: Any,
    unit_named: Any,
    login: Any,
) -> None:
    """三(二): the drafter sends the next round (back to the document's rounds); the consulted
    unit and a co-issuer see the document but may not (403); a unit not consulted and another
    joint meeting's clerk do not see it (404); anonymous goes to the login page."""
    Consultation.objects.filter(pk=drafted.consultation_id).update(
        status=Consultation.Status.CLOSED
    )
    url = f"/documents/{plan.pk}/rounds/send/"
    data = {"units": [str(unit_named("市民政局").pk)], "deadline_workdays": "3", "note": ""}
    for person in (consulted["safety"][0], safety_member, hrss_member):
        assert status_of(login, person, url, "post", data) == 403, person.username
    for person in (civil_liaison, second_clerk):
        assert status_of(login, person, url, "post", data) == 404, person.username
    assert_login(url, "post", data)
    assert plan.consultations.count() == 1
    client = login(clerk)
    response = client.post(url, data)
    assert response["Location"] == f"/documents/{plan.pk}/#rounds"
    assert "已发出征求意见。" in after(client, response)
    second = plan.consultations.get(round=2)
    assert [r.unit.name for r in second.replies.all()] == ["市民政局"]
    assert second.silence_is_consent is False  # an unticked box: silence is not consent
    assert client.get(url).status_code == 405


def test_only_the_drafting_unit_closes_a_round_from_the_page_三二(
    drafted: UnitReply,
    clerk: Any,
    safety_member: Any,
    consulted: Any,
    civil_liaison: Any,
    second_clerk: Any,
    login: Any,
) -> None:
    """三(二): the consulted unit sees the round but may not end it (403); others 404."""
    consultation = drafted.consultation
    url = f"/documents/rounds/{consultation.pk}/close/"
    for person in (consulted["safety"][0], safety_member, consulted["finance"][1]):
        assert status_of(login, person, url, "post") == 403, person.username
    for person in (civil_liaison, second_clerk):
        assert status_of(login, person, url, "post") == 404, person.username
    assert_login(url, "post")
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.OPEN
    client = login(clerk)
    response = client.post(url)
    assert response["Location"] == f"/documents/{consultation.document_id}/#rounds"
    assert "本轮征求意见已结束。" in after(client, response)
    consultation.refresh_from_db()
    assert consultation.status == Consultation.Status.CLOSED
    assert set(consultation.replies.values_list("status", flat=True)) == {Status.DEEMED}


# --- the reply page and its approval -----------------------------------------------------------


def test_the_reply_page_is_the_consulted_units_and_the_drafters_三二(
    drafted: UnitReply,
    clerk: Any,
    health_liaison: Any,
    safety_member: Any,
    consulted: Any,
    civil_liaison: Any,
    second_clerk: Any,
    login: Any,
) -> None:
    """三(二): the consulted unit's liaison and member open its reply page with their draft;
    the drafting side opens it too, without the draft its member has not approved; another
    consulted unit, a unit not consulted and another joint meeting get 404."""
    url = f"/documents/replies/{drafted.pk}/"
    for person in (consulted["safety"][0], safety_member):
        response = login(person).get(url)
        assert response.status_code == 200, person.username
        assert "应急局的意见：目标偏高" in response.content.decode()
    for person in (clerk, health_liaison):
        response = login(person).get(url)
        assert response.status_code == 200, person.username
        assert "应急局的意见：目标偏高" not in response.content.decode()
    for person in (consulted["finance"][0], consulted["finance"][1], civil_liaison, second_clerk):
        assert status_of(login, person, url) == 404, person.username
    assert_login(url)


def test_the_drafter_posting_on_a_units_reply_is_sent_back_with_an_error_三二(
    drafted: UnitReply, clerk: Any, login: Any
) -> None:
    """三(二): only the consulted unit writes its answer; the drafter's post changes nothing."""
    url = f"/documents/replies/{drafted.pk}/"
    client = login(clerk)
    response = client.post(url, {"stance": "no_comment", "rows": "5"})
    assert response["Location"] == url
    assert "只有被征求意见单位的联络员或成员可以填写反馈。" in after(client, response)
    drafted.refresh_from_db()
    assert (drafted.status, drafted.stance) == (Status.DRAFTED, UnitReply.Stance.COMMENTS)
    assert drafted.comments.count() == 2


def test_only_the_consulted_units_member_approves_its_reply_on_the_page_三二(
    drafted: UnitReply,
    clerk: Any,
    safety_member: Any,
    consulted: Any,
    civil_liaison: Any,
    login: Any,
) -> None:
    """三(二): the liaison sees the reply but may not send it (403), nor may the drafter; another
    unit gets 404; the member approves and the answer goes."""
    url = f"/documents/replies/{drafted.pk}/approve/"
    for person in (consulted["safety"][0], clerk):
        assert status_of(login, person, url, "post") == 403, person.username
    for person in (consulted["finance"][1], civil_liaison):
        assert status_of(login, person, url, "post") == 404, person.username
    assert_login(url, "post")
    drafted.refresh_from_db()
    assert drafted.status == Status.DRAFTED
    client = login(safety_member)
    response = client.post(url)
    assert response["Location"] == f"/documents/replies/{drafted.pk}/"
    assert "反馈已审核报送。" in after(client, response)
    drafted.refresh_from_db()
    assert drafted.status == Status.SUBMITTED and drafted.approved_by == safety_member


# --- the 意见采纳情况表 and its downloads -------------------------------------------------------


def test_the_adoption_page_shows_the_drafter_every_unit_and_a_unit_its_own_rows_三二(
    submitted: UnitReply,
    plan: OfficialDocument,
    clerk: Any,
    health_liaison: Any,
    safety_member: Any,
    consulted: Any,
    civil_liaison: Any,
    second_clerk: Any,
    login: Any,
) -> None:
    """三(二): the drafting side sees every unit's comments and decides them; the consulted
    unit sees its own comments only, without the decision forms; others 404."""
    url = f"/documents/{plan.pk}/adoption/"
    own, other = "应急局的意见：目标偏高", "财政局的意见：资金另行安排"
    first = submitted.comments.order_by("order").first()
    assert first is not None
    decide = f"/documents/comments/{first.pk}/decide/"
    for person in (clerk, health_liaison):
        response = login(person).get(url)
        assert response.status_code == 200, person.username
        page = response.content.decode()
        assert own in page and other in page and decide in page
    for person in (consulted["safety"][0], safety_member):
        response = login(person).get(url)
        assert response.status_code == 200, person.username
        page = response.content.decode()
        assert own in page and other not in page and decide not in page
    for person in (civil_liaison, second_clerk):
        assert status_of(login, person, url) == 404, person.username
    assert_login(url)


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_the_adoption_downloads_are_scoped_as_their_page_三二(
    submitted: UnitReply,
    plan: OfficialDocument,
    clerk: Any,
    safety_member: Any,
    consulted: Any,
    civil_liaison: Any,
    second_clerk: Any,
    login: Any,
    fmt: str,
    content_type: str,
) -> None:
    """三(二): the 意见采纳情况表 as .xlsx and .docx: the drafter's with every unit's comments,
    the consulted unit's with its own only; a unit not consulted and another joint meeting
    404."""
    url = f"/documents/{plan.pk}/adoption.{fmt}"
    own, other = "应急局的意见：目标偏高", "财政局的意见：资金另行安排"
    for person in (clerk, consulted["safety"][0], safety_member):
        response = login(person).get(url)
        assert response.status_code == 200, person.username
        assert response["Content-Type"].startswith(content_type)
        text = text_of_file(response.content, fmt)
        assert own in text, person.username
        assert (other in text) is (person == clerk), person.username
    for person in (civil_liaison, second_clerk):
        assert status_of(login, person, url) == 404, person.username
    assert_login(url)


def test_only_the_drafter_decides_a_comment_on_the_page_三二(
    submitted: UnitReply,
    plan: OfficialDocument,
    clerk: Any,
    safety_member: Any,
    hrss_member: Any,
    consulted: Any,
    civil_liaison: Any,
    second_clerk: Any,
    login: Any,
) -> None:
    """三(二): the consulted unit and a co-issuer see the comment but are sent back to the table
    with '只有起草单位可以处理修改意见。'; another consulted unit, a unit not consulted and
    another joint meeting get 404; the drafter's decision is recorded."""
    target = submitted.comments.order_by("order").first()
    assert target is not None
    url = f"/documents/comments/{target.pk}/decide/"
    data = {f"c{target.pk}-decision": "adopted", f"c{target.pk}-reason": ""}
    back = f"/documents/{plan.pk}/adoption/#comment-{target.pk}"
    for person in (consulted["safety"][0], safety_member, hrss_member):
        client = login(person)
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"] == back, person.username
        assert "只有起草单位可以处理修改意见。" in after(client, response)
    for person in (consulted["finance"][1], civil_liaison, second_clerk):
        assert status_of(login, person, url, "post", data) == 404, person.username
    assert_login(url, "post", data)
    target.refresh_from_db()
    assert target.decision == ""
    client = login(clerk)
    response = client.post(url, data)
    assert response["Location"] == back
    assert "已记录处理意见。" in after(client, response)
    target.refresh_from_db()
    assert target.decision == Comment.Decision.ADOPTED and target.decided_by == clerk


# --- the number of queries ---------------------------------------------------------------------
# Each page is read once with one row, then with several: the bound is the count measured, and
# the second read takes no more queries than the first.


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_versions_page_reads_in_a_few_queries_whatever_the_versions_三二(
    plan: OfficialDocument, clerk: Any, login: Any, django_assert_max_num_queries: Any
) -> None:
    """三(二): the versions page of a document of one version and of five."""
    client = login(clerk)
    url = f"/documents/{plan.pk}/versions/"
    client.get(url)  # the session warm
    one = count_queries(client, url)
    for number in range(1, 5):
        document_save(
            actor=clerk.membership,
            document=plan,
            based_on=number,
            title=plan.title,
            paragraphs=[*PLAN_BODY, f"第{number}次修改。"],
            summary=f"第{number}次修改说明",
        )
    assert plan.versions.count() == 5
    with django_assert_max_num_queries(10) as many:  # measured: 10
        response = client.get(url)
    assert response.status_code == 200
    assert len(many.captured_queries) <= one
    page = response.content.decode()
    assert all(f"第{n}次修改说明" in page for n in range(1, 5))


def test_the_adoption_page_reads_in_a_few_queries_whatever_the_comments_三二(
    plan: OfficialDocument,
    send_round: Any,
    consulted: Any,
    safety: Unit,
    finance: Unit,
    hrss: Unit,
    union: Unit,
    clerk: Any,
    login: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """三(二): the 意见采纳情况表 with one comment and with six, of four units, two decided."""
    consultation = send_round(plan)
    units = {"safety": safety, "finance": finance, "hrss": hrss, "union": union}
    member, first = consulted["safety"][1], [comment(1, "一")]
    answer(member, consultation, safety, stance="comments", comments=first, submit=True)
    client = login(clerk)
    url = f"/documents/{plan.pk}/adoption/"
    client.get(url)
    one = count_queries(client, url)
    for key, texts in (("finance", ["二", "三"]), ("hrss", ["四", "五"]), ("union", ["六"])):
        answer(
            consulted[key][1],
            consultation,
            units[key],
            stance="comments",
            comments=[comment(n, text) for n, text in enumerate(texts)],
            submit=True,
        )
    Comment.objects.filter(text__in=["一", "四"]).update(decision=Comment.Decision.ADOPTED)
    assert Comment.objects.count() == 6
    with django_assert_max_num_queries(10) as many:  # measured: 10
        response = client.get(url)
    assert response.status_code == 200
    assert len(many.captured_queries) <= one
    assert response.content.decode().count("/decide/") >= 6


def test_the_registers_page_reads_in_a_few_queries_whatever_the_registers_四六(
    clerk: Any, health: Unit, unit_named: Any, login: Any, django_assert_max_num_queries: Any
) -> None:
    """四(六): the 发文字号 registers page with one register and with four."""
    make_register(clerk, health, "信卫职健")
    client = login(clerk)
    url = "/documents/registers/"
    client.get(url)
    one = count_queries(client, url)
    for name, prefix in (("市人力资源和社会保障局", "信人社"), ("市应急管理局", "信应急")):
        make_register(clerk, unit_named(name), prefix)
    make_register(clerk, health, "信职防联", for_mechanism=True)
    with django_assert_max_num_queries(9) as many:  # measured: 9
        response = client.get(url)
    assert response.status_code == 200
    assert len(many.captured_queries) <= one
    page = response.content.decode()
    assert all(prefix in page for prefix in ("信卫职健", "信人社", "信应急", "信职防联"))
