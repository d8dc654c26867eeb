"""The secretariat's upload page: access, preview before writing, confirm (annex; 四(一))."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lianxi.core.models import AuditEvent
from lianxi.organization.import_views import SESSION_KEY
from lianxi.organization.importer import parse_rules
from lianxi.organization.models import Duty, RulesDocument, Unit
from lianxi.organization.services import rules_import_apply

from .test_importer import DATA, SEED

pytestmark = pytest.mark.django_db

URL = "/units/rules/import/"
REVISED = DATA / "xinyang-2024-revised.txt"


@pytest.fixture(autouse=True)
def stash_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def seeded(mechanism):
    """The mechanism with the seed's real duty texts."""
    rules_import_apply(parsed=parse_rules(SEED.read_bytes()), actor=None)
    return mechanism


def upload(client, path, name=None):
    file = SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="text/plain")
    return client.post(URL, {"file": file})


def test_anonymous_is_sent_to_login(client, mechanism):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/account/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["other_liaison", "gov_reader", "health_liaison", "auditor"])
def test_other_roles_and_units_get_403(request, login, persona):
    """四(一): only the joint meeting's office imports the rules."""
    client = login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403
    assert upload(client, REVISED).status_code == 403


def test_clerk_sees_the_upload_form_and_the_catalogue_links_to_it(login, clerk):
    client = login(clerk)
    response = client.get(URL)
    assert response.status_code == 200
    assert "导入或更新工作规则" in response.content.decode()
    assert 'enctype="multipart/form-data"' in response.content.decode()
    assert URL in client.get("/units/").content.decode()


def test_upload_shows_preview_and_writes_nothing_until_confirmed(
    login, clerk, seeded, stash_in_tmp, django_assert_max_num_queries
):
    """附件: the preview lists the new unit, the changed and removed duties; then confirm."""
    client = login(clerk)
    duties_before = Duty.objects.count()
    with django_assert_max_num_queries(20):
        response = upload(client, REVISED)
    assert response.status_code == 200
    page = response.content.decode()
    assert "预览" in page
    assert "信卫职健〔2024〕3号" in page
    assert "市司法局" in page
    assert "支持职业病防治科技成果转化应用" in page  # new text
    assert "纳入市科技发展专项相关计划。" in page  # old text
    assert "根据职业病防治形势" in page  # removed duty
    assert 'id="parsed-units">16<' in page
    assert 'id="parsed-duties">51<' in page
    assert Duty.objects.count() == duties_before
    assert not Unit.objects.filter(name="市司法局").exists()
    token = client.session[SESSION_KEY]["token"]
    assert (stash_in_tmp / "rules-import" / f"{token}.bin").read_bytes() == REVISED.read_bytes()

    response = client.post(URL, {"token": token, "action": "confirm"})
    assert response.status_code == 302
    assert response["Location"] == "/units/"
    assert Unit.objects.get(name="市司法局").duties.count() == 2
    assert RulesDocument.objects.latest("id").source_name == REVISED.name
    event = AuditEvent.objects.filter(action="rules.import").latest("id")
    assert event.actor_name == "王秘书"
    assert event.role == "secretariat"
    assert not list((stash_in_tmp / "rules-import").glob("*.bin"))
    assert SESSION_KEY not in client.session
    catalogue = client.get("/units/").content.decode()
    assert "已导入《信阳市职业病防治工作部门间联席会议制度工作规则》" in catalogue
    assert "市司法局" in catalogue
    # The same token cannot be used twice.
    again = client.post(URL, {"token": token, "action": "confirm"})
    assert again.status_code == 302
    assert Unit.objects.filter(name="市司法局").count() == 1


def test_bad_file_shows_the_form_again_with_the_chinese_error(login, clerk, stash_in_tmp):
    client = login(clerk)
    bad = SimpleUploadedFile("rules.txt", "今天天气很好。\n".encode(), content_type="text/plain")
    response = client.post(URL, {"file": bad})
    assert response.status_code == 200
    page = response.content.decode()
    assert "没有找到附件" in page
    assert 'id="rules-upload"' in page
    assert SESSION_KEY not in client.session
    assert not (stash_in_tmp / "rules-import").exists() or not list(
        (stash_in_tmp / "rules-import").iterdir()
    )
    empty = client.post(URL, {})
    assert "请选择要导入的工作规则文件" in empty.content.decode()


def test_identical_document_preview_says_nothing_to_change(login, clerk, seeded):
    client = login(clerk)
    response = upload(client, SEED)
    page = response.content.decode()
    assert 'id="no-changes"' in page
    assert "确认导入" not in page


def test_forged_or_tampered_token_writes_nothing(login, clerk, seeded, stash_in_tmp):
    client = login(clerk)
    upload(client, REVISED)
    token = client.session[SESSION_KEY]["token"]
    # A token of another session (or made up) is refused.
    forged = client.post(URL, {"token": "x" * 32, "action": "confirm"})
    assert forged.status_code == 302
    assert not Unit.objects.filter(name="市司法局").exists()
    # Bytes changed on disk after the preview are refused.
    upload(client, REVISED)
    token = client.session[SESSION_KEY]["token"]
    path = stash_in_tmp / "rules-import" / f"{token}.bin"
    path.write_bytes(path.read_bytes().replace("市司法局".encode(), "市公安局".encode()))
    response = client.post(URL, {"token": token, "action": "confirm"}, follow=True)
    assert "预览已失效" in response.content.decode()
    assert not Unit.objects.filter(name__in=["市司法局", "市公安局"]).exists()


def test_cancel_discards_the_upload(login, clerk, seeded, stash_in_tmp):
    client = login(clerk)
    upload(client, REVISED)
    token = client.session[SESSION_KEY]["token"]
    response = client.post(URL, {"token": token, "action": "cancel"}, follow=True)
    assert "已取消导入" in response.content.decode()
    assert not (stash_in_tmp / "rules-import" / f"{token}.bin").exists()
    assert not Unit.objects.filter(name="市司法局").exists()


def test_docx_upload_previews(login, clerk, seeded):
    from .test_importer import make_docx

    client = login(clerk)
    data = make_docx(REVISED.read_text(encoding="utf-8").split("\n"))
    file = SimpleUploadedFile("revised.docx", data)
    response = client.post(URL, {"file": file})
    assert response.status_code == 200
    assert "市司法局" in response.content.decode()
