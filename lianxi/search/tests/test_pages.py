"""The search page (/search/) and the search box in the header: access, filters, pagination."""

from typing import Any

import pytest

from lianxi.search.services import search_index_refresh
from lianxi.supervision.services import action_item_create

from .conftest import Record

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_log_in(client: Any) -> None:
    response = client.get("/search/?q=尘肺")
    assert response.status_code == 302 and "/account/login/" in response["Location"]


def test_outsider_is_refused(login: Any, outsider: Any) -> None:
    assert login(outsider).get("/search/?q=尘肺").status_code == 403


def test_the_header_has_the_search_box(login: Any, clerk: Any) -> None:
    html = login(clerk).get("/").content.decode()
    assert 'class="search-box"' in html and 'action="/search/"' in html


def test_a_clerk_sees_labelled_results_with_counts(record: Record, login: Any, clerk: Any) -> None:
    html = login(clerk).get("/search/", {"q": "尘肺"}).content.decode()
    assert 'id="search-total">9<' in html
    assert 'data-kind="incident"' in html and '事故通报 <span class="pill">1</span>' in html
    assert "<mark>尘肺</mark>" in html
    assert f'href="/incidents/{record.incident.pk}/"' in html


def test_another_unit_does_not_see_what_is_not_its_own(
    record: Record, login: Any, edu_liaison: Any
) -> None:
    """四(二), 三(四)2: no other unit's items, reports or incidents on the page."""
    html = login(edu_liaison).get("/search/", {"q": "粉尘"}).content.decode()
    assert 'id="search-empty"' in html
    assert "没有找到与“粉尘”相关的、您有权查看的记录" in html
    html = login(edu_liaison).get("/search/", {"q": "尘肺"}).content.decode()
    assert 'data-kind="action_item"' not in html and 'data-kind="incident"' not in html
    assert 'data-kind="progress_report"' not in html


def test_empty_page_says_what_can_be_found(login: Any, health_liaison: Any) -> None:
    html = login(health_liaison).get("/search/").content.decode()
    assert 'id="search-empty"' in html
    for label in (
        "成员单位",
        "职责",
        "工作规则条款",
        "会议纪要",
        "督办事项",
        "进展反馈",
        "事故通报",
    ):
        assert label in html
    assert "没有找到" not in html


def test_bad_dates_are_explained(login: Any, clerk: Any) -> None:
    html = (
        login(clerk)
        .get("/search/", {"q": "尘肺", "date_from": "2026-05-01", "date_to": "2026-04-01"})
        .content.decode()
    )
    assert "起始日期不能晚于截止日期。" in html


def _items(count: int, mechanism: Any, clerk: Any, unit: Any) -> None:
    for n in range(count):
        action_item_create(
            mechanism=mechanism, title=f"噪声聋防治宣传第{n + 1}项", source="other",
            source_label="", lead_unit=unit, supporting_units=(), deadline=None,
            deadline_workdays=10, actor=clerk,
        )  # fmt: skip
    search_index_refresh()


def test_pagination_and_kind_filter(
    record: Record, login: Any, clerk: Any, mechanism: Any, unit_named: Any
) -> None:
    _items(25, mechanism, clerk, unit_named("市总工会"))
    client = login(clerk)
    first = client.get("/search/", {"q": "噪声聋", "kind": "action_item"}).content.decode()
    assert 'id="search-total">25<' in first and "第 1 / 2 页" in first
    assert first.count('class="card search-hit"') == 20 and 'rel="next"' in first
    second = client.get(
        "/search/", {"q": "噪声聋", "kind": "action_item", "page": 2}
    ).content.decode()
    assert second.count('class="card search-hit"') == 5 and 'rel="prev"' in second


def test_query_count_does_not_grow_with_results(
    record: Record,
    login: Any,
    clerk: Any,
    mechanism: Any,
    unit_named: Any,
    django_assert_max_num_queries: Any,
) -> None:
    client = login(clerk)
    client.get("/search/", {"q": "噪声聋"})  # warm the session
    _items(1, mechanism, clerk, unit_named("市总工会"))
    with django_assert_max_num_queries(14) as few:
        assert client.get("/search/", {"q": "噪声聋"}).status_code == 200
    _items(30, mechanism, clerk, unit_named("市医保局"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/search/", {"q": "噪声聋"}).status_code == 200
