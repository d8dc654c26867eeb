"""The four heading levels of an official document's body (GB/T 9704-2012 §7.3.3).

结构层次序数: 第一层 "一、"（黑体），第二层 "（一）"（楷体），
第三层 "1."（仿宋），第四层 "（1）"（仿宋）.
A paragraph's level is read from how it begins; 0 is an ordinary paragraph. The documents app, its
.docx import and both renderers read levels here, so they never disagree.
"""

from __future__ import annotations

import re

_CN = "一二三四五六七八九十百零"
_LEVELS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^[{_CN}]+、")),
    (2, re.compile(rf"^[（(][{_CN}]+[）)]")),
    (3, re.compile(r"^[0-9０-９]+[.．](?![0-9０-９])")),
    (4, re.compile(r"^[（(][0-9０-９]+[）)]")),
)

# The font role of each level: level 1 黑体, level 2 楷体, levels 3–4 and the body 仿宋.
LEVEL_ROLE = {0: "body", 1: "heading1", 2: "heading2", 3: "body", 4: "body"}


def heading_level(text: str) -> int:
    """1 for "一、…", 2 for "（一）…", 3 for "1.…", 4 for "（1）…", 0 otherwise."""
    stripped = text.lstrip("\u3000 \t")
    for level, pattern in _LEVELS:
        if pattern.match(stripped):
            return level
    return 0


def heading_run(text: str) -> tuple[str, str]:
    """(the heading's own words, the rest of the paragraph): a level-1 or level-2 heading that
    goes on after its first 。 in the same paragraph is set in the heading's font only up to
    there (as custom has it: "（一）加强组织领导。各单位要……")."""
    if heading_level(text) not in (1, 2):
        return text, ""
    head, sep, rest = text.partition("。")
    if not sep or not rest.strip():
        return text, ""
    return head + sep, rest
