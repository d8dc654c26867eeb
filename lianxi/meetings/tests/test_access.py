"""Who sees what (access.py): every page — the role that may, another unit or role that may
not, an anonymous visitor — and the list's query count."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianxi.core.models import AuditEvent
from lianxi.meetings import services
from lianxi.meetings.models import Meeting, Minutes
from lianxi.organization.models import Unit

from .fixtures import hold

pytestmark = pytest.mark.django_db


@pytest.fixture
def minutes(plenary: Meeting, sec: Any) -> Minutes:
    hold(plenary, sec)
    minutes = services.minutes_draft(meeting=plenary, actor=sec)
    services.resolution_add(
        section=minutes.sections.all()[0], text="开展专项行动",
        lead_unit=Unit.objects.get(name="市财政局"), deadline_workdays=10, actor=sec,
    )  # fmt: skip
    return minutes


def issue(minutes: Minutes, sec: Any) -> None:
    services.minutes_approve(minutes=minutes, actor=sec)
    services.minutes_sign_off(minutes=minutes, signer_name="赵主任", actor=sec)
    services.minutes_issue(minutes=minutes, actor=sec)


def status(client: Client, url: str, method: str = "get") -> int:
    return getattr(client, method)(url).status_code


def test_anonymous_visitors_go_to_the_login_page(plenary: Meeting) -> None:
    client = Client()
    pages = ("/meetings/", "/meetings/new/", "/meetings/topical/new/")
    for url in (*pages, *(f"/meetings/{plenary.pk}/{p}" for p in ("", "roll/", "edit/"))):
        response = client.get(url)
        assert response.status_code == 302 and "/account/login/" in response["Location"], url
    response = client.post(f"/meetings/{plenary.pk}/answer/", {"attending": "1"})
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_outsiders_auditors_and_security_admins_see_nothing(
    plenary: Meeting, outsider: Any, auditor: Any, security_admin: Any, login: Any
) -> None:
    """The list is refused to their role; a meeting they may not see is one that is not there."""
    for user in (outsider, auditor, security_admin):
        client = login(user)
        assert status(client, "/meetings/") == 403
        assert status(client, f"/meetings/{plenary.pk}/") == 404


def test_schedule_and_entrust_forms_are_for_the_secretariat_三_一_1(
    clerk: Any, other_liaison: Any, login: Any
) -> None:
    assert status(login(clerk), "/meetings/new/") == 200
    assert status(login(clerk), "/meetings/topical/new/") == 200
    assert status(login(other_liaison), "/meetings/new/") == 403
    assert status(login(other_liaison), "/meetings/topical/new/") == 403


def test_schedule_form_creates_a_plenary_with_a_new_observer_unit(clerk: Any, login: Any) -> None:
    """三(一)1: the schedule page invites a new unit to attend as an observer (列席)."""
    from .fixtures import soon

    response = login(clerk).post(
        "/meetings/new/",
        {
            "title": "2026年全体会议",
            "starts_at": soon().strftime("%Y-%m-%dT%H:%M"),
            "ends_at": soon(hour=11).strftime("%Y-%m-%dT%H:%M"),
            "location": "三楼会议室",
            "new_observer": "市疾控中心",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meetings/{meeting.pk}/"
    assert meeting.attendances.filter(unit__name="市疾控中心", invited_as="observer").exists()
    bad = login(clerk).post("/meetings/new/", {"title": "x", "location": "y",
                                               "starts_at": "2026-05-01T10:00",
                                               "ends_at": "2026-05-01T09:00"})  # fmt: skip
    assert "结束时间应晚于开始时间" in bad.content.decode()


def test_meeting_page_for_invited_units_and_the_convener(
    plenary: Meeting, clerk: Any, other_liaison: Any, gov_reader: Any, login: Any
) -> None:
    """三(一)1: the convener sees the roll; an invited unit sees its own answer; the government
    office sees the meeting only once the minutes are issued to it."""
    secretariat = login(clerk).get(f"/meetings/{plenary.pk}/").content.decode()
    assert "参会情况" in secretariat and "未答复" in secretariat
    unit_page = login(other_liaison).get(f"/meetings/{plenary.pk}/").content.decode()
    assert "本单位答复" in unit_page and "参会情况" not in unit_page
    assert status(login(gov_reader), f"/meetings/{plenary.pk}/") == 404  # no issued minutes yet


def test_roll_edit_and_convener_actions_are_for_the_convener_only(
    plenary: Meeting, clerk: Any, other_liaison: Any, login: Any
) -> None:
    """三(一)1: notice, agenda, materials, roll and minutes are the convener's, not a unit's."""
    unit_client = login(other_liaison)
    for url in (f"/meetings/{plenary.pk}/roll/", f"/meetings/{plenary.pk}/edit/"):
        assert status(unit_client, url) == 403
    for url in ("agenda/", "notify/", "cancel/", "invite/", "record/", "minutes/", "materials/",
                "agenda/carryover/"):  # fmt: skip
        assert status(unit_client, f"/meetings/{plenary.pk}/{url}", "post") == 403, url
    assert status(login(clerk), f"/meetings/{plenary.pk}/roll/") == 200
    assert status(login(clerk), f"/meetings/{plenary.pk}/edit/") == 200


def test_an_observer_sees_only_the_meetings_it_was_invited_to(
    plenary: Meeting, other_meeting: Meeting, observer_user: Any, login: Any
) -> None:
    """三(一)1 列席: an invited unit sees only the meetings it was invited to."""
    client = login(observer_user)
    assert status(client, f"/meetings/{plenary.pk}/") == 200
    assert status(client, f"/meetings/{other_meeting.pk}/") == 404
    listing = client.get("/meetings/").content.decode()
    assert plenary.title in listing and other_meeting.title not in listing


def test_materials_download_only_for_those_who_see_the_meeting(
    plenary: Meeting, other_meeting: Meeting, sec: Any, observer_user: Any, gov_reader: Any,
    login: Any, settings: Any, tmp_path: Any,
) -> None:  # fmt: skip
    settings.MEDIA_ROOT = tmp_path
    material = services.meeting_material_add(
        meeting=other_meeting, title="要点", file=SimpleUploadedFile("a.txt", b"abc"), actor=sec
    )
    url = f"/meetings/{other_meeting.pk}/materials/{material.pk}/"
    response = login(sec.user).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"abc"
    # issue 17 (GB/T 22239 8.1.4.3): streamed, and audited as every download is
    taken = AuditEvent.objects.get(action="download.file")
    assert (taken.actor_id, taken.data["bytes"], taken.target_id) == (
        sec.user.pk,
        3,
        str(material.pk),
    )
    assert status(login(observer_user), url) == 404
    assert status(login(gov_reader), url) == 404


def test_minutes_drafts_only_for_the_convener_issued_for_recipients(
    minutes: Minutes, sec: Any, clerk: Any, other_liaison: Any, observer_user: Any,
    gov_reader: Any, outsider: Any, login: Any,
) -> None:  # fmt: skip
    """三(一)1: the draft minutes are the convener's; once 印发 the member units, the invited
    units and the government office (抄报) read them."""
    url = f"/meetings/minutes/{minutes.pk}/"
    edit = f"/meetings/minutes/{minutes.pk}/edit/"
    assert status(login(clerk), url) == 200 and status(login(clerk), edit) == 200
    for user in (other_liaison, observer_user, gov_reader):
        assert status(login(user), url) == 404
        assert status(login(user), edit) == 404
    assert status(login(outsider), url) == 404
    assert status(Client(), url) == 302
    issue(minutes, sec)
    for user in (other_liaison, observer_user, gov_reader):
        assert status(login(user), url) == 200
    assert status(login(other_liaison), f"/meetings/minutes/{minutes.pk}/issue/", "post") == 403
    assert status(login(clerk), edit) == 302  # issued minutes are no longer edited


def test_an_observer_not_invited_does_not_see_the_minutes(
    make_plenary: Any, sec: Any, observer_user: Any, login: Any
) -> None:
    """三(一)1: minutes go to the units invited to that meeting; an observer unit not invited
    does not see them."""
    meeting = hold(make_plenary(title="不邀请列席的会议"), sec)
    minutes = services.minutes_draft(meeting=meeting, actor=sec)
    issue(minutes, sec)
    assert status(login(observer_user), f"/meetings/minutes/{minutes.pk}/") == 404


def test_the_list_query_count_does_not_grow_with_meetings(
    make_plenary: Any, clerk: Any, other_liaison: Any, login: Any,
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    make_plenary(title="会议1")
    # Each person against their own first count: the header's entries cost the secretariat
    # one query more than a liaison (can_manage_calendar), whatever the number of meetings.
    clients = {"clerk": login(clerk), "liaison": login(other_liaison)}
    baselines = {}
    for who, client in clients.items():
        with django_assert_max_num_queries(8) as few:
            assert client.get("/meetings/").status_code == 200
        baselines[who] = len(few.captured_queries)
    for n in range(2, 8):
        make_plenary(title=f"会议{n}", days=n)
    meeting = Meeting.objects.all()[0]
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=meeting.starts_at - timedelta(days=30))
    for who, client in clients.items():
        with django_assert_max_num_queries(8) as many:
            response = client.get("/meetings/")
        assert response.content.decode().count("会议") > 7
        assert len(many.captured_queries) <= baselines[who]


def test_minutes_downloads_and_edit_endpoints_follow_the_minutes_access(
    minutes: Minutes, clerk: Any, other_liaison: Any, login: Any
) -> None:
    base = f"/meetings/minutes/{minutes.pk}"
    section = minutes.sections.all()[0]
    resolution = minutes.resolutions.all()[0]
    unit_client = login(other_liaison)
    for url in (f"{base}/minutes.docx", f"{base}/minutes.pdf"):
        assert status(unit_client, url) == 404  # a draft is the convener's
        assert status(Client(), url) == 302
    for url in (f"{base}/sections/", f"{base}/sections/{section.pk}/resolutions/",
                f"{base}/resolutions/{resolution.pk}/remove/", f"{base}/approve/",
                f"{base}/acknowledge/"):  # fmt: skip
        assert status(unit_client, url, "post") == 404, url
    assert minutes.resolutions.count() == 1


def test_minutes_edit_page_saves_text_and_adds_an_agreed_matter(
    minutes: Minutes, clerk: Any, login: Any
) -> None:
    client = login(clerk)
    section = minutes.sections.all()[0]
    base = f"/meetings/minutes/{minutes.pk}"
    client.post(
        f"{base}/edit/",
        {"intro": "开头", f"heading-{section.pk}": "一、形势", f"discussion-{section.pk}": "讨论"},
    )
    section.refresh_from_db()
    assert (section.heading, section.discussion) == ("一、形势", "讨论")
    lead = Unit.objects.get(name="市总工会")
    response = client.post(
        f"{base}/sections/{section.pk}/resolutions/",
        {"text": "组织职业健康知识竞赛", "lead_unit": lead.pk, "deadline_workdays": 30,
         "feedback_every_workdays": 15},
        follow=True,
    )  # fmt: skip
    assert "议定事项已添加" in response.content.decode()
    assert minutes.resolutions.filter(lead_unit=lead, number=2).exists()
    bad = client.post(
        f"{base}/sections/{section.pk}/resolutions/",
        {"text": "无时限", "lead_unit": lead.pk, "feedback_every_workdays": 15},
        follow=True,
    )
    assert "二选一" in bad.content.decode()
    assert minutes.resolutions.count() == 2
