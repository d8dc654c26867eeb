"""POST /api/v1/rules/import: the secretariat imports a rules document (annex; 四(一)).

With ``dry_run`` it returns the parse result and the plan and writes nothing; without, it
applies the plan all or nothing. Other roles are refused; a bad file gets a Chinese 400.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lianxi.core.models import AuditEvent
from lianxi.organization.importer import parse_rules
from lianxi.organization.models import Clause, Duty, RulesDocument, Unit
from lianxi.organization.services import rules_import_apply

SEED = Path(__file__).resolve().parents[2] / "organization" / "rules" / "xinyang-2023.txt"
OLD_DUTY = "将职业健康关键技术及研究、职业病防治关键技术研究等纳入市科技发展专项相关计划。"
NEW_DUTY = "将职业健康关键技术研究纳入市科技发展专项计划，并支持成果转化。"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def snapshot() -> tuple[int, ...]:
    return (
        RulesDocument.objects.count(),
        Clause.objects.count(),
        Unit.objects.count(),
        Duty.objects.count(),
        # A token's use is audited (api.token_used) even when its request changes nothing.
        AuditEvent.objects.exclude(action__startswith="api.token_").count(),
    )


@pytest.fixture
def seed_imported(mechanism: Any, clerk: Any) -> Any:
    """The seed applied once, so that a revised document shows only what it revises."""
    return rules_import_apply(
        parsed=parse_rules(SEED.read_bytes(), filename=SEED.name),
        actor=clerk.membership,
        source_name=SEED.name,
    )


def revised_seed() -> bytes:
    text = SEED.read_text(encoding="utf-8")
    assert OLD_DUTY in text
    return text.replace(OLD_DUTY, NEW_DUTY).encode("gb18030")


def test_secretariat_dry_run_previews_a_revision_and_writes_nothing(
    seed_imported: Any, clerk: Any, api_as: Callable[[Any], Client]
) -> None:
    """四(一): a revised duty shows up in the plan; nothing is applied on a dry run."""
    client = api_as(clerk)
    before = snapshot()
    response = client.post(
        "/api/v1/rules/import",
        {"file": upload("规则修订.txt", revised_seed()), "dry_run": "true"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is True and body["applied"] is False
    assert len(body["parsed"]["units"]) == 15
    assert sum(len(u["duties"]) for u in body["parsed"]["units"]) == 50
    assert body["parsed"]["document_number"] == "信卫职健〔2023〕5号"
    assert body["plan"]["changed_duties"] == [
        {"unit": "市科技局", "number": 1, "label": "", "old_text": OLD_DUTY, "new_text": NEW_DUTY}
    ]
    assert body["plan"]["new_units"] == []
    assert snapshot() == before


def test_secretariat_applies_a_revision(
    seed_imported: Any, clerk: Any, api_as: Callable[[Any], Client]
) -> None:
    """annex: a changed duty is versioned, the old text kept with its validity dates."""
    documents = RulesDocument.objects.count()
    response = api_as(clerk).post(
        "/api/v1/rules/import", {"file": upload("规则修订.txt", revised_seed())}
    )
    assert response.status_code == 200, response.content
    assert response.json()["applied"] is True
    assert RulesDocument.objects.count() == documents + 1
    duties = Duty.objects.filter(unit__name="市科技局").order_by("valid_from", "id")
    # The factory's placeholder text came first, then the seed's, now the revision.
    assert [(d.text, d.valid_to is None) for d in duties][-2:] == [
        (OLD_DUTY, False),
        (NEW_DUTY, True),
    ]
    assert RulesDocument.objects.order_by("-id").first().source_name == "规则修订.txt"  # type: ignore[union-attr]
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None and event.actor_name == "王秘书" and event.unit_name == "市卫生健康委"


@pytest.mark.parametrize(
    "persona", ["other_liaison", "health_liaison", "health_member", "gov_reader", "outsider"]
)
def test_only_the_secretariat_may_import(
    request: pytest.FixtureRequest, mechanism: Any, api_as: Callable[[Any], Client], persona: str
) -> None:
    """四(一): only the joint meeting's office imports the rules."""
    client = api_as(request.getfixturevalue(persona))
    before = snapshot()
    response = client.post(
        "/api/v1/rules/import", {"file": upload("seed.txt", SEED.read_bytes()), "dry_run": "1"}
    )
    assert response.status_code == 403
    assert response.json()["detail"] in {
        "只有联席会议办公室可以导入制度文件。",
        "您的账号未绑定任何单位，请联系联席会议办公室。",
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    "authorization", [None, "Bearer lx_wrong"], ids=["no-token", "wrong-token"]
)
def test_import_needs_a_token(mechanism: Any, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = Client(headers=headers).post(
        "/api/v1/rules/import", {"file": upload("seed.txt", SEED.read_bytes())}
    )
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("empty.txt", b""),
        ("binary.bin", bytes(range(256)) * 8),
        ("note.txt", "今天下午三点开会，请准时参加。\n".encode()),
        ("truncated.docx", b"PK\x03\x04" + b"\x00" * 40),
    ],
    ids=["empty", "binary", "not-rules", "truncated-docx"],
)
def test_a_bad_file_gets_a_chinese_400_and_changes_nothing(
    mechanism: Any, clerk: Any, api_as: Callable[[Any], Client], name: str, data: bytes
) -> None:
    client = api_as(clerk)
    before = snapshot()
    response = client.post("/api/v1/rules/import", {"file": upload(name, data)})
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detail), detail
    assert "Traceback" not in detail
    assert snapshot() == before


def test_a_missing_file_is_a_422_in_chinese(
    mechanism: Any, clerk: Any, api_as: Callable[[Any], Client]
) -> None:
    response = api_as(clerk).post("/api/v1/rules/import", {"dry_run": "true"})
    assert response.status_code == 422
    assert response.json()["detail"] == "请求参数有误。"
