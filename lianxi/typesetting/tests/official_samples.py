"""Sample official documents (公文) and test seals for the typesetting tests and the bench."""

from __future__ import annotations

import datetime
import functools
import io
import math

from lianxi.typesetting import fonts
from lianxi.typesetting.official import IssuingOrgan, OfficialDocumentLayout

HEALTH = "信阳市卫生健康委员会"
ORGANS = [
    HEALTH,
    "信阳市人力资源和社会保障局",
    "信阳市应急管理局",
    "信阳市总工会",
]
MEETING = "信阳市职业病防治工作部门间联席会议"


@functools.cache
def seal_png(name: str, pixels: int = 400) -> bytes:
    """A test seal: a red ring, the organ's name along its upper arc, a star in the middle, on
    a transparent background (``pixels`` square, so that tests can tell the seals apart)."""
    from PIL import Image, ImageDraw, ImageFont

    red = (220, 20, 30, 255)
    image = Image.new("RGBA", (pixels, pixels), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    ring = max(pixels // 40, 2)
    draw.ellipse((ring, ring, pixels - ring, pixels - ring), outline=red, width=ring * 2)
    centre = pixels / 2
    star = [
        (
            centre + (pixels * (0.16 if k % 2 == 0 else 0.065)) * math.sin(math.pi * k / 5),
            centre - (pixels * (0.16 if k % 2 == 0 else 0.065)) * math.cos(math.pi * k / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=red)
    found = fonts.font_file(fonts.resolve("heiti"))
    font_size = pixels // 9
    font: ImageFont.FreeTypeFont | ImageFont.ImageFont
    if found:
        font = ImageFont.truetype(found[0], font_size, index=found[1])
    else:
        font = ImageFont.load_default()
    span = math.radians(240)
    radius = centre - ring * 2 - font_size * 0.75
    for i, char in enumerate(name):
        angle = -span / 2 + span * (i + 0.5) / len(name)
        glyph = Image.new("RGBA", (font_size * 2, font_size * 2), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((font_size, font_size), char, font=font, fill=red, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle), resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.sin(angle) - font_size
        y = centre - radius * math.cos(angle) - font_size
        image.alpha_composite(glyph, (round(x), round(y)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def seal_pixels(index: int) -> int:
    """The i-th organ's test seal is 400 + i pixels wide: the PDF's images say whose they are."""
    return 400 + index


BODY = [
    "为深入贯彻《中华人民共和国职业病防治法》，落实《信阳市职业病防治规划（2021-2025年）》"
    "部署，进一步压实用人单位主体责任和部门监管责任，有效预防、控制和消除职业病危害，保护"
    "劳动者职业健康权益，经研究，制定本方案。",
    "一、总体要求",
    "坚持预防为主、防治结合，坚持部门协作、联防联控，以尘肺病、化学中毒、噪声聋等职业病"
    "为重点，以存在职业病危害的工业企业为重点对象，全面开展职业病危害专项治理。",
    "二、主要任务",
    "（一）开展底数核查。各县区卫生健康部门会同人力资源和社会保障、应急管理部门，于2024"
    "年6月30日前完成辖区内存在职业病危害的工业企业底数核查，建立分类监管台账。",
    "（二）加强监督执法。各地要将职业病危害严重的企业列为重点监督对象，依法查处未落实职业"
    "病危害项目申报、职业病危害因素检测评价和劳动者职业健康检查等违法行为。",
    "1.明确检查重点。重点检查矿山、冶金、建材、化工等行业领域企业。",
    "（1）对存在粉尘危害的企业，重点检查防尘设施运行和个体防护用品配备使用情况。",
    "（三）推进工伤保险扩面。人力资源和社会保障部门要推动存在职业病危害的工业企业依法参加"
    "工伤保险，督促用人单位按时足额缴纳工伤保险费，落实工伤预防费使用管理有关规定。",
    "三、工作要求",
    "各成员单位要加强组织领导，明确责任分工，密切协作配合，及时研究解决专项治理中的重大"
    "问题。工会组织要依法开展群众监督，反映劳动者职业健康方面的诉求。",
]


def joint_plan(*, organs: int = 4, extra: int = 0, sealed: bool = True) -> OfficialDocumentLayout:
    """A joint 方案 of ``organs`` organs (lead 市卫生健康委); ``extra`` paragraphs of 3 lines
    make the body longer (7 a page)."""
    chosen = [
        IssuingOrgan(
            name=name,
            seal_png=seal_png(name, seal_pixels(i)) if sealed else None,
        )
        for i, name in enumerate(ORGANS[:organs])
    ]
    filler = BODY[2]
    paragraphs = list(BODY)
    for _ in range(extra):
        paragraphs.insert(-1, filler)
    return OfficialDocumentLayout(
        organs=chosen,
        document_number="信卫职健〔2024〕12号",
        urgency="加急",
        title="关于印发《信阳市2024年职业病危害专项治理工作方案》的通知",
        main_to="各县区卫生健康委、人力资源和社会保障局、应急管理局、总工会",
        paragraphs=paragraphs,
        attachments=["信阳市2024年职业病危害专项治理工作方案", "专项治理工作进度安排表"],
        date=datetime.date(2024, 3, 5),
        note="此件公开发布",
        copy_to="市政府办公室，省卫生健康委",
        printed_by="信阳市卫生健康委员会办公室",
        printed_on=datetime.date(2024, 3, 6),
    )


def upward_request() -> OfficialDocumentLayout:
    """An upward 请示 with two signatories (§7.2.5)."""
    return OfficialDocumentLayout(
        organs=[
            IssuingOrgan(name=HEALTH, signatory="王明", seal_png=seal_png(HEALTH, 400)),
            IssuingOrgan(name=ORGANS[2], signatory="李建国", seal_png=seal_png(ORGANS[2], 401)),
        ],
        document_number="信卫职健〔2024〕3号",
        upward=True,
        title="关于申请职业病防治专项经费的请示",
        main_to="信阳市人民政府",
        paragraphs=[*BODY[:3], "妥否，请批示。"],
        date=datetime.date(2024, 2, 20),
        note="联系人：张丽，电话：0376-6222222",
        printed_by="信阳市卫生健康委员会办公室",
        printed_on=datetime.date(2024, 2, 20),
    )


def on_behalf_notice() -> OfficialDocumentLayout:
    """The joint meeting's own notice, sealed by the health commission on its behalf (四(六))."""
    return OfficialDocumentLayout(
        organs=[IssuingOrgan(name=HEALTH, seal_png=seal_png(HEALTH, 400))],
        masthead=f"{MEETING}文件",
        document_number="信职联〔2024〕1号",
        title="关于召开2024年全体会议的通知",
        main_to="联席会议各成员单位",
        paragraphs=BODY[:1],
        signers=[MEETING],
        sealed_on_behalf=f"（{HEALTH}代章）",
        date=datetime.date(2024, 3, 1),
        copy_to="市政府办公室",
        printed_by="信阳市职业病防治工作部门间联席会议办公室",
        printed_on=datetime.date(2024, 3, 1),
    )


def draft() -> OfficialDocumentLayout:
    """An unissued draft: no number, no seals, a watermark."""
    return OfficialDocumentLayout(
        organs=[IssuingOrgan(name=HEALTH), IssuingOrgan(name=ORGANS[2])],
        title="关于开展职业病防治法宣传周活动的通知（征求意见稿）",
        main_to="各成员单位",
        paragraphs=BODY[:3],
        date=datetime.date(2024, 4, 1),
        watermark="征求意见稿",
    )
