"""The case list: search by name, file number and date of birth; filters, sorting and pagination.

Built to stay fast at 1,000,000 persons:

* Names are matched through :class:`PersonSearchToken` with an index range ``token >= q AND token < q_next``
  (a prefix match on the covering index ``(office_id, token, person_id)``), never ``LIKE '%q%'``.
* Every sort order has an index starting with ``office_id`` (``received_on``, ``file_number``,
  ``sort_name``, ``status``, ``due_on``), so the first page is read from the index with ``LIMIT``.
* The total is counted only up to :data:`COUNT_CAP` rows ("mehr als 1.000 Treffer"); paging asks for
  one row more than the page to know whether there is a next page.
* Person and caseworker are loaded in the same query (no N+1).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, joinedload

from ebh.auth.access import CASE_ROLES, require_role
from ebh.auth.models import User
from ebh.cases import workflow
from ebh.cases.models import Case, CaseType, Person, PersonSearchToken
from ebh.cases.names import fold
from ebh.extensions import db

COUNT_CAP = 1000
#: Up to this many matching persons a name search starts from the persons; beyond, from the sorted index.
FEW_PERSONS = 1000
MAX_PAGE = 10_000


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "extract now, translate later"
    """Marks a string for the catalogue; the template translates it with ``_(label)`` when rendering."""
    return message


SORTS = {
    # key: (label, default descending)
    "received": (N_("Eingang"), True),
    "file_number": (N_("Aktenzeichen"), False),
    "name": (N_("Name"), False),
    "status": (N_("Status"), False),
    "due": (N_("Fälligkeit"), False),
}
_GERMAN_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


class SearchError(ValueError):
    def __init__(self, message: str, field: str = "q") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def sort_name(family_name: str, given_names: str) -> str:
    """The folded name a case sorts by (``Case.sort_name``)."""
    return fold(f"{family_name} {given_names}")[:200]


@dataclasses.dataclass
class CaseQuery:
    q: str = ""
    status: str = ""
    case_type: str = ""
    #: A user id, or "none" for unassigned cases.
    assigned_to: str = ""
    overdue: bool = False
    #: A key of SORTS; "" = by due date for the overdue filter, else by receipt.
    sort: str = ""
    #: "asc", "desc" or "" for the sort's default direction.
    direction: str = ""
    page: int = 1
    per_page: int = 25


@dataclasses.dataclass
class ParsedQuery:
    name_tokens: list[str]
    file_number: str | None
    date_of_birth: dt.date | None


@dataclasses.dataclass
class Page:
    items: list[Any]
    number: int
    per_page: int
    has_next: bool
    #: Number of hits, counted at most up to COUNT_CAP.
    total: int
    total_capped: bool

    @property
    def pages(self) -> int:
        counted = max(1, -(-self.total // self.per_page))
        return max(counted, self.number + (1 if self.has_next else 0))


def parse_date(text: str) -> dt.date | None:
    """Parse 17.05.1990 (German) or 1990-05-17; None if the text is not shaped like a date."""
    match = _GERMAN_DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO_DATE.match(text)
        if not match:
            return None
        year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise SearchError(_("„%(text)s“ ist kein gültiges Datum.", text=text)) from None


def parse_query(q: str) -> ParsedQuery:
    """Split the search text into name tokens, a file-number prefix and a date of birth."""
    names: list[str] = []
    file_number = None
    dob = None
    for part in q.split()[:10]:
        date = parse_date(part)
        if date is not None:
            dob = date
        elif any(ch.isdigit() for ch in part):
            file_number = part.upper()[:40]
        else:
            names.extend(t[:100] for t in fold(part).split())
    return ParsedQuery(names[:5], file_number, dob)


def _prefix_range(column: Any, prefix: str) -> Any:
    """``column >= prefix AND column < prefix_next``: an index range instead of LIKE."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return sa.and_(column >= prefix, column < upper)


def _name_filter(office_id: int, token: str) -> Any:
    return (
        sa.select(PersonSearchToken.person_id)
        .where(PersonSearchToken.office_id == office_id, _prefix_range(PersonSearchToken.token, token))
    )


def open_clause() -> Any:
    """SQL condition: the case is not in a terminal status of its family."""
    return sa.or_(
        *(sa.and_(Case.family == family, Case.status.not_in(keys)) for family, keys in workflow.TERMINAL_KEYS.items())
    )


def _persons_named(office_id: int, names: list[str]) -> Any:
    """Person ids matching every name token: one covering-index range per token, intersected once."""
    selects = [_name_filter(office_id, token) for token in names]
    return selects[0] if len(selects) == 1 else sa.intersect(*selects)


def _common_name(office_id: int, parsed: ParsedQuery) -> bool:
    """True if the name tokens match more than :data:`FEW_PERSONS` persons (a cheap, capped index count)."""
    if not parsed.name_tokens:
        return False
    limited = sa.select(sa.literal_column("1")).select_from(
        _persons_named(office_id, parsed.name_tokens).subquery()).limit(FEW_PERSONS + 1).subquery()
    return (db.session.scalar(sa.select(sa.func.count()).select_from(limited)) or 0) > FEW_PERSONS


def _filtered(actor: User, query: CaseQuery, parsed: ParsedQuery, *, scan_sorted: bool = False) -> sa.Select:
    """The filtered case query.

    ``scan_sorted`` (for names that match many persons): ``person_id + 0`` keeps the database from driving
    the query through ``ix_cases_person_id`` (thousands of lookups, then a sort); it reads the index of the
    sort order instead and stops after one page of matches.
    """
    stmt = sa.select(Case).join(Case.person).where(Case.office_id == actor.office_id)
    person_column = (Case.person_id + 0) if scan_sorted else Case.person_id
    if parsed.name_tokens:
        stmt = stmt.where(person_column.in_(_persons_named(actor.office_id, parsed.name_tokens)))
    if parsed.file_number:
        stmt = stmt.where(_prefix_range(Case.file_number, parsed.file_number))
    if parsed.date_of_birth:
        stmt = stmt.where(Person.date_of_birth == parsed.date_of_birth, Person.office_id == actor.office_id)
    if query.status:
        stmt = stmt.where(Case.status == query.status)
    if query.case_type:
        try:
            stmt = stmt.where(Case.case_type == CaseType(query.case_type))
        except ValueError:
            raise SearchError(_("Unbekannte Verfahrensart."), "case_type") from None
    if query.assigned_to == "none":
        stmt = stmt.where(Case.assigned_to_id.is_(None))
    elif query.assigned_to:
        try:
            stmt = stmt.where(Case.assigned_to_id == int(query.assigned_to))
        except ValueError:
            raise SearchError(_("Unbekannte Sachbearbeitung."), "assigned_to") from None
    if query.overdue:
        stmt = stmt.where(Case.due_on < dt.date.today(), open_clause())
    return stmt


def _order(query: CaseQuery) -> list[Any]:
    if query.sort not in SORTS:
        raise SearchError(_("Unbekannte Sortierung."), "sort")
    descending = SORTS[query.sort][1] if query.direction not in ("asc", "desc") else query.direction == "desc"

    def d(column: Any) -> Any:
        return column.desc() if descending else column.asc()

    if query.sort == "received":
        return [d(Case.received_on), d(Case.id)]
    if query.sort == "file_number":
        return [d(Case.file_number)]
    if query.sort == "name":
        return [d(Case.sort_name), d(Case.id)]
    if query.sort == "status":
        return [d(Case.status), d(Case.received_on), d(Case.id)]
    return [d(Case.due_on), d(Case.id)]  # only for rows with a due date, see _due_page


def search_cases(actor: User, query: CaseQuery) -> Page:
    """One page of the office's case list for ``query``; audits that the list was read."""
    require_role(actor, *CASE_ROLES)
    page = min(max(1, int(query.page or 1)), MAX_PAGE)
    per_page = min(max(1, int(query.per_page or 25)), 100)
    parsed = parse_query(query.q or "")
    if not query.sort:
        query = dataclasses.replace(query, sort="due" if query.overdue else "received")
    base = _filtered(actor, query, parsed)
    # Sorting by name: the matches of a name search cluster in the name index, so start from the persons.
    scan_sorted = query.sort != "name" and _common_name(actor.office_id, parsed)
    ordered = _filtered(actor, query, parsed, scan_sorted=scan_sorted)
    ordered = ordered.options(contains_eager(Case.person), joinedload(Case.assigned_to)).order_by(*_order(query))
    offset = (page - 1) * per_page
    if query.sort == "due":
        rows = _due_page(base, ordered, offset, per_page + 1)
    else:
        rows = list(db.session.scalars(ordered.offset(offset).limit(per_page + 1)).unique())
    has_next = len(rows) > per_page
    items = rows[:per_page]
    if page == 1 and not has_next:
        total, capped = len(items), False
    else:
        limited = base.with_only_columns(Case.id).order_by(None).limit(COUNT_CAP + 1).subquery()
        total = db.session.scalar(sa.select(sa.func.count()).select_from(limited)) or 0
        capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)
    from ebh.audit.service import record

    record(actor, "read", "case_list", None, summary=f"Fallliste gelesen (Seite {page}, {len(items)} Fälle)")
    return Page(items, page, per_page, has_next, total, capped)


def _due_page(base: sa.Select, ordered: sa.Select, offset: int, limit: int) -> list[Case]:
    """Sort by due date with undated cases last, in two index-friendly parts (no ``due_on IS NULL`` sort key)."""
    dated = list(db.session.scalars(ordered.where(Case.due_on.is_not(None)).offset(offset).limit(limit)).unique())
    if len(dated) == limit:
        return dated
    if dated:
        skip = 0
    else:
        counted = base.with_only_columns(Case.id).where(Case.due_on.is_not(None)).order_by(None).subquery()
        skip = offset - (db.session.scalar(sa.select(sa.func.count()).select_from(counted)) or 0)
    undated = ordered.where(Case.due_on.is_(None)).order_by(None).order_by(Case.id.desc())
    return dated + list(db.session.scalars(undated.offset(max(0, skip)).limit(limit - len(dated))).unique())


def search_persons(actor: User, q: str, limit: int = 10) -> list[Person]:
    """Persons of the office whose names (or date of birth) match ``q``, e.g. to open a first case."""
    require_role(actor, *CASE_ROLES)
    parsed = parse_query(q or "")
    if not parsed.name_tokens and not parsed.date_of_birth:
        return []
    stmt = sa.select(Person).where(Person.office_id == actor.office_id)
    if parsed.name_tokens:
        stmt = stmt.where(Person.id.in_(_persons_named(actor.office_id, parsed.name_tokens)))
    if parsed.date_of_birth:
        stmt = stmt.where(Person.date_of_birth == parsed.date_of_birth)
    return list(db.session.scalars(stmt.order_by(Person.family_name, Person.given_names, Person.id).limit(limit)))


def case_type_choices() -> list[tuple[str, str]]:
    from ebh.cases.catalog import CASE_TYPE_LABELS

    return [(t.value, str(label)) for t, label in CASE_TYPE_LABELS.items()]
