"""Who is acting and from where, for the duration of one request or command."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class AuditContext:
    ip: str | None = None


NO_CONTEXT = AuditContext()
current: ContextVar[AuditContext] = ContextVar("audit_context", default=NO_CONTEXT)
