"""The drafting pages (三(二)): the list and what waits, creating a joint draft, editing with
stale saves shown side by side and nothing typed lost, versions and their comparison, the
document page; a save that voids co-signatures says so (四(五))."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from lianxi.organization.models import Unit

from ..models import (
    Consultation,
    CoSignature,
    DocumentReceipt,
    OfficialDocument,
    UnitReply,
)
from ..services import document_save
from ..services.common import current_version
from .conftest import PLAN_BODY

pytestmark = pytest.mark.django_db


def consult(document: OfficialDocument, units: list[Unit], sender: Any) -> Consultation:
    """A comment round on the current version, as the rounds service records one."""
    document.refresh_from_db()
    consultation = Consultation.objects.create(
        document=document,
        version=current_version(document),
        round=document.consultations.count() + 1,
        deadline_workdays=5,
        deadline=timezone.localdate(),
        sent_by=sender,
    )
    for unit in units:
        UnitReply.objects.create(consultation=consultation, unit=unit)
    return consultation


def _edit_post(document: OfficialDocument, **changes: Any) -> dict[str, Any]:
    version = current_version(document)
    data: dict[str, Any] = {
        "title": version.title,
        "body": "\n".join(version.paragraphs),
        "attachments": "\n".join(version.attachments),
        "note": version.note,
        "urgency": document.urgency,
        "sign_order": document.sign_order,
        "based_on": document.version,
        "summary": "",
        "main_to_names": "\n".join(
            r.name for r in document.recipients.filter(kind="main", unit__isnull=True)
        ),
        "copy_to_names": "",
    }
    for issuer in document.issuers.all():
        if issuer.order > 1:
            data[f"order_{issuer.unit_id}"] = issuer.order
    data.update(changes)
    return data


def text_of(response: Any) -> str:
    return response.content.decode()


# --- create -----------------------------------------------------------------------------------


def test_the_clerk_drafts_a_joint_plan_on_the_page_organs_in_the_order_given_三二_四五(
    clerk: Any, login: Any, health: Unit, hrss: Unit, union: Unit, unit_named: Any
) -> None:
    """三(二) joint drafting, 四(五) co-issuing: the numbers typed in the organ table are the seal
    order; the body is one paragraph per line, blank lines dropped."""
    client = login(clerk)
    page = text_of(client.get("/documents/new/"))
    assert "发文机关" in page and "以联席会议名义印发" in page
    gov = unit_named("市政府办公室")
    response = client.post(
        "/documents/new/",
        {
            "kind": "plan",
            "title": "关于开展职业病危害专项治理的工作方案",
            "urgency": "urgent",
            "sign_order": "sequential",
            f"order_{union.pk}": "2",
            f"order_{hrss.pk}": "3",
            "main_to_units": [gov.pk],
            "main_to_names": "各县区人民政府\n",
            "copy_to_names": "市人大常委会办公室",
            "body": "\n".join(PLAN_BODY[:3]) + "\n\n" + "\n".join(PLAN_BODY[3:]),
            "attachments": "专项治理工作任务分工表\n\n联络员名单",
            "note": "（此件公开发布）",
        },
    )
    document = OfficialDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/documents/{document.pk}/"
    assert [i.unit for i in document.issuers.all()] == [health, union, hrss]
    assert document.urgency == "urgent" and document.sign_order == "sequential"
    version = current_version(document)
    assert version.paragraphs == PLAN_BODY
    assert version.attachments == ["专项治理工作任务分工表", "联络员名单"]
    assert [r.label for r in document.recipients.filter(kind="main")] == [
        "市政府办公室",
        "各县区人民政府",
    ]
    assert [r.label for r in document.recipients.filter(kind="copy")] == ["市人大常委会办公室"]
    page = text_of(client.get(response["Location"]))
    assert "市卫生健康委（主办）、市总工会、市人力资源和社会保障局" in page
    assert 'class="documents-level-1" id="p2"' in page  # 一、工作目标 styled as a heading
    assert "专项治理工作任务分工表" in page and "（此件公开发布）" in page


def test_the_same_order_twice_is_refused_and_nothing_is_made_四五(
    clerk: Any, login: Any, hrss: Unit, union: Unit
) -> None:
    client = login(clerk)
    response = client.post(
        "/documents/new/",
        {
            "kind": "plan",
            "title": "方案",
            "sign_order": "parallel",
            f"order_{union.pk}": "2",
            f"order_{hrss.pk}": "2",
            "body": "正文。",
        },
    )
    assert response.status_code == 200
    assert "联合发文单位的顺序有重复" in text_of(response)
    assert not OfficialDocument.objects.exists()


def test_a_service_refusal_is_shown_on_the_form_with_what_was_typed_四六(
    health_liaison: Any, login: Any
) -> None:
    """四(六): only the secretariat drafts in the joint meeting's name; the liaison's form does
    not even offer it, and a crafted post is refused by the service."""
    client = login(health_liaison)
    assert "以联席会议名义印发" not in text_of(client.get("/documents/new/"))
    response = client.post(
        "/documents/new/",
        {"kind": "notice", "title": "通知", "sign_order": "parallel", "body": ""},
    )
    assert "请填写正文" in text_of(response)
    assert not OfficialDocument.objects.exists()


def test_the_secretariat_drafts_in_the_joint_meetings_name_四六(clerk: Any, login: Any) -> None:
    client = login(clerk)
    client.post(
        "/documents/new/",
        {
            "kind": "notice",
            "title": "关于召开联席会议全体会议的通知",
            "sign_order": "parallel",
            "in_mechanism_name": "on",
            "body": "定于近期召开全体会议。",
        },
    )
    document = OfficialDocument.objects.get()
    assert document.in_mechanism_name and document.sealed_by == clerk.membership.unit
    page = text_of(client.get(f"/documents/{document.pk}/"))
    assert "（市卫生健康委代章）" in page


# --- edit: stale saves, voided signatures -------------------------------------------------------


def test_a_stale_save_shows_both_texts_side_by_side_and_loses_nothing_三二(
    plan: OfficialDocument, clerk: Any, health_liaison: Any, login: Any
) -> None:
    """三(二): two clerks edit the same draft; the second save is refused, the form comes back
    with what the second clerk typed, beside the first one's saved version (who, when) and the
    paragraph differences; saving again (based on the new version) goes through."""
    liaison, secretary = login(health_liaison), login(clerk)
    form_a = text_of(liaison.get(f"/documents/{plan.pk}/edit/"))
    assert 'name="based_on" value="1"' in form_a
    theirs = [*PLAN_BODY[:-1], "各单位要加强组织领导，确保各项任务按期完成。"]
    mine = [*PLAN_BODY, "四、附则（王秘书新增）"]
    liaison.post(f"/documents/{plan.pk}/edit/", _edit_post(plan, body="\n".join(theirs)))
    plan.refresh_from_db()
    assert plan.version == 2
    response = secretary.post(
        f"/documents/{plan.pk}/edit/",
        _edit_post(plan, based_on=1, body="\n".join(mine), summary="增加附则"),
    )
    page = text_of(response)
    assert response.status_code == 200
    plan.refresh_from_db()
    assert plan.version == 2 and plan.versions.count() == 2  # nothing written
    assert "保存未成功" in page and "李联络" in page and "第 2 稿" in page
    assert "四、附则（王秘书新增）" in page  # what the clerk typed is still in the form
    assert 'value="增加附则"' in page
    assert 'name="based_on" value="2"' in page  # the next save is based on the new version
    stale = page.split('id="stale"', 1)[1]
    assert "<ins>四、附则（王秘书新增）</ins>" in stale
    assert "<del>" in stale and "按期完成" in stale
    # The clerk merges (keeps the other's wording and adds theirs) and saves again.
    merged = [*theirs, "四、附则（王秘书新增）"]
    response = secretary.post(
        f"/documents/{plan.pk}/edit/", _edit_post(plan, body="\n".join(merged))
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.version == 3 and current_version(plan).paragraphs == merged


def test_a_save_that_voids_signatures_says_so_四五(
    plan: OfficialDocument, clerk: Any, hrss: Unit, login: Any
) -> None:
    """四(五): a signature binds the text it saw; the page that saved a changed text says the
    signatures are void."""
    version = current_version(plan)
    CoSignature.objects.create(
        document=plan, unit=hrss, order=1, version=version, text_sha256=version.sha256,
        status=CoSignature.Status.SIGNED, signer_name="钱局长", signed_at=timezone.now(),
    )  # fmt: skip
    OfficialDocument.objects.filter(pk=plan.pk).update(status=OfficialDocument.Status.COSIGNING)
    plan.refresh_from_db()
    client = login(clerk)
    edit = text_of(client.get(f"/documents/{plan.pk}/edit/"))
    assert "已有的会签将作废" in edit and 'id="organs"' not in edit
    response = client.post(
        f"/documents/{plan.pk}/edit/",
        {
            "title": plan.title,
            "body": "\n".join([*PLAN_BODY, "四、附则"]),
            "attachments": "专项治理工作任务分工表",
            "note": "（此件公开发布）",
            "based_on": 1,
        },
        follow=True,
    )
    assert "原有 1 份会签因正文或发文机关改动已作废" in text_of(response)
    assert CoSignature.objects.get().status == CoSignature.Status.VOID
    plan.refresh_from_db()
    assert plan.status == OfficialDocument.Status.DRAFT and plan.version == 2


def test_the_parties_change_on_the_edit_page_without_a_new_version_四五(
    plan: OfficialDocument, clerk: Any, login: Any, hrss: Unit, union: Unit, health: Unit
) -> None:
    client = login(clerk)
    response = client.post(
        f"/documents/{plan.pk}/edit/",
        _edit_post(plan, **{f"order_{hrss.pk}": "", f"order_{union.pk}": "2"}),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.version == 1
    assert [i.unit for i in plan.issuers.all()] == [health, union]


def test_an_unchanged_form_saves_nothing(plan: OfficialDocument, clerk: Any, login: Any) -> None:
    response = login(clerk).post(f"/documents/{plan.pk}/edit/", _edit_post(plan), follow=True)
    assert "没有修改，无需保存" in text_of(response)
    assert plan.versions.count() == 1


# --- versions and comparison ------------------------------------------------------------------


def _second_version(plan: OfficialDocument, clerk: Any) -> None:
    body = list(PLAN_BODY)
    body[2] = "到2025年底，重点行业用人单位职业病危害项目申报率达到98%以上。"
    del body[5]
    body.append("四、附则")
    document_save(
        actor=clerk.membership, document=plan, based_on=1, title=plan.title,
        paragraphs=body, attachments=["专项治理工作任务分工表"], summary="提高申报率目标",
    )  # fmt: skip


def test_versions_are_listed_and_any_two_compared_with_words_marked_三二(
    plan: OfficialDocument, clerk: Any, login: Any
) -> None:
    _second_version(plan, clerk)
    client = login(clerk)
    page = text_of(client.get(f"/documents/{plan.pk}/versions/"))
    assert "第 1 稿" in page and "第 2 稿" in page and "提高申报率目标" in page and "初稿" in page
    assert page.count("王秘书") >= 2
    page = text_of(client.get(f"/documents/{plan.pk}/compare/?a=2&b=1"))
    assert "第 1 稿与第 2 稿比较" in page
    assert re.search(r"<b>1</b> 段修改，<b>1</b> 段新增，<b>1</b> 段删除", page)
    assert "<del>95</del><ins>98</ins>" in page or ("<del>95%" in page and "<ins>98%" in page)
    assert "<ins>四、附则</ins>" in page and "<del>1.摸清底数。</del>" in page
    assert "附件：" not in page  # unchanged attachments are not listed as a change
    # The same version twice, or a missing one, is refused in Chinese / answered as missing.
    same = client.get(f"/documents/{plan.pk}/compare/?a=1&b=1", follow=True)
    assert "请选择两个不同的版本" in text_of(same)
    assert client.get(f"/documents/{plan.pk}/compare/?a=1&b=7").status_code == 404
    assert "请选择要比较的两个版本" in text_of(
        client.get(f"/documents/{plan.pk}/compare/?a=x", follow=True)
    )


def test_a_consulted_unit_sees_only_the_version_sent_to_it_三二(
    plan: OfficialDocument, clerk: Any, safety_liaison: Any, login: Any, unit_named: Any
) -> None:
    """三(二): a unit consulted on 第1稿 reads 第1稿 and lists only it; the later 第2稿 (and its
    comparison) is answered as missing."""
    consult(plan, [unit_named("市应急管理局")], clerk)
    _second_version(plan, clerk)
    client = login(safety_liaison)
    page = text_of(client.get(f"/documents/{plan.pk}/"))
    assert "第 1 稿" in page and "征求意见稿" in page
    assert "1.摸清底数。" in page and "98%" not in page
    assert "修改草稿" not in page
    versions = text_of(client.get(f"/documents/{plan.pk}/versions/"))
    assert "第 1 稿" in versions and "第 2 稿" not in versions
    assert client.get(f"/documents/{plan.pk}/?v=2").status_code == 404
    assert client.get(f"/documents/{plan.pk}/compare/?a=1&b=2").status_code == 404
    assert client.get(f"/documents/{plan.pk}/edit/").status_code == 403


# --- the list ---------------------------------------------------------------------------------


def test_the_list_filters_and_shows_what_waits_for_the_unit_三二_四五(
    make_plan: Callable[..., OfficialDocument],
    clerk: Any,
    hrss_member: Any,
    other_liaison: Any,
    login: Any,
    hrss: Unit,
    union: Unit,
    django_assert_max_num_queries: Any,
) -> None:
    """The list shows what the unit sees; its 待办 names the reply to give (征求意见), the
    signature to give (会签, the member only) and the receipt to sign (签收)."""
    consulted = make_plan(title="征求人社局意见的方案", parties=None)
    consult(consulted, [hrss], clerk)
    to_sign = make_plan(title="待人社局会签的方案")
    version = current_version(to_sign)
    CoSignature.objects.create(
        document=to_sign, unit=hrss, order=1, version=version, text_sha256=version.sha256
    )
    OfficialDocument.objects.filter(pk=to_sign.pk).update(status="cosigning")
    received = make_plan(title="已印发送人社局的方案", parties=None)
    OfficialDocument.objects.filter(pk=received.pk).update(
        status="issued", document_number="信卫职健〔2026〕1号", issued_at=timezone.now()
    )
    DocumentReceipt.objects.create(document=received, unit=hrss, kind="main")
    hidden = make_plan(title="与人社局无关的方案", parties=None)
    for n in range(30):
        make_plan(title=f"联合方案{n}", parties=None).issuers.create(unit=hrss, order=2)

    member = login(hrss_member)
    member.get("/documents/")
    with django_assert_max_num_queries(14):
        page = text_of(member.get("/documents/"))
    waiting = page.split('id="waiting"', 1)[1].split("</section>", 1)[0]
    assert "征求人社局意见的方案" in waiting and "征求意见待反馈" in waiting
    assert "待人社局会签的方案" in waiting and "待会签" in waiting
    assert "已印发送人社局的方案" in waiting and "待签收" in waiting
    assert hidden.title not in page
    assert "第 1 / 2 页" in page
    # The liaison does not sign: no 会签 in their 待办.
    liaison_page = text_of(login(other_liaison).get("/documents/"))
    assert "待会签" not in liaison_page and "征求意见待反馈" in liaison_page
    # Filters.
    page = text_of(member.get("/documents/?relation=received"))
    assert "已印发送人社局的方案" in page.split('id="documents"', 1)[1]
    assert "联合方案1<" not in page
    page = text_of(member.get("/documents/?relation=consulted"))
    assert "征求人社局意见的方案" in page.split('id="documents"', 1)[1]
    page = text_of(member.get("/documents/?status=issued"))
    table = page.split('id="documents"', 1)[1]
    assert "已印发送人社局的方案" in table and "联合方案" not in table
    assert "所选筛选条件不存在" in text_of(member.get("/documents/?status=nonsense"))
    # Only drafting units get the buttons.
    assert "新建公文" in page and "导入 Word 文稿" in page


def test_the_government_office_lists_only_what_was_sent_to_it_and_cannot_draft_三二(
    make_plan: Callable[..., OfficialDocument], gov_reader: Any, login: Any
) -> None:
    make_plan()
    client = login(gov_reader)
    page = text_of(client.get("/documents/"))
    assert "暂无公文" in page and "新建公文" not in page
    assert client.get("/documents/new/").status_code == 403
    assert client.get("/documents/import/").status_code == 403


# --- the home panel ---------------------------------------------------------------------------


def test_the_home_panel_lists_the_units_drafts_and_their_state_三二(
    plan: OfficialDocument, clerk: Any, union_liaison: Any, login: Any
) -> None:
    page = text_of(login(clerk).get("/"))
    assert plan.title in page and "本单位起草 · 起草中 · 第 1 稿" in page
    # A co-issuing unit's home does not list it as its own draft.
    assert "本单位起草 · 起草中" not in text_of(login(union_liaison).get("/"))


# --- access: every page -----------------------------------------------------------------------

PAGES = [
    "/documents/{pk}/",
    "/documents/{pk}/versions/",
    "/documents/{pk}/compare/?a=1&b=2",
    "/documents/{pk}/edit/",
]


@pytest.mark.parametrize("url", PAGES)
def test_every_document_page_answers_by_access_三二(
    url: str,
    plan: OfficialDocument,
    clerk: Any,
    health_liaison: Any,
    union_liaison: Any,
    safety_liaison: Any,
    finance_liaison: Any,
    second_clerk: Any,
    login: Any,
    client: Any,
    unit_named: Any,
) -> None:
    """The drafting unit (its liaison too) reads and edits; a co-issuing unit reads; a unit
    consulted on both versions reads them; another unit and another joint meeting's secretariat
    get 404; an anonymous visitor the login page."""
    consult(plan, [unit_named("市应急管理局")], clerk)
    _second_version(plan, clerk)
    consult(plan, [unit_named("市应急管理局")], clerk)
    address = url.format(pk=plan.pk)
    editing = address.endswith("/edit/")
    assert login(clerk).get(address).status_code == 200
    assert login(health_liaison).get(address).status_code == 200
    assert login(union_liaison).get(address).status_code == (403 if editing else 200)
    assert login(safety_liaison).get(address).status_code == (403 if editing else 200)
    assert login(finance_liaison).get(address).status_code == 404
    assert login(second_clerk).get(address).status_code == 404
    anonymous = client.get(address)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/account/login/")


@pytest.mark.parametrize("url", ["/documents/", "/documents/new/", "/documents/import/"])
def test_the_list_and_new_pages_need_a_login(url: str, client: Any, second_clerk: Any,
                                             login: Any) -> None:  # fmt: skip
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    assert login(second_clerk).get(url).status_code == 200  # their own (empty) joint meeting


def test_an_over_long_paragraph_is_refused_under_the_body(clerk: Any, login: Any) -> None:
    response = login(clerk).post(
        "/documents/new/",
        {"kind": "notice", "title": "通知", "sign_order": "parallel", "body": "字" * 5001},
    )
    assert "正文第 1 段超过 5000 个字" in text_of(response)
    assert not OfficialDocument.objects.exists()
