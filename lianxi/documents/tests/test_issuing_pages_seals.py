"""The secretariat's 印章 page (四(六)): each member unit's seal in use, a new one uploaded as a
transparent PNG (a bad image refused in Chinese, nothing saved), the image shown only to the
secretariat and every look audited; and 作废 of a number from the 发文登记簿 (kept, with its
reason, never reused). Each: the secretariat, another unit (403), anonymous (login), the clerk
of another joint meeting (404 for the first meeting's seal and number)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianxi.core.models import AuditEvent

from ..models import IssuedNumber, OfficialDocument, Seal
from ..services import Parties, document_issue, seal_upload
from ..services.issuing import SEAL_MAX_BYTES
from .issuing_helpers import image_bytes, make_register, seal_png

pytestmark = pytest.mark.django_db


def png(data: bytes, name: str = "seal.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/png")


def assert_refused(url: str, login: Any, *others: Any, method: str = "get") -> None:
    for person in others:
        response = getattr(login(person), method)(url)
        assert response.status_code == 403, person.username
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


# --- 印章 -------------------------------------------------------------------------------------


def test_the_secretariat_uploads_a_units_seal_on_the_page_四六(clerk, login, health, hrss):
    client = login(clerk)
    page = client.get("/documents/seals/").content.decode()
    assert "市人力资源和社会保障局" in page and "未上传" in page
    response = client.post("/documents/seals/", {"unit": str(hrss.pk), "image": png(seal_png())})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "已保存市人力资源和社会保障局的印章，今后印发时使用。" in page
    seal = Seal.objects.get(unit=hrss, active=True)
    assert f"/documents/seals/{seal.pk}.png" in page
    assert AuditEvent.objects.filter(action="seal.upload", target_id=str(seal.pk)).exists()


def test_a_new_seal_replaces_the_one_in_use_and_the_old_is_kept_四六(clerk, login, hrss):
    client = login(clerk)
    client.post("/documents/seals/", {"unit": str(hrss.pk), "image": png(seal_png())})
    client.post("/documents/seals/", {"unit": str(hrss.pk), "image": png(seal_png(500))})
    assert Seal.objects.filter(unit=hrss).count() == 2
    assert Seal.objects.get(unit=hrss, active=True).width == 500
    page = client.get("/documents/seals/").content.decode()
    assert "1 枚" in page


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (image_bytes(400, "PNG"), "透明背景"),
        (image_bytes(400, "JPEG"), "PNG"),
        (b"not an image at all", "PNG"),
        (seal_png(100), "200"),
        (b"\x89PNG" + b"\0" * (SEAL_MAX_BYTES + 10), "KB"),
    ],
    ids=["opaque", "jpeg", "garbage", "too-small", "too-big"],
)
def test_a_bad_seal_image_is_refused_in_chinese_and_nothing_saved_四六(
    clerk, login, hrss, data, says
):
    client = login(clerk)
    response = client.post(
        "/documents/seals/", {"unit": str(hrss.pk), "image": png(data)}, follow=True
    )
    assert response.status_code == 200
    assert says in response.content.decode()
    assert not Seal.objects.exists()


def test_a_seal_for_a_unit_of_another_joint_meeting_is_refused(clerk, login, second_unit_named):
    other = second_unit_named("市人力资源和社会保障局")
    response = login(clerk).post(
        "/documents/seals/", {"unit": str(other.pk), "image": png(seal_png())}, follow=True
    )
    assert "所选单位不属于本联席会议。" in response.content.decode()
    assert not Seal.objects.exists()


def test_the_seals_page_is_the_secretariats_四六(
    clerk, login, hrss, health_member, other_liaison, second_clerk
):
    seal_upload(actor=clerk.membership, unit=hrss, data=seal_png())
    assert_refused("/documents/seals/", login, health_member, other_liaison)
    assert_refused("/documents/seals/", login, health_member, method="post")
    # Another joint meeting's clerk sees its own units, without the first meeting's seal.
    page = login(second_clerk).get("/documents/seals/").content.decode()
    assert "未上传" in page and ".png" not in page


def test_a_seal_image_is_shown_only_to_its_secretariat_and_each_look_audited_四六(
    clerk, login, hrss, health_member, other_liaison, second_clerk
):
    seal = seal_upload(actor=clerk.membership, unit=hrss, data=seal_png())
    url = f"/documents/seals/{seal.pk}.png"
    response = login(clerk).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == seal_png()
    assert AuditEvent.objects.filter(action="download.file").count() == 1
    assert_refused(url, login, health_member, other_liaison)
    assert login(second_clerk).get(url).status_code == 404


def test_the_seals_page_reads_in_a_few_queries(clerk, login, hrss, django_assert_max_num_queries):
    for unit in hrss.mechanism.units.filter(kind="member")[:5]:
        seal_upload(actor=clerk.membership, unit=unit, data=seal_png())
    client = login(clerk)
    with django_assert_max_num_queries(12):
        assert client.get("/documents/seals/").status_code == 200


# --- 作废文号 --------------------------------------------------------------------------------


@pytest.fixture
def issued(make_plan: Any, clerk: Any, health: Any, hrss: Any) -> IssuedNumber:
    make_register(clerk, health)
    document = make_plan(
        kind="通知",
        title="关于报送职业病防治工作进展的通知",
        parties=Parties(main_to_unit_ids=[hrss.pk]),
    )
    document_issue(actor=clerk.membership, document=document)
    return IssuedNumber.objects.get(document=document)


def test_the_secretariat_withdraws_a_number_from_the_outgoing_register_四六(
    issued, clerk, login, make_plan, hrss
):
    client = login(clerk)
    page = client.get("/documents/outgoing/").content.decode()
    assert f"/documents/numbers/{issued.pk}/withdraw/" in page
    response = client.post(f"/documents/numbers/{issued.pk}/withdraw/", {"reason": "标题有误"})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert f"文号 {issued.text} 已作废。" in page and "标题有误" in page
    issued.refresh_from_db()
    assert (issued.status, issued.withdrawn_reason) == (IssuedNumber.Status.WITHDRAWN, "标题有误")
    document = OfficialDocument.objects.get(pk=issued.document_id)
    assert document.document_number == "" and document.status == OfficialDocument.Status.DRAFT
    # The withdrawn number is not taken again: the next issue takes the one after it.
    document_issue(actor=clerk.membership, document=document)
    document.refresh_from_db()
    assert document.document_number.endswith(f"{issued.serial + 1}号")
    assert (
        f"/documents/numbers/{issued.pk}/withdraw/"
        not in client.get("/documents/outgoing/").content.decode()
    )


def test_withdrawing_without_a_reason_is_refused_in_chinese_四六(issued, clerk, login):
    response = login(clerk).post(
        f"/documents/numbers/{issued.pk}/withdraw/", {"reason": "  "}, follow=True
    )
    assert "请写明作废原因。" in response.content.decode()
    issued.refresh_from_db()
    assert issued.status == IssuedNumber.Status.USED


def test_a_number_is_withdrawn_only_once_四六(issued, clerk, login):
    client = login(clerk)
    client.post(f"/documents/numbers/{issued.pk}/withdraw/", {"reason": "标题有误"})
    response = client.post(
        f"/documents/numbers/{issued.pk}/withdraw/", {"reason": "再次"}, follow=True
    )
    assert "该文号已作废。" in response.content.decode()
    issued.refresh_from_db()
    assert issued.withdrawn_reason == "标题有误"


def test_withdrawing_a_number_is_the_secretariats_四六(
    issued, login, health_member, other_liaison, second_clerk
):
    url = f"/documents/numbers/{issued.pk}/withdraw/"
    for person in (health_member, other_liaison):
        assert login(person).post(url, {"reason": "x"}).status_code == 403
    assert login(second_clerk).post(url, {"reason": "x"}).status_code == 404
    assert Client().post(url, {"reason": "x"}).status_code == 302
    assert login(health_member).get(url).status_code in (403, 405)
    issued.refresh_from_db()
    assert issued.status == IssuedNumber.Status.USED
