import os

import dj_database_url

from .base import DATA_DIR
from .env import PRODUCTION, env_str

# Production refuses to start without DATABASE_URL rather than fall back to a local SQLite file.
_url = env_str("DATABASE_URL", None if PRODUCTION else "")
# Each test run gets its own test database, so runs side by side (or a run beside a live
# server) never share one. Processes a test starts are handed the name in DATABASE_URL.
_test_suffix = os.environ.get("LIANXI_TEST_DB_SUFFIX", str(os.getpid()))

if _url:
    DATABASES = {"default": dj_database_url.parse(_url, conn_max_age=60, conn_health_checks=True)}
    DATABASES["default"]["TEST"] = {"NAME": f"test_lianxi_{_test_suffix}"}
else:
    # The embedded default: one SQLite file in WAL mode. IMMEDIATE transactions take the write
    # lock at BEGIN, so two writers wait for each other instead of failing mid-transaction.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "lianxi.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
            # A file, not memory: tests that start other processes (the worker) must open it.
            "TEST": {"NAME": str(DATA_DIR / f"test_lianxi_{_test_suffix}.sqlite3")},
        }
    }
