"""Authorization primitives used by every service: deny by default, role checks, office scoping.

Usage in a service (never only in the view)::

    def get_case(actor, case_id):
        require_role(actor, *CASE_ROLES)                 # 403 for campaign staff
        case = require_same_office(actor, db.session.get(Case, case_id), "case")   # 404 for office B
        record(actor, "read", "case", case.id, case_id=case.id, summary=f"Fall {case.file_number} angezeigt")
        return case

A user of office A asking for an object of office B gets :class:`ObjectNotFound` (404), not 403,
so that ids cannot be probed. Each refusal is written to the audit log (in a transaction of its
own, so it survives the rollback of the refused request). See docs/security.md for the role matrix.
"""
from __future__ import annotations

from typing import Any

from werkzeug.exceptions import Forbidden, NotFound

from ebh.auth.models import Role, User


class AccessDenied(Forbidden):
    description = "Sie haben keine Berechtigung für diese Aktion."


class ObjectNotFound(NotFound):
    description = "Der Eintrag wurde nicht gefunden."


#: Roles that may read and write personal data of individual cases (persons, cases, documents, notes).
CASE_ROLES = (Role.CASEWORKER, Role.SUPERVISOR, Role.ADMIN)
#: Roles that may run letter campaigns (batches over many persons, no individual case files).
CAMPAIGN_ROLES = (Role.CAMPAIGN, Role.SUPERVISOR, Role.ADMIN)
#: Roles that may read the audit log and office-wide reports.
AUDIT_ROLES = (Role.SUPERVISOR, Role.ADMIN)
REPORT_ROLES = AUDIT_ROLES
#: Roles that administer the users of their office.
ADMIN_ROLES = (Role.ADMIN,)


def require_user(actor: User | None) -> User:
    """The actor must be a logged-in, active user (403 otherwise)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.active:
        raise AccessDenied()
    return actor


def require_role(actor: User | None, *roles: Role) -> User:
    """The actor must have one of ``roles`` (403 otherwise, audited)."""
    user = require_user(actor)
    if user.role not in roles:
        _audit_denied(user, f"Rolle {user.role.value} nicht berechtigt")
        raise AccessDenied()
    return user


def require_same_office(actor: User, obj: Any, entity: str = "object") -> Any:
    """Return ``obj`` if it exists and belongs to the actor's office, else raise 404 (audited)."""
    require_user(actor)
    if obj is None:
        raise ObjectNotFound()
    if getattr(obj, "office_id", None) != actor.office_id:
        _audit_denied(actor, f"Zugriff auf {entity} {getattr(obj, 'id', '?')} einer anderen Behörde")
        raise ObjectNotFound()
    return obj


def _audit_denied(actor: User, summary: str) -> None:
    from ebh.audit.service import record_security_event

    record_security_event(actor, "access_denied", summary)
