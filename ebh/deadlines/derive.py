"""Which deadlines a case has, derived from its data: pure functions over plain rows.

The service loads rows in bulk (one query per table for a chunk of cases) and passes them here, so
the same code serves the signal handler (one case) and the nightly recomputation (all cases).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from ebh.deadlines import calendar
from ebh.deadlines.models import DeadlineKind as K

#: Document types whose submitted copy must not be older than ``DOCUMENT_VALIDITY_MONTHS`` (local practice:
#: many offices accept such documents for six months; configurable, see docs/deadlines.md).
DOCUMENT_VALIDITY_TYPES = frozenset(
    {"registration_certificate", "proof_of_income", "benefits_notice", "pension_insurance", "employment_contract"}
)
#: A CaseDocument of this type records an Einbürgerungszusicherung issued by the office (issued_on, valid_until).
ZUSICHERUNG_DOCUMENT_TYPE = "einbuergerungszusicherung"

_RESIDENCE_LABELS = {
    "duldung": "Duldung",
    "duldung_60b": "Duldung (§ 60b AufenthG)",
    "duldung_60d": "Beschäftigungsduldung (§ 60d AufenthG)",
    "fiktion": "Fiktionsbescheinigung",
    "gestattung": "Aufenthaltsgestattung",
    "visa": "Visum",
}
_NO_EXPIRY_STATUSES = frozenset({"abroad", "unlawful", "eu_free_movement", "settlement_permit", "eu_long_term"})


@dataclasses.dataclass(frozen=True)
class CaseFacts:
    """What derivation needs of one case (plain values, no ORM objects)."""

    id: int
    office_id: int
    is_open: bool
    received_on: dt.date
    decided_on: dt.date | None
    last_office_action_on: dt.date | None
    bundesland: str
    closing_days: frozenset[dt.date]
    documents: Sequence[Any] = ()  # rows with id, document_type, requested_on, deadline, received_on, issued_on, valid_until
    residence_periods: Sequence[Any] = ()  # rows with id, status, end_date, valid_until
    eligible_from: dt.date | None = None


@dataclasses.dataclass(frozen=True)
class DeadlineSpec:
    kind: K
    source_key: str
    due_on: dt.date
    event_on: dt.date | None
    legal_basis: str
    label: str
    problem: str = ""
    #: Set when the deadline is met (document received): an open deadline is closed with this reason.
    settled: str = ""


@dataclasses.dataclass(frozen=True)
class Settings:
    document_validity_months: int = 6
    zusicherung_validity_years: int = 2


def derive(case: CaseFacts, settings: Settings = Settings()) -> list[DeadlineSpec]:
    """All derived deadlines of a case. A closed case has none (open ones get cancelled)."""
    if not case.is_open:
        return []
    specs: list[DeadlineSpec] = []
    specs.extend(_vwgo75(case))
    specs.extend(_documents(case, settings))
    specs.extend(_residence(case))
    if case.eligible_from is not None:
        specs.append(DeadlineSpec(K.ELIGIBLE_FROM, "rules", case.eligible_from, None,
                                  "Regelwerk (frühester Anspruchszeitpunkt)", ""))
    return specs


def _vwgo75(case: CaseFacts) -> Iterable[DeadlineSpec]:
    """§ 75 S. 2 VwGO: an action for failure to act is admissible not before three months after the
    application. Event-based (§ 187 Abs. 1 BGB): first admissible day = the day after the same-numbered day
    three months later; a waiting period is not moved by § 193 BGB (LEGAL.md 4.2, conservative)."""
    if case.decided_on is not None:
        return
    yield DeadlineSpec(K.VWGO75_APPLICATION, "case", _three_months_mark(case.received_on), case.received_on,
                       "§ 75 S. 2 VwGO", "3 Monate seit Antragseingang")
    last = case.last_office_action_on
    if last is not None and last > case.received_on:
        yield DeadlineSpec(K.VWGO75_LAST_ACTION, "case:last_action", _three_months_mark(last), last,
                           "§ 75 S. 2 VwGO", "3 Monate seit der letzten Bearbeitung")


def _three_months_mark(event: dt.date) -> dt.date:
    return calendar.compute_deadline(event, months=3, kind=calendar.TERMIN) + dt.timedelta(days=1)


def _documents(case: CaseFacts, settings: Settings) -> Iterable[DeadlineSpec]:
    for doc in case.documents:
        source = f"document:{doc.id}"
        if doc.document_type == ZUSICHERUNG_DOCUMENT_TYPE:
            if doc.issued_on is not None or doc.valid_until is not None:
                expiry = doc.valid_until or calendar.add_months(
                    doc.issued_on, 12 * settings.zusicherung_validity_years)
                yield DeadlineSpec(K.ZUSICHERUNG_EXPIRY, source, expiry, doc.issued_on,
                                   "Einbürgerungszusicherung (2 Jahre gültig)", "Einbürgerungszusicherung")
            continue
        if doc.deadline is not None:
            yield _document_deadline(case, doc, source)
        if doc.received_on is not None:
            validity = _validity_end(doc, settings)
            if validity is not None:
                yield DeadlineSpec(K.DOCUMENT_VALIDITY, f"validity:{doc.id}", validity, doc.issued_on,
                                   "Verwaltungspraxis (Aktualität)", doc.document_type)


def _document_deadline(case: CaseFacts, doc: Any, source: str) -> DeadlineSpec:
    """A deadline set by the office for documents. § 31 Abs. 3 VwVfG NRW: an end on a weekend, holiday
    or closing day moves to the next working day. A deadline before the request date is kept as entered
    (nothing is lost) and flagged."""
    problem = ""
    event = doc.requested_on
    if event is not None and doc.deadline < event:
        problem = f"Frist ({doc.deadline:%d.%m.%Y}) liegt vor der Anforderung ({event:%d.%m.%Y})"
        event = None
        due = doc.deadline
    else:
        due = calendar.next_working_day(doc.deadline, case.bundesland, case.closing_days)
    settled = f"Unterlage eingegangen am {doc.received_on:%d.%m.%Y}" if doc.received_on else ""
    return DeadlineSpec(K.DOCUMENT, source, due, event, "§ 31 Abs. 3 VwVfG NRW",
                        doc.document_type, problem=problem, settled=settled)


def _validity_end(doc: Any, settings: Settings) -> dt.date | None:
    if doc.valid_until is not None:
        return doc.valid_until
    if doc.issued_on is not None and doc.document_type in DOCUMENT_VALIDITY_TYPES:
        return calendar.add_months(doc.issued_on, settings.document_validity_months)
    return None


def _residence(case: CaseFacts) -> Iterable[DeadlineSpec]:
    """Expiry of the current residence document (title, Duldung, Fiktionsbescheinigung)."""
    for period in case.residence_periods:
        status = getattr(period.status, "value", period.status)
        if period.end_date is not None or period.valid_until is None or status in _NO_EXPIRY_STATUSES:
            continue
        label = _RESIDENCE_LABELS.get(status, "Aufenthaltstitel")
        basis = "§ 81 Abs. 4 AufenthG (Antrag vor Ablauf)"
        if status.startswith("duldung"):
            basis = "§ 60a AufenthG"
        elif status == "fiktion":
            basis = "§ 81 Abs. 3/4 AufenthG"
        yield DeadlineSpec(K.PERMIT_EXPIRY, f"residence:{period.id}", period.valid_until, None, basis, label)
