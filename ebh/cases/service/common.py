"""What the cases services share: access checks, optimistic locking, audit and signal helpers."""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from ebh.audit.service import record
from ebh.auth.access import CASE_ROLES, require_role, require_same_office
from ebh.auth.models import User
from ebh.cases.models import (
    Case,
    Person,
)
from ebh.cases.signals import case_changed, person_changed
from ebh.extensions import db
from ebh.kit.errors import ConflictError, UserError
from ebh.kit.validation import MIN_DATE

#: Earliest plausible date of a case receipt.
MIN_CASE_DATE = dt.date(1990, 1, 1)
MAX_NOTE_LENGTH = 5000
MAX_REASON_LENGTH = 5000


def today() -> dt.date:
    return dt.date.today()


def require_case_role(actor: User) -> User:
    """The actor may work on individual cases (caseworker, supervisor, admin); 403 otherwise."""
    return require_role(actor, *CASE_ROLES)


def _person(actor: User, person_id: int) -> Person:
    return require_same_office(actor, db.session.get(Person, person_id), "Person")


def _case(actor: User, case_id: int) -> Case:
    return require_same_office(actor, db.session.get(Case, case_id), "Fall")


def _case_child(actor: User, model: type, row_id: int, entity: str) -> Any:
    row = db.session.get(model, row_id)
    require_same_office(actor, row.case if row is not None else None, entity)
    return row


def _person_child(actor: User, model: type, row_id: int, entity: str) -> Any:
    row = db.session.get(model, row_id)
    owner = db.session.get(Person, row.person_id) if row is not None else None
    require_same_office(actor, owner, entity)
    return row


def _writes(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run a service without autoflush: a lazy load in the middle of a change must not flush half of it
    (that would also hide the change from :func:`changes_of` and the audit log). Services flush explicitly."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with db.session.no_autoflush:
            return func(*args, **kwargs)

    return wrapper


def _check_version(obj: Any, version: int | str | None, what: str) -> None:
    if version in (None, ""):
        return
    try:
        expected = int(version)
    except (TypeError, ValueError):
        raise UserError(_("Ungültige Versionsangabe."), "version") from None
    if expected != obj.version:
        raise ConflictError(_conflict_message(what))


def _conflict_message(what: str) -> str:
    return _(
        "%(what)s wurde inzwischen von jemand anderem geändert. Ihre Änderungen wurden nicht gespeichert. "
        "Bitte laden Sie die Seite neu und tragen Sie Ihre Änderungen erneut ein.",
        what=what,
    )


def _flush(what: str) -> None:
    """Flush; a concurrent change between load and save (stale version) becomes a :class:`ConflictError`."""
    try:
        db.session.flush()
    except StaleDataError:
        raise ConflictError(_conflict_message(what)) from None


def _birth_bound(person: Person) -> tuple[dt.date, str | None]:
    if person.date_of_birth:
        return person.date_of_birth, _("dem Geburtsdatum")
    return MIN_DATE, None


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else "offen"


def _person_event(actor: User, action: str, entity: str, entity_id: int | None, person: Person, summary: str,
                  changes: dict[str, Any] | None = None) -> None:
    record(actor, action, entity, entity_id, person_id=person.id, summary=summary, changes=changes)


def _case_event(actor: User, action: str, entity: str, entity_id: int | None, case: Case, summary: str,
                changes: dict[str, Any] | None = None) -> None:
    record(actor, action, entity, entity_id, case_id=case.id, person_id=case.person_id, summary=summary,
           changes=changes)


def _person_changed(actor: User, person: Person) -> None:
    person_changed.send(person, actor=actor)


def _case_changed(actor: User, case: Case) -> None:
    case_changed.send(case, actor=actor)
