"""Every page of information and briefs, for each persona (三(四)1, 三(四)3): the unit that may,
another unit, the government reader, the secretariat, an anonymous visitor. A unit never sees
another unit's reports, sent or not; a draft brief is the secretariat's alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianxi.conftest import aware

from ..models import Brief, InfoReport
from ..services import ArticleIn, brief_create, brief_issue, info_report_review
from .conftest import drafted, sent

pytestmark = pytest.mark.django_db


@dataclass
class World:
    draft: InfoReport  # 人社局's, never sent
    adopted: InfoReport  # 人社局's 经验做法, adopted, with a photo
    union_sent: InfoReport  # 总工会's, waiting for review
    issued: Brief  # to everyone
    draft_brief: Brief
    to_union: Brief  # issued to 总工会 only


@pytest.fixture
def world(hrss_pair: Any, union_pair: Any, clerk: Any, gov_reader: Any, unit_named: Any) -> World:
    photo = SimpleUploadedFile("现场.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32, "image/png")
    draft = drafted(hrss_pair[0], "人社草稿SECRET")
    adopted = sent(hrss_pair, "人社经验", kind="experience", files=[photo], industry="建材")
    info_report_review(
        actor=clerk.membership, report=adopted, decision="adopt", adopted_as="exchange",
        now=aware(2027, 3, 1),
    )  # fmt: skip
    union_sent = sent(union_pair, "工会待审")

    def brief(title: str, source: bool = False) -> Brief:
        first = (
            ArticleIn(source_report_id=adopted.pk)
            if source
            else ArticleIn(title="动态", body="正文")
        )
        return brief_create(
            actor=clerk.membership,
            title=title,
            articles=[first, ArticleIn(title="要闻", body="正文")],
            report_to="市政府办公室",
            issue_to="联席会议各成员单位",
            copies=60,
        )

    issued = brief_issue(
        actor=clerk.membership, brief=brief("第一期", source=True), now=aware(2027, 3, 2)
    )
    to_union = brief_issue(
        actor=clerk.membership, brief=brief("只发工会"), now=aware(2027, 3, 3),
        recipient_unit_ids=[unit_named("市总工会").pk],
    )  # fmt: skip
    return World(draft, adopted, union_sent, issued, brief("草稿期"), to_union)


def _urls(w: World) -> dict[str, str]:
    return {
        "index": "/bulletins/",
        "new": "/bulletins/reports/new/",
        "draft": f"/bulletins/reports/{w.draft.pk}/",
        "adopted": f"/bulletins/reports/{w.adopted.pk}/",
        "union_sent": f"/bulletins/reports/{w.union_sent.pk}/",
        "file": f"/bulletins/reports/{w.adopted.pk}/files/{w.adopted.files.get().pk}/",
        "figures": "/bulletins/figures/",
        "figures_xlsx": "/bulletins/figures.xlsx",
        "briefs": "/bulletins/briefs/",
        "brief_new": "/bulletins/briefs/new/",
        "issued": f"/bulletins/briefs/{w.issued.pk}/",
        "issued_pdf": f"/bulletins/briefs/{w.issued.pk}/brief.pdf",
        "issued_docx": f"/bulletins/briefs/{w.issued.pk}/brief.docx",
        "draft_brief": f"/bulletins/briefs/{w.draft_brief.pk}/",
        "draft_brief_pdf": f"/bulletins/briefs/{w.draft_brief.pk}/brief.pdf",
        "to_union": f"/bulletins/briefs/{w.to_union.pk}/",
        "library": "/bulletins/library/",
        "library_item": f"/bulletins/library/{w.adopted.pk}/",
        "situation": "/bulletins/situation/",
        "situation_records": "/bulletins/situation/records/?year=2026&figure=info_sent&period=year",
    }


# What each persona gets on GET: 200, 302 (a redirect), 403 (a page not theirs), 404 (hidden).
EXPECTED = {
    "clerk": {
        "index": 200, "new": 403, "draft": 404, "adopted": 200, "union_sent": 200, "file": 200,
        "figures": 200, "figures_xlsx": 200, "briefs": 200, "brief_new": 200, "issued": 200,
        "issued_pdf": 200, "issued_docx": 200, "draft_brief": 200, "draft_brief_pdf": 200,
        "to_union": 200, "library": 200, "library_item": 200, "situation": 200,
        "situation_records": 200,
    },
    "hrss_liaison": {
        "index": 200, "new": 200, "draft": 200, "adopted": 200, "union_sent": 404, "file": 200,
        "figures": 403, "figures_xlsx": 403, "briefs": 200, "brief_new": 403, "issued": 200,
        "issued_pdf": 200, "issued_docx": 200, "draft_brief": 404, "draft_brief_pdf": 404,
        "to_union": 404, "library": 200, "library_item": 200, "situation": 403,
        "situation_records": 403,
    },
    "union_liaison": {
        "index": 200, "new": 200, "draft": 404, "adopted": 404, "union_sent": 200, "file": 200,
        "figures": 403, "figures_xlsx": 403, "briefs": 200, "brief_new": 403, "issued": 200,
        "issued_pdf": 200, "issued_docx": 200, "draft_brief": 404, "draft_brief_pdf": 404,
        "to_union": 200, "library": 200, "library_item": 200, "situation": 403,
        "situation_records": 403,
    },
    "gov_reader": {
        "index": 302, "new": 403, "draft": 404, "adopted": 404, "union_sent": 404, "file": 200,
        "figures": 403, "figures_xlsx": 403, "briefs": 200, "brief_new": 403, "issued": 200,
        "issued_pdf": 200, "issued_docx": 200, "draft_brief": 404, "draft_brief_pdf": 404,
        "to_union": 404, "library": 200, "library_item": 200, "situation": 403,
        "situation_records": 403,
    },
}  # fmt: skip


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_every_page_answers_each_persona_as_the_rules_say_三_四_1(
    persona: str,
    world: World,
    clerk: Any,
    other_liaison: Any,
    union_liaison: Any,
    gov_reader: Any,
    login: Callable[[Any], Client],
) -> None:
    """三(四)1, 三(四)3: pages and downloads, GET, per persona; a unit's draft is its own; the
    exchange library (with its files) is open to every unit and the government office."""
    people = {
        "clerk": clerk,
        "hrss_liaison": other_liaison,
        "union_liaison": union_liaison,
        "gov_reader": gov_reader,
    }
    client = login(people[persona])
    got = {}
    for name, url in _urls(world).items():
        response = client.get(url)
        if response.streaming:  # read to its end, a streamed download closes its file
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
        got[name] = response.status_code
    assert got == EXPECTED[persona]


def test_anonymous_visitors_are_sent_to_the_login_三_四_1(world: World) -> None:
    client = Client()
    for url in _urls(world).values():
        response = client.get(url)
        assert response.status_code == 302 and "/account/login/" in response["Location"], url


def test_a_page_never_shows_another_units_report_三_四_1(
    world: World, union_liaison: Any, clerk: Any, login: Callable[[Any], Client]
) -> None:
    """三(四)1: neither the secretariat's lists nor another unit's pages carry a unit's draft."""
    for person in (union_liaison, clerk):
        client = login(person)
        for url in ("/bulletins/", "/bulletins/briefs/", "/bulletins/library/?q=SECRET"):
            assert "人社草稿SECRET" not in client.get(url).content.decode(), (person, url)


def test_the_sign_button_is_for_the_units_not_the_secretariat_三_四_1(
    world: World, clerk: Any, other_liaison: Any, login: Callable[[Any], Client]
) -> None:
    """三(四)1: the units on the list sign for their copy; the secretariat, which issued it, sees
    the receipts instead."""
    url = f"/bulletins/briefs/{world.issued.pk}/"
    office = login(clerk).get(url).content.decode()
    assert 'id="sign"' not in office and 'id="receipts"' in office
    unit = login(other_liaison).get(url).content.decode()
    assert 'id="sign"' in unit and 'id="receipts"' not in unit


def test_posts_are_refused_to_those_who_may_not_三_四_1(
    world: World,
    union_liaison: Any,
    other_liaison: Any,
    gov_reader: Any,
    login: Callable[[Any], Client],
) -> None:
    """A unit cannot send or review another unit's report, nor issue a brief; the government
    reader signs for its own copy only."""
    union = login(union_liaison)
    assert union.post(f"/bulletins/reports/{world.draft.pk}/send/").status_code == 404
    assert (
        union.post(
            f"/bulletins/reports/{world.union_sent.pk}/review/", {"decision": "adopt"}
        ).status_code
        == 403
    )
    assert union.post(f"/bulletins/briefs/{world.draft_brief.pk}/issue/").status_code == 403
    assert (
        gov_reader
        and login(gov_reader).post(f"/bulletins/briefs/{world.to_union.pk}/sign/").status_code
        == 404
    )
    hrss = login(other_liaison)
    response = hrss.post(f"/bulletins/briefs/{world.issued.pk}/sign/")
    assert response.status_code == 302
    assert world.issued.receipts.filter(unit=other_liaison.membership.unit).get().signed_at
    assert InfoReport.objects.get(pk=world.union_sent.pk).status == "sent"


def test_list_pages_pin_their_queries(
    world: World, clerk: Any, other_liaison: Any, login: Callable[[Any], Client],
    django_assert_max_num_queries: Any,
) -> None:  # fmt: skip
    """The index, the archive and the library do not grow with their rows."""
    for person in (clerk, other_liaison):
        client = login(person)
        for url in ("/bulletins/", "/bulletins/briefs/", "/bulletins/library/"):
            with django_assert_max_num_queries(16):
                assert client.get(url).status_code == 200
