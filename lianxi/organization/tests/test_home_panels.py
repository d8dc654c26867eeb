import pytest

pytestmark = pytest.mark.django_db


def test_clerk_home_lists_units_without_registered_people(login, clerk, other_liaison):
    """四(一): the secretariat sees the member units that have not yet registered their member
    or liaison."""
    response = login(clerk).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "待登记人员的成员单位" in body
    # 市人力资源和社会保障局 has a liaison but no member yet.
    assert "未登记成员" in body


def test_liaison_home_shows_own_unit_duties_only(login, other_liaison):
    """附件; 四(一): a liaison's home shows its own unit's duties (职责分工), not another's."""
    body = login(other_liaison).get("/").content.decode()
    assert "市人力资源和社会保障局的职责分工" in body
    assert "市人力资源和社会保障局的第8项职责" in body
    assert "市卫生健康委的第1项职责" not in body
    assert "待登记人员的成员单位" not in body


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_outsider_home_says_account_not_bound(login, outsider):
    body = login(outsider).get("/").content.decode()
    assert "尚未绑定单位" in body


def test_home_query_count_is_bounded(login, clerk, django_assert_max_num_queries):
    client = login(clerk)
    # Every app adds its panel here; each panel must cost a fixed few queries.
    with django_assert_max_num_queries(25):
        assert client.get("/").status_code == 200
