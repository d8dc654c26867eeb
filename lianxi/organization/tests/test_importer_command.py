"""`lianxi import_rules PATH [--dry-run] [--format json]` (annex; 四(一))."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lianxi.core.models import AuditEvent
from lianxi.organization.models import Duty, RulesDocument, Unit

from .test_importer import DATA, SEED, SEED_UNITS

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_rules", *args, stdout=out)
    return out.getvalue()


def test_dry_run_json_of_the_seed_is_exact_and_writes_nothing():
    """附件: 15 units in order, 50 duties, the wrapped duty joined; nothing written."""
    data = json.loads(run(str(SEED), "--dry-run", "--format", "json"))
    assert data["document_number"] == "信卫职健〔2023〕5号"
    assert data["issuer"] == "信阳市卫生健康委员会"
    assert data["title"] == "信阳市职业病防治工作部门间联席会议制度工作规则"
    assert [(u["name"], len(u["duties"])) for u in data["units"]] == SEED_UNITS
    assert sum(len(u["duties"]) for u in data["units"]) == 50
    eleventh = data["units"][0]["duties"][10]
    assert eleventh["number"] == 11
    assert eleventh["text"].startswith("负责放射卫生监督管理工作")
    assert eleventh["text"].endswith("医疗应急；")
    assert any(c["anchor"] == "四(一)" for c in data["clauses"])
    assert Unit.objects.count() == 0
    assert RulesDocument.objects.count() == 0


def test_json_is_printed_without_ascii_escapes():
    output = run(str(SEED), "--dry-run", "--format", "json")
    assert "市卫生健康委" in output
    assert "\\u" not in output


def test_text_summary_in_chinese_then_import_then_nothing_to_do():
    """附件: the summary names the counts; a second import says there is nothing to update."""
    preview = run(str(SEED), "--dry-run")
    assert "预览（--dry-run，未写入）" in preview
    assert "成员单位 15 个，职责 50 项" in preview
    assert "新增单位 市卫生健康委（12 项职责）" in preview
    assert Unit.objects.count() == 0

    imported = run(str(SEED))
    assert imported.startswith("已导入：xinyang-2023.txt")
    assert Duty.objects.filter(valid_to__isnull=True).count() == 50
    assert AuditEvent.objects.filter(action="rules.import").count() == 1

    again = run(str(SEED))
    assert "没有需要更新的内容" in again
    assert AuditEvent.objects.filter(action="rules.import").count() == 1


def test_revised_document_dry_run_lists_changes():
    run(str(SEED))
    preview = run(str(DATA / "xinyang-2024-revised.txt"), "--dry-run")
    assert "新增单位 1 个，新增职责 2 项，修改职责 2 项，删除职责 1 项" in preview
    assert "+ 新增单位 市司法局（2 项职责）" in preview
    assert "支持职业病防治科技成果转化应用" in preview
    assert not Unit.objects.filter(name="市司法局").exists()


def test_gb18030_county_file_imports(tmp_path):
    output = run(str(DATA / "nanchuan-city-gb18030.txt"))
    assert "成员单位 12 个，职责 25 项" in output
    assert Unit.objects.filter(mechanism__name="南川市职业病防治工作部门间联席会议").count() == 13


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "文件是空的"),
        (b"\x00\x01\x02\x03binary\x00\x00", "不是文本"),
        ("今天天气很好。\n".encode(), "没有找到附件"),
        ("\n".join(SEED.read_text(encoding="utf-8").split("\n")[:216]).encode(), "第 216 行"),
    ],
    ids=["empty", "binary", "not-rules", "truncated"],
)
def test_bad_input_raises_command_error_and_writes_nothing(tmp_path, content, expected):
    path = tmp_path / "rules.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError) as info:
        run(str(path))
    assert expected in str(info.value)
    assert str(info.value).startswith("rules.txt：")
    assert Unit.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_missing_file():
    with pytest.raises(CommandError, match="文件不存在"):
        run("/nonexistent/rules.txt")


def test_command_line_exits_non_zero_without_traceback(tmp_path):
    """Through the real `lianxi` entry point: exit code 1, a Chinese message, no traceback."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes("\n".join(SEED.read_text(encoding="utf-8").split("\n")[:60]).encode())
    env = {**os.environ, "LIANXI_DATA_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "lianxi", "import_rules", str(bad), "--dry-run"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).parents[3],
        timeout=60,
    )
    assert result.returncode == 1
    assert "没有找到附件" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.slow
def test_a_newcomer_can_preview_before_the_database_is_set_up(tmp_path: Path) -> None:
    """四(一), issue 2: on a fresh clone, before `make run`, the dry run still answers exactly;
    a real import says in Chinese to migrate first — no traceback reaches the user."""
    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith(("LIANXI_", "DATABASE_URL"))}
    env.update({"LIANXI_ENV": "local", "LIANXI_DATA_DIR": str(tmp_path)})
    seed = str(Path(settings.LIANXI_DEFAULT_RULES))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "lianxi", "import_rules", seed, *args],
            env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
            check=False,
        )  # fmt: skip

    preview = run("--dry-run", "--format", "json")
    assert preview.returncode == 0, preview.stderr
    data = json.loads(preview.stdout)
    assert len(data["units"]) == 15 and sum(len(u["duties"]) for u in data["units"]) == 50
    text = run("--dry-run")
    assert text.returncode == 0 and "成员单位 15 个，职责 50 项" in text.stdout
    refused = run()
    assert refused.returncode != 0
    assert "先运行 `lianxi migrate`" in refused.stderr
    assert "Traceback" not in refused.stderr
