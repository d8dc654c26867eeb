"""重大事项 in a real browser (四(四)): the people who act on a major matter, each through the
pages. A matter put to four units in writing, one dissenting twice, goes to the city government
in a 请示 carrying both sides' reasons; the government's decision binds as action items. A matter
put at a meeting, every unit agreeing there, is adopted and binds at once.

Screenshots land in var/screenshots/decisions_*.png.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from lianxi.documents.models import OfficialDocument
from lianxi.documents.services import cosign_request, cosign_sign, document_issue
from lianxi.documents.tests.issuing_helpers import make_register
from lianxi.meetings.models import Meeting
from lianxi.meetings.services import agenda_item_add
from lianxi.organization.models import Unit
from lianxi.supervision.models import ActionItem

from ..models import Decision, DecisionRound, Opinion
from ..services import decision_create
from .conftest import PROPOSAL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "尘肺病患者医疗救助政策"
SAFETY_REASON_1 = "尘肺病患者医疗救助不属于应急管理部门职责，本局不宜作为责任单位。"
SAFETY_REASON_2 = "修改后仍要求本局提供排查名单，涉及非煤矿山以外行业，本局无相应数据。"
REVISED = PROPOSAL + "应急管理部门提供矿山、冶金等重点行业尘肺病患者排查名单。"
REVISION_NOTE = "根据市财政局、市应急管理局意见，明确应急管理部门只提供重点行业排查名单。"
DISAGREEMENT = "市应急管理局认为尘肺病医疗救助及排查名单不属于本部门职责。"
OPTIONS = [
    "由市人力资源和社会保障局牵头救助，市应急管理局提供重点行业排查名单",
    "由市人力资源和社会保障局牵头救助，排查名单由市卫生健康委提供",
]
RECOMMENDATION = "建议采纳方案一。"
GOVERNMENT_ITEM = "建立尘肺病患者医疗救助工作机制，年底前出台实施办法"


def _compact(text: str) -> str:
    """The text without white space nor the page numbers (—2—) a page break puts inside it."""
    return re.sub(r"\s+", "", re.sub(r"(?m)^\s*—\s*\d+\s*—\s*$", "", text))


@pytest.fixture
def shoot(page: Any, screenshot_dir: Path) -> Callable[[str], None]:
    def shot(name: str) -> None:
        # A field left focused makes Chromium scroll back to it on the next mouse press after a
        # full-page screenshot (the viewport is resized for it): the press and the release then
        # land on different elements and the click hits their common ancestor, not the button.
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.screenshot(path=str(screenshot_dir / f"decisions_{name}.png"), full_page=True)

    return shot


def _answer(page: Any, decision: Decision, stance: str, text: str = "") -> None:
    """The logged-in member (or liaison) opens the matter and its answer page, and answers."""
    page.goto(f"/decisions/{decision.pk}/")
    page.click("#my-answer a:has-text('答复意见')")
    page.wait_for_url(re.compile(r"/decisions/opinions/\d+/$"))
    page.check(f"#opinion-form input[name=stance][value={stance}]")
    if text:
        page.fill("#opinion-form textarea[name=text]", text)


def _submit_as_member(page: Any) -> None:
    page.click("#opinion-form button:has-text('审定并答复')")
    expect(page.locator(".flash")).to_contain_text("意见已答复")


def test_a_dissent_twice_goes_to_the_city_government_with_both_sides_reasons_四四(
    page: Any,
    act: Callable[[Any], Any],
    shoot: Callable[[str], None],
    screenshot_dir: Path,
    tmp_path: Path,
    clerk: Any,
    consulted: dict[str, Any],
    health: Unit,
    hrss: Unit,
    union: Unit,
    safety: Unit,
    finance: Unit,
    health_member: Any,
    gov_reader: Any,
) -> None:
    """四(四): a major matter needs the consent of the units concerned; without agreement the
    differing opinions and their reasons go to the city government for decision. Four units are
    asked in writing, 应急管理局 dissents with reasons; the proposal is revised and asked again,
    总工会's liaison answering for its member on leave (受委托), 应急管理局 dissents again; the
    请示 carries every unit's position and reasons; the government's decision becomes an action
    item."""
    four = [hrss, union, safety, finance]
    hrss_member = consulted["hrss"][1]
    union_liaison, union_member = consulted["union"]
    safety_member = consulted["safety"][1]
    finance_member = consulted["finance"][1]

    # --- the clerk records the matter, the duty routing proposes the units ------------------
    act(clerk)
    page.click("nav >> text=重大事项")
    page.wait_for_url("**/decisions/")
    page.click("text=提请重大事项")
    page.wait_for_url("**/decisions/new/")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=proposal]", PROPOSAL)
    page.fill("textarea[name=background]", "本市现有尘肺病患者 1,200 余人，多数无法认定工伤。")
    page.select_option("select[name=proposing_unit]", label="市人力资源和社会保障局")
    page.click("button:has-text('按职责推荐')")
    expect(page.locator("#concerned")).to_contain_text("职责匹配")
    # The form kept what was typed; the clerk confirms the units (二(四)): exactly the four.
    expect(page.locator("input[name=title]")).to_have_value(TITLE)
    suggested = {
        int(v)
        for v in page.locator("input[name=concerned_units]:checked").evaluate_all(
            "boxes => boxes.map(b => b.value)"
        )
    }
    assert suggested, "the routing suggested no unit"
    shoot("1_new_suggested")
    for box in page.locator("input[name=concerned_units]").all():
        box.set_checked(int(box.get_attribute("value") or 0) in {u.pk for u in four})
    page.click("#decision-form button:has-text('登记')")
    page.wait_for_url(re.compile(r"/decisions/\d+/$"))
    expect(page.locator(".flash")).to_contain_text("重大事项已登记")
    decision = Decision.objects.get(title=TITLE)
    assert decision.proposing_unit == hrss
    assert set(decision.concerned_units.all()) == set(four)

    # Round 1, in writing, 5 working days.
    expect(page.locator("#round-form input[name=method][value=writing]")).to_be_checked()
    page.fill("#round-form input[name=deadline_workdays]", "5")
    page.click("#round-form button:has-text('发出征求意见')")
    expect(page.locator(".flash")).to_contain_text("已发出征求意见")
    round1 = decision.rounds.get()
    assert round1.opinions.count() == 4
    page.goto("/decisions/")
    expect(page.locator("#decisions")).to_contain_text(TITLE)
    expect(page.locator("#decisions")).to_contain_text("征求中")
    shoot("2_list")

    # --- round 1: three members agree ---------------------------------------------------------
    for member in (hrss_member, union_member, finance_member):
        act(member)
        _answer(page, decision, "agree")
        _submit_as_member(page)
        # Before the round closes a unit sees its own answer only.
        expect(page.locator("#rounds")).to_contain_text("本轮结束后可查看其他单位的意见")
        assert page.locator("#rounds table.opinions tbody tr").count() == 1

    # Silence is not consent: the clerk cannot end the round before the deadline while
    # 应急管理局 has not answered.
    act(clerk)
    page.goto(f"/decisions/{decision.pk}/")
    page.click("#close-round button")
    expect(page.locator(".flash")).to_contain_text("截止后才能结束本轮")
    expect(page.locator(".flash")).to_contain_text("市应急管理局尚未答复")

    # 应急管理局's member disagrees: first without reasons (refused), then with them.
    act(safety_member)
    _answer(page, decision, "disagree")
    shoot("3_opinion")
    page.click("#opinion-form button:has-text('审定并答复')")
    expect(page.locator(".flash")).to_contain_text("不同意的，请写明理由")
    page.check("#opinion-form input[name=stance][value=disagree]")
    page.fill("#opinion-form textarea[name=text]", SAFETY_REASON_1)
    _submit_as_member(page)

    # Every unit answered: the clerk closes round 1 before its deadline.
    act(clerk)
    page.goto(f"/decisions/{decision.pk}/")
    expect(page.locator("#round-1")).to_contain_text("已答复 4")
    page.click("#close-round button")
    expect(page.locator(".flash")).to_contain_text("本轮征求意见已结束")
    expect(page.locator("#round-1")).to_contain_text("未取得一致意见")
    expect(page.locator("#round-1")).to_contain_text(SAFETY_REASON_1)
    round1.refresh_from_db()
    assert round1.status == DecisionRound.Status.CLOSED

    # --- round 2: the proposal revised, with a note ---------------------------------------
    expect(page.locator("#round-form h3")).to_have_text("修改后再次征求意见")
    page.fill("#round-form textarea[name=proposal]", REVISED)
    page.fill("#round-form textarea[name=revision_note]", REVISION_NOTE)
    page.fill("#round-form input[name=deadline_workdays]", "3")
    page.click("#round-form button:has-text('发出征求意见')")
    expect(page.locator(".flash")).to_contain_text("已发出征求意见")
    expect(page.locator("#round-2")).to_contain_text(f"修改说明：{REVISION_NOTE}")
    round2 = decision.rounds.get(number=2)
    assert round2.proposal == REVISED

    for member in (hrss_member, finance_member):
        act(member)
        _answer(page, decision, "agree")
        expect(page.locator("main")).to_contain_text(REVISION_NOTE)
        _submit_as_member(page)

    # 总工会's member is on leave: the liaison answers for the named substitute.
    act(union_liaison)
    _answer(page, decision, "agree")
    page.fill("#opinion-form input[name=substitute_name]", "刘副主席")
    page.fill("#opinion-form input[name=substitute_title]", "市总工会副主席")
    shoot("4_opinion_substitute")
    page.click("#opinion-form button:has-text('受委托负责同志已审定，报送')")
    expect(page.locator(".flash")).to_contain_text("意见已答复")
    expect(page.locator("#round-2")).to_contain_text("受委托：刘副主席（市总工会副主席）")
    union_opinion = Opinion.objects.get(round=round2, unit=union)
    page.goto(f"/decisions/opinions/{union_opinion.pk}/")
    expect(page.locator("main")).to_contain_text("受委托答复：刘副主席（市总工会副主席）")
    assert union_opinion.answered_as == Opinion.AnsweredAs.SUBSTITUTE
    assert union_opinion.submitted_by == union_liaison

    act(safety_member)
    _answer(page, decision, "disagree", SAFETY_REASON_2)
    _submit_as_member(page)

    # --- the clerk closes round 2 and asks the city government to decide ----------------------
    act(clerk)
    page.goto(f"/decisions/{decision.pk}/")
    page.click("#close-round button")
    expect(page.locator(".flash")).to_contain_text("本轮征求意见已结束")
    rounds = page.locator("#rounds")
    expect(rounds.locator("article.decision-round")).to_have_count(2)
    expect(page.locator("#round-2")).to_contain_text("未取得一致意见")
    expect(page.locator("#round-2")).to_contain_text("受委托：刘副主席")
    expect(page.locator("#round-2")).to_contain_text(SAFETY_REASON_2)
    assert page.locator("#round-form").count() == 1  # a third round remains possible
    shoot("5_detail_two_rounds")

    escalate = page.locator("#escalate")
    escalate.locator("textarea[name=disagreement]").fill(DISAGREEMENT)
    escalate.locator("textarea[name=options]").fill("\n".join(OPTIONS))
    escalate.locator("textarea[name=recommendation]").fill(RECOMMENDATION)
    expect(escalate.locator(f"input[name=co_signers][value='{hrss.pk}']")).to_be_checked()
    escalate.locator("button:has-text('起草请示')").click()
    page.wait_for_url(re.compile(r"/documents/\d+/$"))
    expect(page.locator(".flash")).to_contain_text("请示已起草")
    decision.refresh_from_db()
    assert decision.status == Decision.Status.AWAITING_GOVERNMENT
    document = decision.request_document
    assert document is not None and document.kind == OfficialDocument.Kind.REQUEST
    assert page.url.endswith(f"/documents/{document.pk}/")
    shoot("6_request_draft")

    # Co-signed by 人社局 and issued to the government office (services: the documents app's
    # own browser tests drive those pages).
    cosign_request(actor=clerk.membership, document=document)
    cosign_sign(actor=hrss_member.membership, signature=document.cosignatures.get())
    make_register(clerk, health, prefix="信职联")
    document_issue(actor=clerk.membership, document=document)

    # The clerk downloads the issued 请示 from its page.
    page.goto(f"/documents/{document.pk}/")
    with page.expect_download() as download_info:
        page.click("#issuing a:has-text('下载 PDF')")
    pdf = tmp_path / "request.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    body = _compact(text)
    for expected in (
        f"关于{TITLE}的请示",
        "工作规则第四条第（四）项",
        f"市应急管理局：不同意。理由和意见：{SAFETY_REASON_1}",
        f"市应急管理局：不同意。理由和意见：{SAFETY_REASON_2}",
        "市人力资源和社会保障局：同意",
        "市财政局：同意",
        "市总工会：同意",
        DISAGREEMENT,
        f"方案一：{OPTIONS[0]}",
        f"方案二：{OPTIONS[1]}",
        RECOMMENDATION,
    ):
        assert _compact(expected) in body, expected
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(screenshot_dir / "decisions_request_pdf-1"),
        ],
        check=True,
        timeout=60,
    )
    assert (screenshot_dir / "decisions_request_pdf-1.png").stat().st_size > 10_000

    # --- the government office reads the matter and records its decision ---------------------
    act(gov_reader)
    page.click("nav >> text=重大事项")
    page.wait_for_url("**/decisions/")
    page.click(f"#decisions >> text={TITLE}")
    page.wait_for_url(f"**/decisions/{decision.pk}/")
    expect(page.locator("#round-1")).to_contain_text(SAFETY_REASON_1)
    government = page.locator("#government")
    government.locator("select[name=option]").select_option("1")
    expect(government.locator("input[name=decided_on]")).to_have_value(
        timezone.localdate().isoformat()
    )
    government.locator("textarea[name=text]").fill("同意方案一，由市人力资源和社会保障局牵头。")
    government.locator("input[name=r1_text]").fill(GOVERNMENT_ITEM)
    government.locator("select[name=r1_lead]").select_option(label="市人力资源和社会保障局")
    government.locator("select[name=r1_supporting]").select_option(
        label=["市应急管理局", "市财政局"]
    )
    government.locator("input[name=r1_workdays]").fill("30")
    shoot("7_government_form")
    government.locator("button:has-text('登记决定并列入督办')").click()
    expect(page.locator(".flash")).to_contain_text("市政府的决定已登记")
    expect(page.locator("#resolutions h2")).to_have_text("决定事项")
    expect(page.locator("#resolutions")).to_contain_text(GOVERNMENT_ITEM)
    expect(page.locator("#government-decision")).to_contain_text("采纳方案1")
    expect(page.locator("#request")).to_contain_text("（市政府采纳）")
    shoot("8_decided")

    decision.refresh_from_db()
    assert decision.status == Decision.Status.DECIDED
    assert decision.government_recorded_by == gov_reader
    item = ActionItem.objects.get()
    assert (item.title, item.lead_unit, item.source) == (
        GOVERNMENT_ITEM,
        hrss,
        ActionItem.Source.GOVERNMENT,
    )
    assert {u.name for u in item.supporting_units.all()} == {"市应急管理局", "市财政局"}
    assert decision.resolutions.get().action_item == item


def test_a_matter_agreed_at_a_meeting_is_adopted_and_binds_at_once_四四(
    page: Any,
    act: Callable[[Any], Any],
    shoot: Callable[[str], None],
    clerk: Any,
    make_plenary: Callable[..., Meeting],
    hrss: Unit,
    union: Unit,
    finance: Unit,
) -> None:
    """四(四): a major matter put to the units concerned at a meeting's agenda item: the clerk
    records each unit's 会上表态 (同意), closes the round — before its deadline, every unit
    having answered — and the joint meeting adopts it; its 决定事项 are action items at once."""
    meeting = make_plenary(days=3)
    item = agenda_item_add(
        meeting=meeting, title="审议尘肺病患者医疗救助政策", actor=clerk.membership
    )
    three = [hrss, union, finance]
    decision = decision_create(
        actor=clerk.membership,
        title=TITLE,
        proposal=PROPOSAL,
        proposing_unit_id=hrss.pk,
        concerned_unit_ids=[u.pk for u in three],
    )

    act(clerk)
    page.goto(f"/decisions/{decision.pk}/")
    form = page.locator("#round-form")
    form.locator("input[name=method][value=meeting]").check()
    form.locator("select[name=agenda_item]").select_option(str(item.pk))
    form.locator("button:has-text('发出征求意见')").click()
    expect(page.locator(".flash")).to_contain_text("已发出征求意见")
    round_ = decision.rounds.get()
    assert (round_.method, round_.agenda_item) == (Decision.Method.MEETING, item)
    assert round_.deadline == timezone.localtime(meeting.starts_at).date()
    expect(page.locator("#round-1 h3")).to_contain_text("会议审议")
    expect(page.locator("#round-1 h3")).to_contain_text(item.title)

    # On the meeting's day, after the item was discussed, the clerk records each unit's stance.
    with time_machine.travel(meeting.ends_at, tick=True):
        act(clerk)
        page.goto(f"/decisions/{decision.pk}/")
        expect(page.locator("form.meeting-opinion")).to_have_count(3)
        shoot("9_meeting_round")
        for unit in three:
            recorder = page.locator("form.meeting-opinion").filter(
                has=page.locator(f"button:has-text('记录{unit.name}会上表态')")
            )
            recorder.locator("select[name=stance]").select_option("agree")
            recorder.locator("button").click()
            expect(page.locator(".flash")).to_contain_text(f"已记录{unit.name}的会上表态")
        expect(page.locator("#round-1")).to_contain_text("会上表态（办公室记录）")
        expect(page.locator("form.meeting-opinion")).to_have_count(0)
        shoot("10_meeting_recorded")
        assert timezone.localdate() <= round_.deadline
        page.click("#close-round button")
        expect(page.locator(".flash")).to_contain_text("本轮征求意见已结束")
        expect(page.locator("#round-1")).to_contain_text("各单位一致同意")

        adopt = page.locator("#adopt")
        adopt.locator("input[name=r1_text]").fill("将尘肺病患者纳入城乡医疗救助范围")
        adopt.locator("select[name=r1_lead]").select_option(label="市人力资源和社会保障局")
        adopt.locator("select[name=r1_supporting]").select_option(label=["市财政局"])
        adopt.locator("input[name=r1_workdays]").fill("20")
        adopt.locator("button:has-text('通过并列入督办')").click()
        expect(page.locator(".flash")).to_contain_text("事项已通过")
        expect(page.locator("#resolutions")).to_contain_text("将尘肺病患者纳入城乡医疗救助范围")
        shoot("11_adopted")

    decision.refresh_from_db()
    assert decision.status == Decision.Status.ADOPTED
    action = ActionItem.objects.get()
    assert (action.title, action.lead_unit, action.source) == (
        "将尘肺病患者纳入城乡医疗救助范围",
        hrss,
        ActionItem.Source.DECISION,
    )
    assert [u.name for u in action.supporting_units.all()] == ["市财政局"]
    assert {o.answered_as for o in round_.opinions.all()} == {Opinion.AnsweredAs.AT_MEETING}
