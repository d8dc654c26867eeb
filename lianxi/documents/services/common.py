"""What the documents services share: the input checks, the text hash, who is told."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence

from django.urls import reverse

from lianxi.core.exceptions import ApplicationError
from lianxi.core.text import clean_text
from lianxi.organization.models import Membership, Unit

from ..models import DocumentVersion, OfficialDocument

TITLE_MAX = 200
PARAGRAPH_MAX = 5_000
PARAGRAPHS_MAX = 500
ATTACHMENTS_MAX = 30
ATTACHMENT_MAX = 100
NOTE_MAX = 200
NAME_MAX = 100


_BLANK_LINE = re.compile(r"\n[ \t\u3000]*\n")


def split_paragraphs(text: str) -> list[str]:
    """A body typed or posted as plain text, as paragraphs: separated by blank lines when it has
    any (the lines of one paragraph joined, as a Chinese text wraps without spaces), else one
    paragraph per line. Full-width indent spaces at the start are dropped."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    if _BLANK_LINE.search(text):
        blocks = [
            "".join(line.strip() for line in block.split("\n")) for block in _BLANK_LINE.split(text)
        ]
    else:
        blocks = text.split("\n")
    return [block.strip(" \t\u3000") for block in blocks if block.strip(" \t\u3000")]


def clean_paragraphs(paragraphs: Sequence[str]) -> list[str]:
    cleaned = []
    for n, paragraph in enumerate(paragraphs, start=1):
        value = (paragraph or "").strip(" \t\u3000\n")
        if not value:
            continue
        cleaned.append(clean_text(value, f"正文第 {n} 段", PARAGRAPH_MAX))
    if not cleaned:
        raise ApplicationError("请填写正文。", field="body")
    if len(cleaned) > PARAGRAPHS_MAX:
        raise ApplicationError(f"正文不能超过 {PARAGRAPHS_MAX} 段。", field="body")
    return cleaned


def clean_attachments(names: Sequence[str]) -> list[str]:
    cleaned = [
        clean_text(name, f"附件 {n} 的名称", ATTACHMENT_MAX)
        for n, name in enumerate(names, start=1)
        if (name or "").strip()
    ]
    if len(cleaned) > ATTACHMENTS_MAX:
        raise ApplicationError(f"附件不能超过 {ATTACHMENTS_MAX} 个。", field="attachments")
    return cleaned


def text_sha256(
    *, title: str, paragraphs: Sequence[str], attachments: Sequence[str], note: str
) -> str:
    """What a reader of the text sees, hashed: a co-signature binds it (四(五))."""
    payload = json.dumps(
        {
            "title": title,
            "paragraphs": list(paragraphs),
            "attachments": list(attachments),
            "note": note,
        },
        ensure_ascii=False,
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def document_url(document: OfficialDocument) -> str:
    return reverse("documents:detail", args=[document.pk])


def mechanism_units(actor: Membership, ids: Iterable[int], label: str) -> list[Unit]:
    """The units `ids` names, in the given order, each of the actor's joint meeting and in the
    register; a unit named twice or of another joint meeting is refused."""
    wanted = [int(i) for i in ids]
    if len(set(wanted)) != len(wanted):
        raise ApplicationError(f"{label}中有重复的单位。")
    found = {
        u.pk: u
        for u in Unit.objects.filter(
            pk__in=wanted, mechanism_id=actor.unit.mechanism_id, active=True
        )
    }
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ApplicationError(f"{label}中有不属于本联席会议的单位（编号 {missing[0]}）。")
    return [found[i] for i in wanted]


def current_version(document: OfficialDocument) -> DocumentVersion:
    return document.versions.get(number=document.version)
