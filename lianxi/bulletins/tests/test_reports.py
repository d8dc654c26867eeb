"""Information reports from the units (三(四)1, 三(四)3): drafted by the liaison, sent by the
member, adopted, returned or declined by the secretariat, each decision told to the unit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lianxi.conftest import aware
from lianxi.core.exceptions import ApplicationError
from lianxi.notifications.models import Delivery

from ..access import visible_reports
from ..models import InfoReport, InfoReportFile
from ..services import info_report_review, info_report_save, info_report_send
from .conftest import drafted, sent

pytestmark = pytest.mark.django_db


def _inbox(user: Any, kind: str) -> list[str]:
    return list(
        Delivery.objects.filter(user=user, message__kind=kind, channel="inbox").values_list(
            "message__subject", flat=True
        )
    )


def test_the_liaison_drafts_the_member_sends_三_四_1(
    hrss_pair: tuple[Any, Any], clerk: Any
) -> None:
    """三(四)1: the unit vouches for what it sends: the liaison's draft goes before the member,
    the member sends it to the secretariat, who is told."""
    liaison, member = hrss_pair
    report = drafted(liaison, "人社局开展尘肺病患者帮扶行动")
    assert report.status == InfoReport.Status.DRAFT
    assert info_report_send(actor=liaison.membership, report=report, now=timezone.now()) == (
        InfoReport.Status.AWAITING_MEMBER
    )
    assert _inbox(member, "bulletins.report_to_member")
    assert not _inbox(clerk, "bulletins.report_sent")
    with pytest.raises(ApplicationError, match="请等待成员报送"):
        info_report_send(actor=liaison.membership, report=report, now=timezone.now())
    when = aware(2027, 3, 2, 10)
    assert info_report_send(actor=member.membership, report=report, now=when) == "sent"
    report.refresh_from_db()
    assert (report.sent_at, report.first_sent_at, report.sent_by) == (when, when, member)
    assert _inbox(clerk, "bulletins.report_sent") == [
        "市人力资源和社会保障局报送信息：人社局开展尘肺病患者帮扶行动"
    ]


def test_a_liaisons_change_after_submission_goes_back_to_the_member_三_四_1(
    hrss_pair: tuple[Any, Any],
) -> None:
    """三(四)1: the member approves the text that will be sent: the liaison changing it after it
    went before the member takes it back to draft."""
    liaison, _member = hrss_pair
    report = drafted(liaison, "初稿")
    info_report_send(actor=liaison.membership, report=report, now=timezone.now())
    report = info_report_save(
        actor=liaison.membership, report=report, kind="news", title="改稿", body="改后的正文。"
    )
    assert report.status == InfoReport.Status.DRAFT


def test_the_secretariat_never_sees_a_draft_nor_another_unit_the_report_三_四_1(
    hrss_pair: tuple[Any, Any], union_pair: tuple[Any, Any], clerk: Any
) -> None:
    """三(四)1: a unit's draft is its own; no unit sees another unit's reports, sent or not."""
    draft = drafted(hrss_pair[0], "人社局草稿")
    waiting = drafted(hrss_pair[0], "待成员审核")
    info_report_send(actor=hrss_pair[0].membership, report=waiting, now=timezone.now())
    union_sent = sent(union_pair, "总工会已报送")
    assert list(visible_reports(clerk.membership)) == [union_sent]
    assert set(visible_reports(hrss_pair[1].membership)) == {draft, waiting}
    assert list(visible_reports(union_pair[0].membership)) == [union_sent]


def test_adopt_return_and_decline_each_tell_the_unit_三_四_1(
    hrss_pair: tuple[Any, Any], union_pair: tuple[Any, Any], clerk: Any
) -> None:
    """三(四)1: 采用 (into a brief, or as 经验交流), 退回修改 with a note, 不采用 with a reason;
    the unit sees its states and is told of each decision."""
    liaison, member = hrss_pair
    adopted = sent(hrss_pair, "帮扶行动", kind="experience")
    returned = sent(hrss_pair, "工伤认定提速")
    declined = sent(union_pair, "工会慰问")
    now = aware(2027, 3, 3, 9)
    with pytest.raises(ApplicationError, match="请填写退回意见"):
        info_report_review(actor=clerk.membership, report=returned, decision="return", now=now)
    with pytest.raises(ApplicationError, match="请填写不采用理由"):
        info_report_review(actor=clerk.membership, report=declined, decision="decline", now=now)
    assert InfoReport.objects.filter(status="sent").count() == 3  # nothing written
    info_report_review(
        actor=clerk.membership, report=adopted, decision="adopt", adopted_as="exchange", now=now
    )
    info_report_review(
        actor=clerk.membership,
        report=returned,
        decision="return",
        note="请补充认定人数和时限。",
        now=now,
    )
    info_report_review(
        actor=clerk.membership, report=declined, decision="decline", note="内容与上期重复", now=now
    )
    states = dict(InfoReport.objects.values_list("title", "status"))
    assert states == {"帮扶行动": "adopted", "工伤认定提速": "returned", "工会慰问": "declined"}
    assert InfoReport.objects.get(title="帮扶行动").adopted_as == "exchange"
    told = _inbox(liaison, "bulletins.report_reviewed")
    assert sorted(told) == ["信息“工伤认定提速”退回修改", "信息“帮扶行动”采用"]
    assert len(_inbox(union_pair[1], "bulletins.report_reviewed")) == 1
    with pytest.raises(ApplicationError, match="不能再审核"):
        info_report_review(actor=clerk.membership, report=adopted, decision="adopt", now=now)
    with pytest.raises(ApplicationError, match="只有联席会议办公室"):
        info_report_review(actor=member.membership, report=returned, decision="adopt", now=now)


def test_a_returned_report_is_changed_and_sent_again_counted_once_三_四_1(
    hrss_pair: tuple[Any, Any], clerk: Any
) -> None:
    """三(四)1: a returned report is changed by the unit and sent again; its first sending stays
    the time it counts from, and it counts as returned once."""
    liaison, member = hrss_pair
    first = aware(2027, 3, 2, 9)
    report = sent(hrss_pair, "工伤认定提速", when=first)
    info_report_review(
        actor=clerk.membership, report=report, decision="return", note="请补充数据。", now=first
    )
    report = info_report_save(
        actor=liaison.membership,
        report=report,
        kind="news",
        title="工伤认定提速",
        body="补充：今年认定87人，平均用时缩短至15个工作日。",
    )
    # Being changed, it is the unit's draft again: the secretariat does not read the new text
    # before it is sent; the note stays for the unit.
    assert (report.status, report.review_note) == (InfoReport.Status.DRAFT, "请补充数据。")
    assert not visible_reports(clerk.membership).filter(pk=report.pk).exists()
    again = aware(2027, 3, 5, 9)
    info_report_send(actor=liaison.membership, report=report, now=again)
    info_report_send(actor=member.membership, report=report, now=again)
    report.refresh_from_db()
    assert (report.status, report.first_sent_at, report.sent_at) == ("sent", first, again)
    assert report.returned_count == 1


def test_bad_input_is_refused_in_chinese_and_nothing_is_written_三_四_1(
    hrss_pair: tuple[Any, Any], clerk: Any
) -> None:
    """三(四)1: an empty title, an unknown kind, an executable attachment: a clear Chinese error,
    no report and no file written."""
    liaison, _ = hrss_pair
    with pytest.raises(ApplicationError, match="请填写标题"):
        drafted(liaison, "  ")
    with pytest.raises(ApplicationError, match="请选择信息类别"):
        drafted(liaison, "标题", kind="gossip")
    bad = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    with pytest.raises(ApplicationError, match="类型不能上传"):
        drafted(liaison, "带附件", files=[bad])
    empty = SimpleUploadedFile("照片.jpg", b"", content_type="image/jpeg")
    with pytest.raises(ApplicationError, match="空文件"):
        drafted(liaison, "带附件", files=[empty])
    with pytest.raises(ApplicationError, match="只有成员单位"):
        info_report_save(actor=clerk.membership, kind="news", title="办公室", body="正文")
    assert not InfoReport.objects.exists() and not InfoReportFile.objects.exists()


def test_images_and_attachments_travel_with_the_report_三_四_1(
    hrss_pair: tuple[Any, Any],
) -> None:
    liaison, _ = hrss_pair
    photo = SimpleUploadedFile("现场照片.png", b"\x89PNG\r\n\x1a\n" + b"0" * 64, "image/png")
    table = SimpleUploadedFile("台账.xlsx", b"PK\x03\x04" + b"0" * 64, "application/zip")
    report = drafted(liaison, "带附件", files=[photo, table])
    files = list(report.files.order_by("id"))
    assert [(f.name, f.is_image) for f in files] == [("现场照片.png", True), ("台账.xlsx", False)]
    report = info_report_save(
        actor=liaison.membership,
        report=report,
        kind="news",
        title="带附件",
        body="正文",
        remove_file_ids=[files[0].pk],
    )
    assert list(report.files.values_list("name", flat=True)) == ["台账.xlsx"]
