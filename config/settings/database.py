import dj_database_url

from .env import env_str
from .base import DATA_DIR

_url = env_str("DATABASE_URL", "")

if _url:
    DATABASES = {"default": dj_database_url.parse(_url, conn_max_age=60, conn_health_checks=True)}
else:
    # The embedded default: one SQLite file in WAL mode. IMMEDIATE transactions take the write
    # lock at BEGIN, so two writers wait for each other instead of failing mid-transaction.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "lianxi.sqlite3",
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
            },
            # Tests that start other processes (the worker) need a database file they can open.
            "TEST": {"NAME": str(DATA_DIR / "test_lianxi.sqlite3")},
        }
    }
