from .env import env_str

# Background work through Django's tasks API. The database queue needs no other service;
# LIANXI_TASKS_BACKEND can name another backend (e.g. django-tasks-rq on Redis) for scale-out.
TASKS = {
    "default": {
        "BACKEND": env_str("LIANXI_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
