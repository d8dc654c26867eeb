"""签发 and 印发 (三(一)1, 四(六)): a topical meeting's chair unit drafts its minutes; the
secretariat (the health commission) records the 签发 of its responsible leader, a named person,
and only then issues them, taking the number."""

from __future__ import annotations

from typing import Any

import pytest

from lianxi.core.exceptions import ApplicationError
from lianxi.core.models import AuditEvent
from lianxi.meetings import services
from lianxi.meetings.models import Meeting, Minutes, MinutesReceipt
from lianxi.organization.models import Unit

from .fixtures import hold

pytestmark = pytest.mark.django_db


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


@pytest.fixture
def topical_minutes(topical: Meeting, safety_liaison: Any) -> Minutes:
    """A held topical meeting chaired by 市应急管理局, its minutes drafted and approved by the
    chair unit's liaison."""
    chair = safety_liaison.membership
    meeting = topical
    services.agenda_item_add(meeting=meeting, title="粉尘危害专项治理方案", actor=chair)
    services.meeting_notify(meeting=meeting, actor=chair)
    minutes = services.minutes_draft(meeting=hold(meeting, chair), actor=chair)
    services.resolution_add(
        section=minutes.sections.all()[0], text="制定粉尘危害专项治理方案",
        lead_unit=unit("市应急管理局"), deadline_workdays=30, actor=chair,
    )  # fmt: skip
    return services.minutes_approve(minutes=minutes, actor=chair)


def test_the_topical_meetings_minutes_cannot_be_issued_without_the_secretariat_and_a_签发(
    topical_minutes: Minutes, sec: Any, safety_liaison: Any
) -> None:
    """三(一)1: 市卫生健康委负责会议纪要起草印发; 四(六): 由市卫生健康委代章. The chair unit
    drafts and approves; it can neither sign off nor issue; the secretariat cannot issue before
    the 签发 is recorded; the number is taken only at issuing."""
    chair = safety_liaison.membership
    with pytest.raises(ApplicationError, match="联席会议办公室"):
        services.minutes_issue(minutes=topical_minutes, actor=chair)
    with pytest.raises(ApplicationError, match="联席会议办公室"):
        services.minutes_sign_off(minutes=topical_minutes, signer_name="钱局长", actor=chair)
    with pytest.raises(ApplicationError, match="签发"):
        services.minutes_issue(minutes=topical_minutes, actor=sec)
    topical_minutes.refresh_from_db()
    assert topical_minutes.status == Minutes.Status.APPROVED
    assert topical_minutes.serial is None
    assert not MinutesReceipt.objects.exists()

    with pytest.raises(ApplicationError, match="签发人"):
        services.minutes_sign_off(minutes=topical_minutes, signer_name=" ", actor=sec)
    signed = services.minutes_sign_off(
        minutes=topical_minutes, signer_name="赵主任", signer_title="市卫生健康委副主任", actor=sec
    )
    assert signed.status == Minutes.Status.SIGNED
    assert (signed.signed_off_name, signed.signed_off_title) == ("赵主任", "市卫生健康委副主任")
    assert signed.signed_off_recorded_by == sec.user and signed.signed_off_at is not None
    assert signed.serial is None  # not yet: the number is taken at issuing
    assert AuditEvent.objects.filter(action="minutes.sign_off").exists()

    issued = services.minutes_issue(minutes=signed, actor=sec)
    assert issued.status == Minutes.Status.ISSUED and issued.number.endswith("1号")
    assert issued.issued_by == sec.user
    assert issued.signed_off_name == "赵主任"


def test_a_signed_off_draft_reopened_loses_its_签发_三_一_1(
    topical_minutes: Minutes, sec: Any
) -> None:
    """A 签发 covers the text signed: sent back for changes, it must be signed again."""
    services.minutes_sign_off(minutes=topical_minutes, signer_name="赵主任", actor=sec)
    reopened = services.minutes_reopen(minutes=topical_minutes, actor=sec)
    assert reopened.status == Minutes.Status.DRAFT
    assert reopened.signed_off_name == "" and reopened.signed_off_at is None


def test_the_chair_unit_is_refused_the_签发_and_issue_pages_but_sees_the_steps_四_六(
    topical_minutes: Minutes, sec: Any, safety_liaison: Any, clerk: Any, login: Any
) -> None:
    """四(六): a forbidden action on minutes the chair unit sees is 403; the secretariat's page
    offers 签发 with the commission's leader named, then 印发, and shows who signed."""
    chair_client = login(safety_liaison)
    base = f"/meetings/minutes/{topical_minutes.pk}"
    page = chair_client.get(f"{base}/").content.decode()
    assert "待联席会议办公室签发" in page and 'action="' + base + '/issue/"' not in page
    assert chair_client.post(f"{base}/sign-off/", {"signer_name": "x"}).status_code == 403
    assert chair_client.post(f"{base}/issue/").status_code == 403

    client = login(clerk)
    page = client.get(f"{base}/").content.decode()
    assert 'action="' + base + '/sign-off/"' in page
    response = client.post(f"{base}/sign-off/", {"signer_name": "赵主任", "signer_title": "副主任"})
    assert response.status_code == 302
    page = client.get(f"{base}/").content.decode()
    assert "签发人" in page and "赵主任" in page and "王秘书" in page
    assert 'action="' + base + '/issue/"' in page
    assert client.post(f"{base}/issue/").status_code == 302
    topical_minutes.refresh_from_db()
    assert topical_minutes.status == Minutes.Status.ISSUED
    assert Meeting.objects.get().minutes.number


def test_a_refused_签发_keeps_what_was_typed(
    topical_minutes: Minutes, clerk: Any, login: Any
) -> None:
    """四(六): the 签发 needs the signer's name; the form comes back with the title typed."""
    response = login(clerk).post(
        f"/meetings/minutes/{topical_minutes.pk}/sign-off/", {"signer_title": "市卫生健康委副主任"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "请填写签发人姓名" in page and 'value="市卫生健康委副主任"' in page
    topical_minutes.refresh_from_db()
    assert topical_minutes.status == Minutes.Status.APPROVED
