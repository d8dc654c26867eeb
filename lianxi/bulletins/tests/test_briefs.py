"""Work briefs (三(四)1): compiled from adopted reports, numbered per year and per kind when
issued (no duplicate, no gap), sent to the distribution list and signed for."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.db import transaction

from lianxi.conftest import aware
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.models import Delivery
from lianxi.organization.models import Unit

from ..access import visible_briefs
from ..models import Brief, BriefArticle, BriefReceipt
from ..selectors import adopted_unused
from ..services import (
    ArticleIn,
    brief_create,
    brief_issue,
    brief_sign,
    brief_update,
    info_report_review,
)
from .conftest import sent

pytestmark = pytest.mark.django_db


def _adopted(pair: Any, clerk: Any, title: str) -> Any:
    report = sent(pair, title)
    return info_report_review(
        actor=clerk.membership, report=report, decision="adopt", now=aware(2027, 3, 3, 9)
    )


def _brief(clerk: Any, title: str = "本期要闻", kind: str = "regular", **kw: Any) -> Brief:
    articles = kw.pop("articles", [ArticleIn(title="联席会议办公室开展督导", body="正文一段。")])
    return brief_create(actor=clerk.membership, title=title, kind=kind, articles=articles, **kw)


def test_a_brief_takes_adopted_reports_edited_with_their_source_kept_三_四_1(
    hrss_pair: Any, union_pair: Any, clerk: Any
) -> None:
    """三(四)1: articles taken from adopted reports, edited in the brief, the source kept; a
    report not adopted is refused; an own article needs a title and a body."""
    adopted = _adopted(hrss_pair, clerk, "人社局开展尘肺病患者帮扶行动")
    pending = sent(union_pair, "待审核的信息")
    with pytest.raises(ApplicationError, match="尚未采用"):
        _brief(clerk, articles=[ArticleIn(source_report_id=pending.pk)])
    # A unit's draft is neither taken nor named to the secretariat.
    from .conftest import drafted

    draft = drafted(union_pair[0], "工会草稿标题")
    with pytest.raises(ApplicationError) as refused:
        _brief(clerk, articles=[ArticleIn(source_report_id=draft.pk)])
    assert refused.value.message == "第 1 篇文章的来源信息不存在或尚未采用。"
    with pytest.raises(ApplicationError, match="请填写第 1 篇文章的标题"):
        _brief(clerk, articles=[ArticleIn(body="没有标题")])
    assert not Brief.objects.exists()
    brief = _brief(
        clerk,
        articles=[
            ArticleIn(source_report_id=adopted.pk, title="我市开展尘肺病患者帮扶行动"),
            ArticleIn(title="联席会议办公室开展督导", body="正文。"),
        ],
    )
    first, second = brief.articles.all()
    assert (first.title, first.body, first.source_unit) == (
        "我市开展尘肺病患者帮扶行动",
        adopted.body,
        adopted.unit,
    )
    assert second.source_report is None and brief.number is None
    assert list(adopted_unused(clerk.membership.unit.mechanism_id)) == [adopted]


def test_issue_numbers_run_per_year_and_per_kind_without_gap_三_四_1(clerk: Any) -> None:
    """三(四)1: 第N期 per year, 增刊 and 专刊 numbered apart; a new year starts at 1; a
    rolled-back issue gives its number back."""
    with time_machine.travel(aware(2027, 2, 1), tick=False):
        numbers = [
            brief_issue(actor=clerk.membership, brief=_brief(clerk), now=aware(2027, 2, 1)).number
            for _ in range(3)
        ]
        supplement = brief_issue(
            actor=clerk.membership, brief=_brief(clerk, kind="supplement"), now=aware(2027, 2, 1)
        )
        rolled = _brief(clerk)
        with pytest.raises(RuntimeError), transaction.atomic():
            brief_issue(actor=clerk.membership, brief=rolled, now=aware(2027, 2, 1))
            raise RuntimeError("打印机卡纸")
        fourth = brief_issue(actor=clerk.membership, brief=rolled, now=aware(2027, 2, 2))
    assert numbers == [1, 2, 3] and fourth.number == 4
    assert (supplement.number, supplement.issue_label) == (1, "增刊第1期")
    next_year = brief_issue(actor=clerk.membership, brief=_brief(clerk), now=aware(2028, 1, 5))
    assert (next_year.year, next_year.number, next_year.issue_label) == (2028, 1, "第1期")
    with pytest.raises(ApplicationError, match="已于2027年02月02日印发"):
        brief_issue(actor=clerk.membership, brief=fourth, now=aware(2027, 2, 3))


def test_issuing_sends_to_the_list_and_each_unit_signs_once_三_四_1(
    hrss_pair: Any, union_pair: Any, clerk: Any, gov_reader: Any, unit_named: Any
) -> None:
    """三(四)1: issuing sends the brief to the distribution list (member units and the city
    government by default) with receipts; a unit sees what was sent to it, not a draft, not a
    brief that went elsewhere; it signs for its copy once."""
    draft = _brief(clerk, title="草稿期")
    assert list(visible_briefs(hrss_pair[0].membership)) == []
    hrss = unit_named("市人力资源和社会保障局")
    only_hrss = brief_issue(
        actor=clerk.membership, brief=_brief(clerk, title="只发人社"), now=aware(2027, 2, 1),
        recipient_unit_ids=[hrss.pk],
    )  # fmt: skip
    everyone = brief_issue(actor=clerk.membership, brief=draft, now=aware(2027, 2, 2))
    receivers = set(
        BriefReceipt.objects.filter(brief=everyone).values_list("unit__kind", flat=True)
    )
    assert receivers == {Unit.Kind.MEMBER, Unit.Kind.GOVERNMENT}
    assert BriefReceipt.objects.filter(brief=everyone).count() == 16  # 15 units + 市政府办公室
    assert set(visible_briefs(hrss_pair[0].membership)) == {only_hrss, everyone}
    assert list(visible_briefs(union_pair[0].membership)) == [everyone]
    assert list(visible_briefs(gov_reader.membership)) == [everyone]
    told = Delivery.objects.filter(
        user=union_pair[1], message__kind="bulletins.brief_issued", channel="inbox"
    )
    assert "2027年第2期" in told.get().message.subject
    with pytest.raises(ApplicationError, match="不在该期简报的分送范围"):
        brief_sign(actor=union_pair[0].membership, brief=only_hrss, now=aware(2027, 2, 3))
    receipt = brief_sign(actor=union_pair[0].membership, brief=everyone, now=aware(2027, 2, 3))
    again = brief_sign(actor=union_pair[1].membership, brief=everyone, now=aware(2027, 2, 4))
    assert receipt.pk == again.pk and again.signed_at == aware(2027, 2, 3)
    assert again.signed_by == union_pair[0]
    with pytest.raises(ApplicationError, match="请从本联席会议的成员单位"):
        brief_issue(
            actor=clerk.membership, brief=_brief(clerk), now=aware(2027, 2, 5),
            recipient_unit_ids=[999_999],
        )  # fmt: skip


def test_an_issued_brief_is_not_changed_三_四_1(clerk: Any) -> None:
    brief = brief_issue(actor=clerk.membership, brief=_brief(clerk), now=aware(2027, 2, 1))
    with pytest.raises(ApplicationError, match="已印发，不能再修改"):
        brief_update(
            actor=clerk.membership, brief=brief, title="改", kind="regular",
            articles=[ArticleIn(title="改", body="改")],
        )  # fmt: skip
    assert BriefArticle.objects.get(brief=brief).title == "联席会议办公室开展督导"


def test_only_the_secretariat_compiles_and_issues_三_四_1(hrss_pair: Any, clerk: Any) -> None:
    with pytest.raises(ApplicationError, match="只有联席会议办公室"):
        _brief(hrss_pair[0])
    brief = _brief(clerk)
    with pytest.raises(ApplicationError, match="只有联席会议办公室"):
        brief_issue(actor=hrss_pair[1].membership, brief=brief, now=aware(2027, 2, 1))


def test_a_report_is_printed_in_one_issued_brief_only_三_四_1(hrss_pair: Any, clerk: Any) -> None:
    """三(四)1: an adopted report goes into one brief: twice in one brief, or again after the
    brief that carried it was issued, is refused (at compiling, and at issuing a draft made
    before)."""
    adopted = _adopted(hrss_pair, clerk, "人社局开展帮扶")
    twice = [ArticleIn(source_report_id=adopted.pk), ArticleIn(source_report_id=adopted.pk)]
    with pytest.raises(ApplicationError, match="同一条信息只能编入一篇文章"):
        _brief(clerk, articles=twice)
    first = _brief(clerk, title="一期", articles=[ArticleIn(source_report_id=adopted.pk)])
    second = _brief(clerk, title="二期", articles=[ArticleIn(source_report_id=adopted.pk)])
    brief_issue(actor=clerk.membership, brief=first, now=aware(2027, 3, 5))
    with pytest.raises(ApplicationError, match="已编入已印发的简报"):
        brief_issue(actor=clerk.membership, brief=second, now=aware(2027, 3, 6))
    with pytest.raises(ApplicationError, match="已编入已印发的简报"):
        _brief(clerk, title="三期", articles=[ArticleIn(source_report_id=adopted.pk)])
    assert Brief.objects.get(pk=second.pk).status == "draft"
