"""The audit log speaks Chinese (issue 18, "Pages"): every action code the code base records has a
label; an unknown code falls back to the code itself."""

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse

from lianxi.core.audit import audit_record
from lianxi.core.audit_labels import audit_action_label, audit_action_labels

ROOT = Path(__file__).resolve().parents[2]


def _recorded_actions() -> tuple[set[str], list[str]]:
    """Every ``action=`` given to ``audit_record`` in the code base (tests excluded): constants,
    ``a if c else b`` of constants, f-strings as patterns, and ``TABLE[key]`` where TABLE is a
    module-level dict literal (each of its values)."""
    codes: set[str] = set()
    patterns: list[str] = []
    tables: dict[str, ast.Dict] = {}

    def collect(value: ast.expr) -> None:
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            codes.add(value.value)
        elif isinstance(value, ast.IfExp):
            collect(value.body)
            collect(value.orelse)
        elif isinstance(value, ast.JoinedStr):
            parts = [
                re.escape(str(p.value)) if isinstance(p, ast.Constant) else "[a-z_]+"
                for p in value.values
            ]
            patterns.append("".join(parts))
        elif (
            isinstance(value, ast.Subscript)
            and isinstance(value.value, ast.Name)
            and value.value.id in tables
        ):
            for item in tables[value.value.id].values:
                collect(item)
        else:
            raise AssertionError(f"audit action not understood: {ast.unparse(value)}")

    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        module = ast.parse(path.read_text(encoding="utf-8"))
        tables = {
            target.id: statement.value
            for statement in module.body
            if isinstance(statement, ast.Assign | ast.AnnAssign)
            and isinstance(statement.value, ast.Dict)
            for target in (
                statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            )
            if isinstance(target, ast.Name)
        }
        for node in ast.walk(module):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name != "audit_record":
                continue
            for keyword in node.keywords:
                if keyword.arg == "action":
                    collect(keyword.value)
    return codes, patterns


def test_every_recorded_action_has_a_chinese_label() -> None:
    codes, patterns = _recorded_actions()
    assert len(codes) > 50  # the collector found the code base's calls
    labels = audit_action_labels()
    missing = sorted(code for code in codes if code not in labels)
    assert not missing, (
        f"audit actions without a label (add them to the app's audit_labels.py): {missing}"
    )
    for pattern in patterns:
        assert any(re.fullmatch(pattern, code) for code in labels), pattern
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in labels.values())


def test_unknown_code_falls_back_to_the_code() -> None:
    assert audit_action_label("incident.view") == "查看事故"
    assert audit_action_label("something.new") == "something.new"


@pytest.mark.django_db
def test_audit_log_shows_labels_not_codes(login, auditor, clerk, health) -> None:
    audit_record(actor=clerk, action="incident.view", target=health)
    audit_record(actor=clerk, action="something.new", target=health)
    response = login(auditor).get(reverse("core:audit"))
    page = response.content.decode()
    assert "查看事故" in page
    assert "<code>incident.view</code>" not in page
    assert "something.new" in page
    # The filter offers the labels too.
    assert '<option value="incident.view">查看事故</option>' in page
