"""`make test`: the whole suite on the database DATABASE_URL names (SQLite when unset).

Writes var/test-run-<vendor>.json with the counts, which .ci/run reads to prove that the
PostgreSQL run really happened.
"""

import json
import os
import sys
import time
from pathlib import Path

import pytest


class _Counter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
            self.counts[report.outcome] = self.counts.get(report.outcome, 0) + 1


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    vendor = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    if vendor == "sqlite":
        print(
            "测试数据库：SQLite（嵌入式）。PostgreSQL 测试已跳过："
            "设置 DATABASE_URL=postgres://… 后再运行 make test 即在 PostgreSQL 上测试。",
            flush=True,
        )
    else:
        print(f"测试数据库：PostgreSQL（{url.split('@')[-1]}）", flush=True)
    counter = _Counter()
    started = time.monotonic()
    code = pytest.main([*sys.argv[1:]], plugins=[counter])
    seconds = round(time.monotonic() - started, 1)
    print(f"测试用时：{seconds} 秒（{vendor}）", flush=True)
    data_dir = Path(
        os.environ.get("LIANXI_DATA_DIR", Path(__file__).resolve().parent.parent / "var")
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / f"test-run-{vendor}.json").write_text(
        json.dumps(
            {"vendor": vendor, "exit_code": int(code), "seconds": seconds, **counter.counts}
        ),
        encoding="utf-8",
    )
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
