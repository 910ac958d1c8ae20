"""The case list: search by name, file number and date of birth; filters, sorting and pagination.

Built to stay fast at 1,000,000 persons (figures: bench/RESULTS.md, section "core"):

* Names are matched through :class:`PersonSearchToken` with an index range ``token >= q AND token < q_next``
  (a prefix match on the covering index ``(office_id, token, person_id)``), never ``LIKE '%q%'``.
* A name matching few persons (:data:`FEW_PERSONS`) drives the query: their cases are found through
  ``ix_cases_person_id`` and sorted. A common name is found faster the other way round: the cases are read
  in sort order from the index and each one is checked with ``EXISTS`` on ``(person_id, token)``, so a page
  is complete after a few hundred cases. The choice is made here, from a capped count of the matches,
  instead of being left to the planners (PostgreSQL turns ``IN`` into a hash semi-join over all cases).
* Every sort order has an index starting with ``office_id`` and ending in the sort key and ``id`` (the
  tie-breaker), so the first page is read from the index with ``LIMIT``.
* The total is counted only up to :data:`COUNT_CAP` rows ("mehr als 1.000 Treffer"), on the cases alone,
  and not at all when the first page is not full; paging asks for one row more than the page to know
  whether there is a next page.
* Person and caseworker are loaded in the same query (no N+1).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import aliased, joinedload

from ebh.auth.access import CASE_ROLES, require_role
from ebh.auth.models import User
from ebh.cases import workflow
from ebh.cases.models import Case, CaseType, Person, PersonSearchToken
from ebh.cases.names import fold
from ebh.db import is_postgresql
from ebh.extensions import db

COUNT_CAP = 1000
#: Up to this many matching persons a name search starts from the persons; beyond, from the sorted index.
#: (About where both cost the same number of index probes with 120,000 cases and 400,000 persons per office.)
FEW_PERSONS = 3000
#: Name tokens matching up to this many persons are intersected by reading their index ranges.
RANGE_CAP = 12_000
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


def _token_range(office_id: int, token: str) -> sa.Select:
    """Ids of the office's persons with a name token starting with ``token`` (index-only range scan)."""
    return (
        sa.select(PersonSearchToken.person_id)
        .where(PersonSearchToken.office_id == office_id, _prefix_range(PersonSearchToken.token, token))
    )


def _has_token(person_id: Any, token: str) -> Any:
    """``EXISTS`` a token of the person starting with ``token``: one probe of ``(person_id, token)``."""
    other = aliased(PersonSearchToken)  # correlated also when person_id is a column of person_search_tokens
    probe = sa.select(sa.literal(1)).where(other.person_id == person_id, _prefix_range(other.token, token))
    if is_postgresql():
        # OFFSET 0 keeps PostgreSQL from turning the probe into a semi-join over the whole token range.
        probe = probe.offset(0)
    return probe.exists()


def _among(column: Any, ids: sa.Select) -> Any:
    """``column IN (ids)``, read from the (few) ids: on PostgreSQL ``= ANY(ARRAY(ids))`` – an index scan on
    ``column``, where ``IN`` may become a hash semi-join over a sequential scan or a walk of the sort index."""
    if is_postgresql():
        return column == sa.any_(sa.func.array(ids.scalar_subquery()))
    return column.in_(ids)


def _capped_count(stmt: sa.Select, cap: int) -> int:
    """``min(rows of stmt, cap + 1)``: stops reading after ``cap + 1`` rows."""
    limited = stmt.order_by(None).limit(cap + 1).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(limited)) or 0


@dataclasses.dataclass
class _Names:
    """The name tokens of a search and whether they match many persons (more than :data:`FEW_PERSONS`)."""

    tokens: list[str]
    office_id: int
    #: Tokens with many persons (more than :data:`RANGE_CAP`): checked per person instead of intersected.
    frequent: list[str] = dataclasses.field(default_factory=list)
    #: Matching persons, counted up to RANGE_CAP + 1.
    count: int = 0

    @property
    def many(self) -> bool:
        return self.count > FEW_PERSONS

    def persons(self, limit: int | None = None) -> sa.Select:
        """Ids of the persons with every token: the ranges of the rarer tokens intersected (index-only
        scans), the frequent tokens checked per person."""
        ranges = [_token_range(self.office_id, token) for token in self.tokens if token not in self.frequent]
        if len(ranges) == 1 and not self.frequent:
            return ranges[0].limit(limit)
        matched = (sa.intersect(*ranges) if len(ranges) > 1 else ranges[0]).subquery()
        return (sa.select(matched.c.person_id)
                .where(*(_has_token(matched.c.person_id, t) for t in self.frequent)).limit(limit))

    def match(self, person_id: Any) -> Any:
        """Condition for a page: starting from the few persons, or (common name) checked row by row."""
        if self.many:
            return sa.and_(*(_has_token(person_id, token) for token in self.tokens))
        return self.from_persons(person_id)

    def from_persons(self, person_id: Any, limit: int | None = None) -> Any:
        """``person_id`` is one of the (first ``limit``) matching persons; for counting even common names
        start from the persons (1,000 cases are found among about 3,000 of them)."""
        return _among(person_id, self.persons(limit))


def _names(office_id: int, tokens: list[str]) -> _Names | None:
    """Which tokens to intersect and whether they match many persons (two or three capped index counts)."""
    if not tokens:
        return None
    unique = list(dict.fromkeys(tokens))
    names = _Names(unique, office_id)
    if len(unique) > 1:
        counts = {token: _capped_count(_token_range(office_id, token), RANGE_CAP) for token in unique}
        rarest = min(unique, key=counts.__getitem__)
        names.frequent = [token for token in unique if counts[token] > RANGE_CAP and token != rarest]
    names.count = _capped_count(names.persons(), RANGE_CAP)
    return names


def open_clause() -> Any:
    """SQL condition: the case is not in a terminal status of its family."""
    return sa.or_(
        *(sa.and_(Case.family == family, Case.status.not_in(keys)) for family, keys in workflow.TERMINAL_KEYS.items())
    )


def _conditions(actor: User, query: CaseQuery, parsed: ParsedQuery) -> list[Any]:
    """The filters of ``query`` except the name (see :class:`_Names`); the date of birth needs ``persons``."""
    conditions: list[Any] = [Case.office_id == actor.office_id]
    if parsed.file_number:
        numbered = _prefix_range(Case.file_number, parsed.file_number)
        matching = sa.select(Case.id).where(Case.office_id == actor.office_id, numbered)
        # Few matches: read them from the file number index. (File numbers follow the receipt date, so a
        # walk of the date index would pass every younger case first.)
        few = _capped_count(matching, FEW_PERSONS) <= FEW_PERSONS
        conditions.append(_among(Case.id, matching) if few else numbered)
    if parsed.date_of_birth:
        conditions += [Person.date_of_birth == parsed.date_of_birth, Person.office_id == actor.office_id]
    if query.status:
        conditions.append(Case.status == query.status)
    if query.case_type:
        try:
            conditions.append(Case.case_type == CaseType(query.case_type))
        except ValueError:
            raise SearchError(_("Unbekannte Verfahrensart."), "case_type") from None
    if query.assigned_to == "none":
        conditions.append(Case.assigned_to_id.is_(None))
    elif query.assigned_to:
        try:
            conditions.append(Case.assigned_to_id == int(query.assigned_to))
        except ValueError:
            raise SearchError(_("Unbekannte Sachbearbeitung."), "assigned_to") from None
    if query.overdue:
        conditions += [Case.due_on < dt.date.today(), open_clause()]
    return conditions


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
    order = _order(query)
    conditions = _conditions(actor, query, parsed)
    names = _names(actor.office_id, parsed.name_tokens)
    named = [names.match(Case.person_id)] if names else []

    def count(*extra: Any) -> int:
        """Matching cases, capped; on ``cases`` alone unless the date of birth is searched. Starts from the
        persons even for common names: 1,000 cases are found after about 3,000 of them."""
        stmt = sa.select(Case.id).where(*conditions, *extra)
        if parsed.date_of_birth:
            stmt = stmt.join(Case.person)
        if names and names.count > RANGE_CAP:
            # The first persons of a very common name mostly have more than COUNT_CAP cases already.
            counted = _capped_count(stmt.where(names.from_persons(Case.person_id, RANGE_CAP)), COUNT_CAP)
            if counted > COUNT_CAP:
                return counted
        return _capped_count(stmt.where(names.from_persons(Case.person_id)) if names else stmt, COUNT_CAP)

    matching = sa.select(Case.id).where(*conditions, *named)
    if parsed.date_of_birth:
        matching = matching.join(Case.person)
    offset = (page - 1) * per_page
    if query.sort == "due":
        rows = _due_page(matching, order, count, offset, per_page + 1)
    else:
        rows = _fetch(matching.order_by(*order).offset(offset).limit(per_page + 1))
    has_next = len(rows) > per_page
    items = rows[:per_page]
    if page == 1 and not has_next:
        total, capped = len(items), False
    else:
        total = count()
        capped = total > COUNT_CAP
        total = min(total, COUNT_CAP)
    from ebh.audit.service import record

    record(actor, "read", "case_list", None, summary=f"Fallliste gelesen (Seite {page}, {len(items)} Fälle)")
    return Page(items, page, per_page, has_next, total, capped)


def _fetch(ids: sa.Select) -> list[Case]:
    """The cases of ``ids`` in its order, with person and caseworker. Two steps, so that skipping to a
    deep page reads ids from the index only, not thousands of cases with their persons."""
    order = list(db.session.scalars(ids))
    if not order:
        return []
    stmt = sa.select(Case).where(Case.id.in_(order)).options(joinedload(Case.person), joinedload(Case.assigned_to))
    by_id = {case.id: case for case in db.session.scalars(stmt).unique()}
    return [by_id[case_id] for case_id in order]


def _due_page(matching: sa.Select, order: list[Any], count: Any, offset: int, limit: int) -> list[Case]:
    """Sort by due date with undated cases last, in two index-friendly parts (no ``due_on IS NULL`` sort key)."""
    dated = _fetch(matching.where(Case.due_on.is_not(None)).order_by(*order).offset(offset).limit(limit))
    if len(dated) == limit:
        return dated
    # Undated cases to skip: the offset minus the dated ones (counted only when the page starts among them).
    skip = 0 if dated else offset - count(Case.due_on.is_not(None))
    undated = matching.where(Case.due_on.is_(None)).order_by(Case.id.desc())
    return dated + _fetch(undated.offset(max(0, skip)).limit(limit - len(dated)))


def search_persons(actor: User, q: str, limit: int = 10) -> list[Person]:
    """Persons of the office whose names (or date of birth) match ``q``, e.g. to open a first case: the first
    ``limit`` by name, or, for names of more than :data:`FEW_PERSONS` persons, ``limit`` of them by name."""
    require_role(actor, *CASE_ROLES)
    parsed = parse_query(q or "")
    if not parsed.name_tokens and not parsed.date_of_birth:
        return []
    stmt = sa.select(Person).where(Person.office_id == actor.office_id)
    names = _names(actor.office_id, parsed.name_tokens)
    if names and names.many and not parsed.date_of_birth:
        # Thousands of matches: the first ones of the token index, sorted by name (the user narrows the
        # search). The first ones by name could lie anywhere in the name index (e.g. a given name common
        # only with family names late in the alphabet).
        stmt = stmt.where(_among(Person.id, names.persons(limit)))
    elif names:
        stmt = stmt.where(names.match(Person.id))
    if parsed.date_of_birth:
        stmt = stmt.where(Person.date_of_birth == parsed.date_of_birth)
    return list(db.session.scalars(stmt.order_by(Person.family_name, Person.given_names, Person.id).limit(limit)))


def case_type_choices() -> list[tuple[str, str]]:
    from ebh.cases.catalog import CASE_TYPE_LABELS

    return [(t.value, str(label)) for t, label in CASE_TYPE_LABELS.items()]
