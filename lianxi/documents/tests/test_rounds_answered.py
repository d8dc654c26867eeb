"""The drafter answers every comment before the text goes on (三(二)): while a sent comment has
no 采纳 / 部分采纳 / 不采纳, the document is neither sent for 会签 (四(五)) nor issued (四(六)),
and nothing is written by the refusal."""

from typing import Any

import pytest

from lianxi.core.exceptions import ApplicationError

from ..models import CoSignature, OfficialDocument
from ..services import (
    Parties,
    comment_decide,
    consultation_close,
    cosign_request,
    document_issue,
    issue_problems,
    reply_approve,
)
from .issuing_helpers import make_register
from .rounds_fixtures import answer, reply_of

pytestmark = pytest.mark.django_db


def _commented(document: OfficialDocument, send_round: Any, clerk: Any, people: Any, units: Any):
    """A round in which 人社局 comments on paragraph 3 (its member sends it) and 总工会 has
    drafted a comment its member has not approved; the round then closed."""
    consultation = send_round(document)
    liaison, member = people["hrss"]
    comment = {"paragraph": 2, "text": "申报率目标偏低。", "proposed": "达到98%以上。"}
    answer(liaison, consultation, units["hrss"], stance="comments", comments=[comment])
    reply_approve(actor=member.membership, reply=reply_of(consultation, units["hrss"]))
    union_liaison, _ = people["union"]
    answer(
        union_liaison, consultation, units["union"], stance="comments",
        comments=[{"paragraph": None, "text": "尚未审核的意见。", "proposed": ""}],
    )  # fmt: skip
    consultation_close(actor=clerk.membership, consultation=consultation)
    return reply_of(consultation, units["hrss"]).comments.get()


def test_an_unanswered_comment_holds_back_the_cosigning_三二_四五(
    plan, send_round, clerk, consulted, hrss, union
):
    """Only the sent reply's comment counts (the unapproved draft of 总工会 is not the drafter's
    to answer); once answered, the text goes to 会签."""
    comment = _commented(plan, send_round, clerk, consulted, {"hrss": hrss, "union": union})
    with pytest.raises(ApplicationError, match="尚有 1 条修改意见未处理"):
        cosign_request(actor=clerk.membership, document=plan)
    assert not CoSignature.objects.filter(document=plan).exists()
    plan.refresh_from_db()
    assert plan.status == OfficialDocument.Status.DRAFT
    comment_decide(
        actor=clerk.membership, comment=comment, decision="rejected", reason="与省定目标一致。"
    )
    assert len(cosign_request(actor=clerk.membership, document=plan)) == 2


def test_an_unanswered_comment_holds_back_the_issue_三二_四六(
    make_plan, send_round, clerk, consulted, health, hrss, union
):
    """A document of the health commission alone (no 会签) is issued at once only when every
    comment is answered: the issue form says why, the service refuses and takes no number."""
    notice = make_plan(
        kind="通知",
        title="关于报送职业病防治工作进展的通知",
        parties=Parties(main_to_unit_ids=[hrss.pk, union.pk]),
    )
    make_register(clerk, health)
    comment = _commented(notice, send_round, clerk, consulted, {"hrss": hrss, "union": union})
    assert any("尚有 1 条修改意见未处理" in p for p in issue_problems(notice))
    with pytest.raises(ApplicationError, match="尚有 1 条修改意见未处理"):
        document_issue(actor=clerk.membership, document=notice)
    notice.refresh_from_db()
    assert notice.status != OfficialDocument.Status.ISSUED and not notice.document_number
    comment_decide(actor=clerk.membership, comment=comment, decision="adopted")
    assert issue_problems(notice) == []
    assert document_issue(actor=clerk.membership, document=notice).document_number


def test_the_document_page_says_what_holds_back_the_cosigning_三二(
    plan, send_round, clerk, consulted, hrss, union, login
):
    """The drafter sees why there is no 送会签 button, with the way to the 意见采纳情况表; the
    button comes back once the comment is answered."""
    comment = _commented(plan, send_round, clerk, consulted, {"hrss": hrss, "union": union})
    client = login(clerk)
    page = client.get(f"/documents/{plan.pk}/").content.decode()
    assert "尚有 1 条修改意见未处理" in page and f"/documents/{plan.pk}/adoption/" in page
    assert "送会签</button>" not in page
    comment_decide(actor=clerk.membership, comment=comment, decision="adopted")
    page = client.get(f"/documents/{plan.pk}/").content.decode()
    assert "尚有" not in page and "送会签</button>" in page
