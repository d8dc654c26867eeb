"""Where the current request came from, for the audit trail, without passing it everywhere."""

from contextvars import ContextVar

client_ip: ContextVar[str] = ContextVar("client_ip", default="")
