"""Authorization primitives used by every service: deny by default, role checks, office scoping.

A caseworker of office A asking for an object of office B gets :class:`NotFound` (404), not 403,
so that ids cannot be probed. Each refusal is written to the audit log.
"""
from __future__ import annotations

from typing import Any

from werkzeug.exceptions import Forbidden, NotFound

from ebh.auth.models import Role, User


class AccessDenied(Forbidden):
    description = "Sie haben keine Berechtigung für diese Aktion."


class ObjectNotFound(NotFound):
    description = "Der Eintrag wurde nicht gefunden."


#: Roles that may read and write personal data of individual cases.
CASE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.ADMIN)


def require_user(actor: User | None) -> User:
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.active:
        raise AccessDenied()
    return actor


def require_role(actor: User | None, *roles: Role) -> User:
    user = require_user(actor)
    if user.role not in roles:
        _audit_denied(user, f"Rolle {user.role.value} nicht berechtigt")
        raise AccessDenied()
    return user


def require_same_office(actor: User, obj: Any, entity: str = "object") -> Any:
    """Return ``obj`` if it exists and belongs to the actor's office, else raise 404."""
    if obj is None:
        raise ObjectNotFound()
    if getattr(obj, "office_id", None) != actor.office_id:
        _audit_denied(actor, f"Zugriff auf {entity} {getattr(obj, 'id', '?')} einer anderen Behörde")
        raise ObjectNotFound()
    return obj


def _audit_denied(actor: User, summary: str) -> None:
    from ebh.audit.service import record_security_event

    record_security_event(actor, "access_denied", summary)
