"""Pages of the duty catalogue (附件; 四(一)): who may see them and what they show."""

import pytest

from lianxi.organization.models import Clause, Membership, RulesDocument, Unit

pytestmark = pytest.mark.django_db

PAGES = ["/units/", "/units/rules/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_open_to_people_of_the_joint_meeting(login, path, clerk, other_liaison, gov_reader):
    for user in (clerk, other_liaison, gov_reader):
        assert login(user).get(path).status_code == 200


@pytest.mark.parametrize("path", PAGES)
def test_pages_closed_to_accounts_without_membership(login, path, outsider):
    assert login(outsider).get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_pages_send_anonymous_visitors_to_login(client, mechanism, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_unit_page_access(login, clerk, other_liaison, outsider, client, unit_named):
    unit = unit_named("市总工会")
    path = f"/units/{unit.pk}/"
    assert login(other_liaison).get(path).status_code == 200
    assert login(outsider).get(path).status_code == 403
    assert client.get(path).status_code == 302
    assert login(clerk).get("/units/999999/").status_code == 404


def test_catalogue_lists_every_unit_duty_and_person_四_一(login, clerk, other_liaison):
    """四(一): each member unit with its duties, its member and its liaison."""
    body = login(clerk).get("/units/").content.decode()
    assert '<b id="unit-count">15</b>' in body
    assert '<b id="duty-count">50</b>' in body
    assert "市人力资源和社会保障局的第8项职责" in body
    assert "张联络" in body


def test_catalogue_query_count_does_not_grow_with_people(
    login, clerk, mechanism, django_assert_max_num_queries
):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(clerk)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/units/").status_code == 200
    for unit in Unit.objects.filter(mechanism=mechanism):
        for role in ("member", "liaison"):
            user = get_user_model().objects.create_user(username=f"u{unit.pk}{role}")
            Membership.objects.create(user=user, unit=unit, role=role)
    with django_assert_max_num_queries(15), CaptureQueriesContext(connection) as many:
        assert client.get("/units/").status_code == 200
    assert len(many) == len(few)


def test_rules_page_shows_clauses_with_stable_anchors(login, clerk, mechanism):
    """四(一): the rules page shows each clause under its stable anchor (here 三(一)1)."""
    document = RulesDocument.objects.get(mechanism=mechanism)
    Clause.objects.create(
        document=document, anchor="三(一)1", parent_anchor="三(一)", heading="全体会议",
        text="全体会议原则上每年召开一次。", level=3, order=1,
    )  # fmt: skip
    body = login(clerk).get("/units/rules/").content.decode()
    assert 'id="三(一)1"' in body
    assert "全体会议原则上每年召开一次" in body


def _section(body: str, anchor: str) -> str:
    start = body.index(f'id="{anchor}"')
    return body[start : body.index("</section>", start)]


def test_catalogue_numbers_15_member_units_and_shows_the_government_office_apart(
    login, clerk, unit_named
):
    """附件 (成员单位职责分工), issue 18: the catalogue says 15 units and numbered a 16th
    (市政府办公室, not a member unit): the member units are counted and numbered, the city
    government office stands apart."""
    body = login(clerk).get("/units/").content.decode()
    assert '<b id="unit-count">15</b>' in body
    assert '<span class="num">15.</span>' in body
    assert '<span class="num">16.</span>' not in body
    gov = unit_named("市政府办公室")
    others = body[body.index('id="other-units"') :]
    assert f'id="unit-{gov.pk}"' in others
    assert f'id="unit-{gov.pk}"' not in body[: body.index('id="other-units"')]
    assert "市政府办公室" in others
    assert "不是成员单位" in others


def test_catalogue_says_unregistered_for_a_missing_liaison(login, clerk, unit_named):
    """四(一), issue 18: an unregistered liaison showed as an empty "联络员："."""
    body = login(clerk).get("/units/").content.decode()
    # 市总工会 has nobody registered in the fixtures; 市卫生健康委 has a member but no liaison.
    union = _section(body, f"unit-{unit_named('市总工会').pk}")
    assert "联络员：未登记" in union
    assert "成员：未登记" in union
    assert "联络员：</" not in body and "联络员： </" not in body


def test_shipped_rules_text_reads_和_not_and() -> None:
    """The shipped rules text had "技术规范 and 职业健康监督管理指导意见" (三(二)): the original
    means 和."""
    from pathlib import Path

    text = (Path(__file__).parents[1] / "rules" / "xinyang-2023.txt").read_text(encoding="utf-8")
    assert "技术规范和职业健康监督管理指导意见" in text
    assert " and " not in text
