import os

from .env import ENV, data_dir, env_bool, env_int, env_str

# Django 6.1's MAILERS (the EMAIL_* settings are deprecated). The notification worker sends
# through mailers["default"]; EMAIL_HOST/EMAIL_PORT in the environment point it elsewhere.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "127.0.0.1"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "use_ssl": env_bool("EMAIL_USE_SSL", False),
            "timeout": env_int("EMAIL_TIMEOUT", 20),
        },
    }
}
# `make run` (local mode) with no mail server named: each mail becomes a file in var/mail/
# (LIANXI_DATA_DIR/mail), listed and opened on the dead-letters page; nothing fails for want of
# a server on 127.0.0.1:25. Name EMAIL_HOST to send for real.
LIANXI_MAIL_DIR = ""
if ENV == "local" and not os.environ.get("EMAIL_HOST"):
    LIANXI_MAIL_DIR = str(data_dir() / "mail")
    MAILERS["default"] = {
        "BACKEND": "lianxi.notifications.mail_files.EmlFileBackend",
        "OPTIONS": {"file_path": LIANXI_MAIL_DIR},
    }
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "联席平台 <lianxi@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
