"""The report's file as its reader sees it (三(四)2; issue 18): the signature keeps with the last
paragraph, figures without half-width spaces, the organ's full name, a contact person, and the
page's text addressed like the PDF (主送)."""

import subprocess
from typing import Any

import pytest

from lianxi.incidents.report import report_pdf, report_text, tight

pytestmark = pytest.mark.django_db


def pages_of(pdf: bytes, tmp_path: Any) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def compact(text: str) -> str:
    return "".join(text.split())


# Repetitions of the onset around the lengths at which, without keeping them together, the
# signature (n = 0 and 18–21 with the free fonts) went alone to the next page.
@pytest.mark.parametrize("repeats", [0, 1, 2, 17, 18, 19, 20, 21, 22])
def test_the_signature_never_stands_alone_on_a_page_三_四_2(
    make_incident: Any, clerk: Any, tmp_path: Any, repeats: int
) -> None:
    """The signature and date went alone to page 2; whatever the length of the text, they stay
    on the page of the last paragraph (七、发展趋势)."""
    incident = make_incident(
        onset="清理污水池时多人出现头晕、呼吸困难，已送市中心医院救治。" * repeats
    )
    pages = pages_of(report_pdf(incident, actor=clerk), tmp_path)
    last = compact(pages[-1])
    assert "信阳市卫生健康委员会" in last
    assert "七、发展趋势" in last


def test_the_report_reads_as_an_official_one_三_四_2(
    make_incident: Any, clerk: Any, tmp_path: Any
) -> None:
    """ "6 人" → "6人"; the organ's full name (信阳市卫生健康委员会, not 市卫生健康委); the contact
    person and phone; the page's text has the PDF's 主送."""
    clerk.membership.phone = "0376-6201234"
    clerk.membership.save()
    incident = make_incident(trend="2 人病情危重，其余 10 人平稳。")
    text = report_text(incident, actor=clerk)
    assert "急性中毒12人" in text and "2人病情危重，其余10人平稳" in text
    assert " 人" not in text
    assert "信阳市卫生健康委员会" in text
    assert "联系人：王秘书；联系电话：0376-6201234" in text
    assert "市人民政府、省卫生健康委：" in text  # 主送, as in the PDF
    pdf = compact("".join(pages_of(report_pdf(incident, actor=clerk), tmp_path)))
    assert "信阳市卫生健康委员会" in pdf
    assert "联系人：王秘书" in pdf and "0376-6201234" in pdf
    assert "市人民政府、省卫生健康委：" in pdf


def test_tight_removes_only_spaces_between_figures_and_chinese() -> None:
    assert tight("接触 30 人，急性中毒 6 人") == "接触30人，急性中毒6人"
    assert tight("纬二路 8 号 ABC 1 2") == "纬二路8号 ABC 1 2"


def test_shi_is_set_per_glyph_in_a_face_that_has_it_on_the_grid_三_四_2(
    make_incident: Any, clerk: Any
) -> None:
    """ "浉" (浉河区), which the free 仿宋 lacks, was set in whatever face Pango took, and its line
    grew: each "浉" is in the typesetting fallback face, the rest in the 仿宋, lines on the
    28.9 pt grid."""
    import io
    import itertools

    import pdfplumber

    from lianxi.typesetting import fonts
    from lianxi.typesetting.glyphs import fallback_face, has_glyph

    if not fonts.is_installed("FandolFang") or has_glyph("FandolFang", "浉"):
        pytest.skip("needs the free FandolFang, which lacks 浉")
    face = fallback_face("fangsong", "浉")
    assert face is not None
    incident = make_incident(
        location="信阳市浉河区工业园区", onset="浉河区中心医院收治 12 人。" * 3,
        measures_taken="浉河区应急管理局、浉河区卫生健康委已到场处置。",
    )  # fmt: skip
    with pdfplumber.open(io.BytesIO(report_pdf(incident, actor=clerk))) as opened:
        chars = [c for page in opened.pages[:1] for c in page.chars]
        shi = [c for c in chars if c["text"] == "浉"]
        body = [c for c in chars if round(c["size"]) == 16]
        baselines = sorted({round(opened.pages[0].height - c["matrix"][5], 2) for c in body})
    assert len(shi) >= 4
    assert {c["fontname"].split("+")[-1] for c in shi} == {face.replace(" ", "-")}
    assert {c["fontname"].split("+")[-1] for c in body if c["text"] != "浉"} <= {
        "FandolFang",
        "FandolFang-Bold",  # the headings 一、地点：
    }
    # From the 主送 line on (the first is the grade line above the title).
    pitches = [b - a for a, b in itertools.pairwise(baselines[1:])]
    assert all(abs(p / 28.9 - round(p / 28.9)) < 0.02 for p in pitches), pitches
