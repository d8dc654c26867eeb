"""Official documents (公文) as PDF, measured from the file with pdfplumber (GB/T 9704-2012 §5.2,
§7.2, §7.3.5, §7.4, §7.5; 代章 per the rules' clause 四(六)).  Lengths in mm from the page's
top-left corner; the type area is x 28–184, y 37–262."""

from __future__ import annotations

import io
import itertools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from lianxi.typesetting.official_pdf import render_official_pdf

from . import official_samples as samples
from .conftest import mm, screenshots

LEFT, RIGHT, TOP, BOTTOM = 28.0, 184.0, 37.0, 262.0
LINE = 225 / 22
TOL = 1.0
RED = (1, 0, 0)
WENJIAN = "文件"


def _render(doc: Any, name: str, directory: Path) -> dict[str, Any]:
    data = render_official_pdf(doc)
    path = directory / f"official-{name}.pdf"
    path.write_bytes(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [
            {
                "chars": list(p.chars),
                "images": list(p.images),
                "rules": list(p.lines) + list(p.rects),
                "text": p.extract_text() or "",
                "height": p.height,
            }
            for p in pdf.pages
        ]
    return {"data": data, "path": path, "pages": pages, "doc": doc}


@pytest.fixture(scope="module")
def joint4(documents_dir: Path) -> dict[str, Any]:
    rendered = _render(samples.joint_plan(organs=4, extra=8), "joint4", documents_dir)
    rendered["pngs"] = screenshots(rendered["path"], "official-joint4", documents_dir)
    return rendered


@pytest.fixture(scope="module")
def joint2(documents_dir: Path) -> dict[str, Any]:
    return _render(samples.joint_plan(organs=2), "joint2", documents_dir)


@pytest.fixture(scope="module")
def upward(documents_dir: Path) -> dict[str, Any]:
    return _render(samples.upward_request(), "upward", documents_dir)


@pytest.fixture(scope="module")
def behalf(documents_dir: Path) -> dict[str, Any]:
    return _render(samples.on_behalf_notice(), "behalf", documents_dir)


@pytest.fixture(scope="module")
def draft(documents_dir: Path) -> dict[str, Any]:
    return _render(samples.draft(), "draft", documents_dir)


def _box(image: dict[str, Any]) -> tuple[float, float, float, float]:
    return mm(image["x0"]), mm(image["top"]), mm(image["x1"]), mm(image["bottom"])


def _seals(rendered: dict[str, Any]) -> list[tuple[int, tuple[float, float, float, float]]]:
    """(organ index from the test seal's pixel width, box) of every image, in reading order."""
    found = []
    for page in rendered["pages"]:
        for image in page["images"]:
            found.append((int(image["srcsize"][0]) - 400, _box(image)))
    return sorted(found, key=lambda s: (round(s[1][1]), s[1][0]))


def _find(page: dict[str, Any], text: str, *, last: bool = False) -> list[dict[str, Any]]:
    chars = [c for c in page["chars"] if c["text"].strip() and c["text"] != "\u200b"]
    joined = "".join(c["text"] for c in chars)
    at = joined.rfind(text) if last else joined.find(text)
    assert at >= 0, text
    return chars[at : at + len(text)]


def _span(chars: list[dict[str, Any]]) -> tuple[float, float, float, float]:
    return (
        mm(min(c["x0"] for c in chars)),
        mm(min(c["top"] for c in chars)),
        mm(max(c["x1"] for c in chars)),
        mm(max(c["bottom"] for c in chars)),
    )


ALL = ("joint4", "joint2", "upward", "behalf", "draft")


@pytest.mark.parametrize("name", ALL)
def test_type_area_respected(name: str, request: pytest.FixtureRequest) -> None:
    """§5.2.1: every character (and seal) inside the 156 × 225 mm type area, 天头 37 mm, 订口
    28 mm; only the page number stands below it (§7.5)."""
    rendered = request.getfixturevalue(name)
    for page in rendered["pages"]:
        for c in page["chars"]:
            if not c["text"].strip() or mm(c["top"]) > BOTTOM + 3:
                continue
            assert mm(c["x0"]) >= LEFT - TOL and mm(c["x1"]) <= RIGHT + TOL, c["text"]
            assert mm(c["top"]) >= TOP - TOL, c["text"]
        for image in page["images"]:
            x0, top, x1, bottom = _box(image)
            assert x0 >= LEFT - 0.1 and x1 <= RIGHT + 0.1 and top >= TOP and bottom <= BOTTOM


@pytest.mark.parametrize("name", ALL)
def test_page_numbers_and_embedded_fonts(name: str, request: pytest.FixtureRequest) -> None:
    """§7.5: "— N —" on every page, below the type area; every font embedded."""
    rendered = request.getfixturevalue(name)
    for number, page in enumerate(rendered["pages"], start=1):
        assert f"— {number} —" in page["text"].replace("\u200b", "")
        dashes = [c for c in page["chars"] if c["text"] == "—" and round(c["size"]) == 14]
        assert dashes and all(mm(c["top"]) > BOTTOM for c in dashes)
    if shutil.which("pdffonts"):
        out = subprocess.run(
            ["pdffonts", str(rendered["path"])], capture_output=True, text=True, check=True
        ).stdout.splitlines()[2:]
        assert out
        for line in out:
            columns = line.split()
            assert columns[-5] == "yes", line  # emb


def test_joint_mark_red_lead_first_with_wenjian_once(joint4: dict[str, Any]) -> None:
    """§7.2.4: a joint document's 发文机关标志 — every organ's, lead first, one a line, in red,
    "文件" once to their right, vertically centred; its upper edge 35 mm below the type area."""
    page = joint4["pages"][0]
    red = [c for c in page["chars"] if tuple(c["non_stroking_color"] or ()) == RED]
    height = page["height"]

    def em_top(c: dict[str, Any]) -> float:  # the ideographic em box: 0.88 em above the baseline
        return mm(height - c["matrix"][5] - 0.88 * c["size"])

    rows: dict[int, str] = {}
    for c in sorted(red, key=lambda c: c["x0"]):
        rows[round(em_top(c))] = rows.get(round(em_top(c)), "") + c["text"]
    lines = [rows[k] for k in sorted(rows)]
    assert WENJIAN in lines
    assert [line for line in lines if line != WENJIAN] == samples.ORGANS
    names = [c for c in red if c["text"] not in WENJIAN]
    names_top = min(em_top(c) for c in names)
    names_bottom = max(em_top(c) + mm(c["size"]) for c in names)
    assert abs(names_top - (TOP + 35)) <= 0.5
    names_right = max(c["x1"] for c in red if c["text"] not in WENJIAN)
    wenjian_chars = [c for c in red if c["x0"] >= names_right - 0.5]
    assert "".join(c["text"] for c in wenjian_chars) == WENJIAN
    centre = em_top(wenjian_chars[0]) + mm(wenjian_chars[0]["size"]) / 2
    assert abs(centre - (names_top + names_bottom) / 2) <= 0.5
    assert joint4["pngs"], "screenshots for a look"


def test_red_rule_4mm_below_the_number_across_the_type_area(joint4: dict[str, Any]) -> None:
    """§7.2.7: the red separator 4 mm below the 发文字号, as wide as the type area."""
    page = joint4["pages"][0]
    number = _span(_find(page, "信卫职健〔2024〕12号"))
    rules = [r for r in page["rules"] if tuple(r.get("non_stroking_color") or ()) == RED]
    assert rules
    rule = rules[0]
    assert abs(mm(rule["x0"]) - LEFT) <= 0.5 and abs(mm(rule["x1"]) - RIGHT) <= 0.5
    # pdfplumber's box is the characters' em box (FandolFang's descent 0.12 em)
    assert abs(mm(rule["top"]) - number[3] - 4) <= 0.8


@pytest.mark.parametrize(("name", "count"), [("joint4", 4), ("joint2", 2)])
def test_joint_seals_in_order_apart_and_within_the_type_area(
    name: str, count: int, request: pytest.FixtureRequest
) -> None:
    """§7.3.5.1: one seal per organ, in the organs' order (rows of at most 3, left to right),
    不相交不相切, neighbours at most 3 mm apart, each over its organ's name."""
    rendered = request.getfixturevalue(name)
    seals = _seals(rendered)
    assert [i for i, _ in seals] == list(range(count))
    boxes = [box for _, box in seals]
    rows: dict[int, list[tuple[float, float, float, float]]] = {}
    for box in boxes:
        rows.setdefault(round(box[1]), []).append(box)
    assert all(len(row) <= 3 for row in rows.values())
    for a in range(len(boxes)):
        for b in range(a + 1, len(boxes)):
            p, q = boxes[a], boxes[b]
            overlap_x = min(p[2], q[2]) - max(p[0], q[0])
            overlap_y = min(p[3], q[3]) - max(p[1], q[1])
            assert overlap_x <= 0 or overlap_y <= 0, (a, b)  # the seals' squares do not meet
    for row in rows.values():
        row.sort()
        for left, right in itertools.pairwise(row):
            assert 0 < right[0] - left[2] <= 3
    page = next(p for p in rendered["pages"] if p["images"])
    for (index, box), organ in zip(seals, samples.ORGANS, strict=False):
        inside = [
            c
            for c in page["chars"]
            if box[0] <= mm(c["x0"] + c["x1"]) / 2 <= box[2]
            and box[1] <= mm(c["top"] + c["bottom"]) / 2 <= box[3]
        ]
        inside.sort(key=lambda c: (round(c["top"]), c["x0"]))
        assert organ in "".join(c["text"] for c in inside), index


@pytest.mark.parametrize("name", ["joint4", "joint2", "upward", "behalf"])
def test_date_under_the_last_seal_right_four_characters_in(
    name: str, request: pytest.FixtureRequest
) -> None:
    """§7.3.5.1: the last seal presses the 成文日期, right-aligned 4 characters in; the first row's
    top within one line of the text above it."""
    rendered = request.getfixturevalue(name)
    doc = rendered["doc"]
    date = f"{doc.date.year}年{doc.date.month}月{doc.date.day}日"
    page = next(p for p in rendered["pages"] if p["images"])
    x0, top, x1, bottom = _span(_find(page, date))
    last = _seals(rendered)[-1][1]
    assert last[0] <= (x0 + x1) / 2 <= last[2] and last[1] <= top and bottom <= last[3]
    if name != "behalf":  # the 代章 block is centred on its long name
        assert abs(RIGHT - 4 * 156 / 28 - x1) <= 1
    first = min(s[1][1] for s in _seals(rendered))
    above = [
        mm(c["bottom"])
        for c in page["chars"]
        if round(c["size"]) == 16 and mm(c["bottom"]) < first and c["text"].strip()
    ]
    assert above and first - max(above) <= LINE


def test_banji_at_the_last_pages_foot(joint4: dict[str, Any]) -> None:
    """§7.4: the 版记 closes the last page — 抄送, then 印发机关 left and 印发日期 right, rules
    0.35 / 0.25 / 0.35 mm, the last on the type area's last line (±1 mm)."""
    page = joint4["pages"][-1]
    black = [
        r
        for r in page["rules"]
        if tuple(r.get("non_stroking_color") or r.get("stroking_color") or (0,))
        in ((0,), (0, 0, 0))
        and mm(r["x1"] - r["x0"]) > 150
    ]
    assert len(black) >= 3
    lowest = max(black, key=lambda r: r["bottom"])
    assert abs(mm(lowest["bottom"]) - BOTTOM) <= 1
    text = page["text"].replace("\u200b", "")
    assert "抄送：市政府办公室，省卫生健康委。" in text
    printed_by = _span(_find(page, "信阳市卫生健康委员会办公室"))
    printed_on = _span(_find(page, "2024年3月6日印发"))
    assert abs(printed_by[0] - (LEFT + mm(14))) <= 1 and abs(printed_on[2] - (RIGHT - mm(14))) <= 1
    widths = [
        mm(r["bottom"] - r["top"]) if r["top"] != r["bottom"] else mm(r.get("linewidth", 0))
        for r in sorted(black, key=lambda r: r["top"])[-3:]
    ]
    assert widths[0] == pytest.approx(0.35, abs=0.05) and widths[2] == pytest.approx(0.35, abs=0.05)
    assert widths[1] == pytest.approx(0.25, abs=0.05)


def test_upward_request_number_left_and_signatories_right(upward: dict[str, Any]) -> None:
    """§7.2.5: an upward document's 发文字号 left, one character in, 签发人 right, one character
    in, "签发人：" 仿宋 and the names 楷体, several one a line, the number on the last one's
    line."""
    page = upward["pages"][0]
    number = _find(page, "信卫职健〔2024〕3号")
    label = _find(page, "签发人：")
    first, last = _find(page, "王明"), _find(page, "李建国")
    assert abs(mm(number[0]["x0"]) - (LEFT + 156 / 28)) <= 0.8
    assert abs(number[0]["matrix"][5] - last[0]["matrix"][5]) < 0.5
    assert first[0]["matrix"][5] > last[0]["matrix"][5]  # 王明 a line above 李建国
    assert abs(mm(first[0]["x0"]) - mm(last[0]["x0"])) <= 0.3  # names aligned
    assert abs(label[-1]["matrix"][5] - first[0]["matrix"][5]) < 0.5
    assert mm(max(c["x1"] for c in last)) <= RIGHT - 156 / 28 + 1
    assert "Kai" in first[0]["fontname"] or "UKai" in first[0]["fontname"].replace("-", "")
    assert "Kai" not in label[0]["fontname"]


def test_sealed_on_behalf_four_six(behalf: dict[str, Any]) -> None:
    """四(六): the joint meeting's notice goes out under its own name with the health
    commission's seal, "（信阳市卫生健康委员会代章）" under the signature, the date below; one seal
    pressing all three."""
    seals = _seals(behalf)
    assert len(seals) == 1
    page = next(p for p in behalf["pages"] if p["images"])
    signer = _span(_find(page, samples.MEETING, last=True))  # not the masthead's
    on_behalf = _span(_find(page, "（信阳市卫生健康委员会代章）"))
    date = _span(_find(page, "2024年3月1日"))
    assert signer[1] < on_behalf[1] < date[1]
    box = seals[0][1]
    for span in (signer, on_behalf, date):
        centre = ((span[0] + span[2]) / 2, (span[1] + span[3]) / 2)
        assert box[0] <= centre[0] <= box[2] and box[1] <= centre[1] <= box[3] + 3


def test_draft_without_number_or_seals(draft: dict[str, Any]) -> None:
    """§7.3.5.2: an unsealed draft prints the organs' names (lead first, right two characters
    in) and the date, no seal; no 发文字号 while unnumbered."""
    assert not any(p["images"] for p in draft["pages"])
    text = "".join(p["text"] for p in draft["pages"])
    assert "〔" not in text
    page = draft["pages"][-1]
    lead = _span(_find(page, samples.HEALTH))
    second = _span(_find(page, samples.ORGANS[2]))
    date = _span(_find(page, "2024年4月1日"))
    assert lead[1] < second[1] < date[1]
    for span in (lead, second):
        assert abs(span[2] - (RIGHT - 2 * 156 / 28)) <= 1
    assert (
        abs(date[0] - (min(lead[0], second[0]) + 2 * 156 / 28)) <= 1
        or abs(date[2] - (RIGHT - 2 * 156 / 28)) <= 1
    )
