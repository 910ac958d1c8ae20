"""Cases: opening (file numbers, checklist, fees, co-applicants), details, assignment, status, documents,
fees, security checks, notes and the timeline."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ebh.audit.models import AuditEvent
from ebh.audit.service import changes_of, record
from ebh.auth.access import CASE_ROLES
from ebh.auth.models import Office, User
from ebh.cases import catalog, workflow
from ebh.cases.models import (
    Case,
    CaseDocument,
    CaseFamily,
    CaseType,
    Fee,
    FileNumberCounter,
    Note,
    Person,
    Relation,
    SecurityCheck,
    StatusChange,
)
from ebh.cases.search import sort_name
from ebh.cases.service.common import (
    MAX_NOTE_LENGTH,
    MAX_REASON_LENGTH,
    MIN_CASE_DATE,
    _case,
    _case_changed,
    _case_child,
    _case_event,
    _check_version,
    _flush,
    _fmt,
    _person,
    _writes,
    require_case_role,
    today,
)
from ebh.db import is_postgresql
from ebh.extensions import db
from ebh.kit.errors import UserError
from ebh.kit.validation import MIN_DATE, read_bool, read_choice, read_date, read_int, read_text, years_ahead


#: Who may be a co-applicant of a main applicant, per case family/type (relation seen from the main applicant).
def _co_applicant_relations(case_type: CaseType) -> tuple[Relation, ...]:
    if case_type is CaseType.AUFENTHG_25A:
        return (Relation.PARENT,)  # § 25a Abs. 2 AufenthG: parents of a minor § 25a holder
    return (Relation.SPOUSE, Relation.CHILD)  # § 10 Abs. 2 StAG, § 25b Abs. 4, § 104c Abs. 2 AufenthG


def _next_sequence(office_id: int, prefix: str, year: int) -> int:
    """Atomically increment the counter of (office, prefix, year) and return the new value.

    ``UPDATE … SET last_value = last_value + 1 RETURNING last_value`` takes the row lock (PostgreSQL) or
    the database write lock (SQLite) until commit, so two concurrent creators never get the same value.
    A missing counter row is created with ``INSERT … ON CONFLICT DO NOTHING`` first.
    """
    table = FileNumberCounter.__table__
    bump = (
        sa.update(table)
        .where(table.c.office_id == office_id, table.c.prefix == prefix, table.c.year == year)
        .values(last_value=table.c.last_value + 1)
        .returning(table.c.last_value)
    )
    value = db.session.execute(bump).scalar_one_or_none()
    if value is None:
        if is_postgresql():
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        db.session.execute(
            insert(table)
            .values(office_id=office_id, prefix=prefix, year=year, last_value=0)
            .on_conflict_do_nothing(index_elements=["office_id", "prefix", "year"])
        )
        value = db.session.execute(bump).scalar_one()
    return value


def next_file_number(office: Office, family: CaseFamily, year: int) -> str:
    """The next free file number of an office from its ``file_number_pattern``."""
    prefix = catalog.FILE_NUMBER_PREFIX[family]
    pattern = office.file_number_pattern or "{office}-{prefix}-{year}-{seq:05d}"
    if "{seq" not in pattern:
        raise UserError(_("Das Aktenzeichenmuster der Behörde enthält keinen Platzhalter {seq}."))
    while True:
        seq = _next_sequence(office.id, prefix, year)
        try:
            number = pattern.format(office=office.code, prefix=prefix, year=year, seq=seq)
        except (KeyError, IndexError, ValueError):
            raise UserError(_("Das Aktenzeichenmuster der Behörde ist ungültig.")) from None
        if len(number) > 40:
            raise UserError(_("Das Aktenzeichen ist länger als 40 Zeichen."))
        taken = db.session.scalar(
            sa.select(Case.id).where(Case.office_id == office.id, Case.file_number == number).limit(1)
        )
        if taken is None:  # numbers imported from older systems are skipped
            return number


def _assignee(actor: User, user_id: int | str | None) -> User | None:
    if user_id in (None, "", 0, "0"):
        return None
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        user = None
    if user is None or user.office_id != actor.office_id or not user.active or user.role not in CASE_ROLES:
        raise UserError(_("Bitte eine aktive Sachbearbeitung der eigenen Behörde wählen."), "assigned_to_id")
    return user


def _own_income(person: Person) -> bool:
    return bool(person.livelihood and (person.livelihood.monthly_net_income_cents or 0) > 0)


def _is_married(person: Person) -> bool:
    return any(link.relation is Relation.SPOUSE for link in person.family_links) or (
        person.marital_status or ""
    ).lower().startswith(("verh", "married"))


def _open_case(actor: User, person: Person, case_type: CaseType, received_on: dt.date, assignee: User | None,
               main: Case | None) -> Case:
    """Insert one case with its checklist and fee; returns it flushed (no audit yet)."""
    office = db.session.get(Office, actor.office_id)
    wf = workflow.workflow_for(case_type)
    case = Case(
        office_id=office.id, person=person, file_number=next_file_number(office, case_type.family, received_on.year),
        case_type=case_type, family=case_type.family, status=wf.initial, main_case=main, assigned_to=assignee,
        received_on=received_on, sort_name=sort_name(person.family_name, person.given_names),
    )
    db.session.add(case)
    case.status_changes.append(StatusChange(from_status=None, to_status=wf.initial, changed_by_id=actor.id,
                                            reason=_("Antrag eingegangen")))
    age = catalog.age_on(person.date_of_birth, received_on)
    minor = age is not None and age < 18
    for key in catalog.required_documents(case_type, minor=minor, married=_is_married(person)):
        case.documents.append(CaseDocument(document_type=key, required=True))
    if case_type.family is CaseFamily.NATURALIZATION:
        with_parent = main is not None and any(
            link.relative_id == main.person_id and link.relation is Relation.PARENT for link in person.family_links
        )
        fee = catalog.naturalization_fee(minor=minor, with_parent=with_parent, own_income=_own_income(person))
        case.fees.append(Fee(legal_basis=fee.legal_basis, amount_cents=fee.amount_cents))
    _flush(_("Der Fall"))
    return case


@_writes
def create_case(actor: User, person_id: int, case_type: CaseType | str, received_on: dt.date | None = None,
                assigned_to_id: int | None = None, co_applicant_ids: Iterable[int] = ()) -> Case:
    """Open a case for a person, numbered from the office pattern, with document checklist and fees.

    ``co_applicant_ids`` are family members (spouse, minor children; parents for § 25a) who get linked
    cases (§ 10 Abs. 2 StAG → ``stag_10_2``; § 25b Abs. 4 / § 104c Abs. 2 → same type) with ``main_case_id``.
    """
    require_case_role(actor)
    person = _person(actor, person_id)
    case_type = CaseType(read_choice({"case_type": case_type}, "case_type", "Verfahrensart", [c.value for c in CaseType]))
    received_on = read_date({"received_on": received_on or today()}, "received_on", "Antragseingang", required=True,
                        earliest=max(MIN_CASE_DATE, person.date_of_birth or MIN_CASE_DATE), latest=today(),
                        latest_label=_("heute"))
    assignee = _assignee(actor, assigned_to_id)
    relatives = _co_applicants(person, case_type, received_on, co_applicant_ids)

    main = _open_case(actor, person, case_type, received_on, assignee, None)
    _case_event(actor, "create", "case", main.id, main, f"Fall {main.file_number} angelegt ({case_type.value})",
                {"status": [None, main.status], "case_type": [None, case_type.value]})
    co_type = catalog.co_applicant_case_type(case_type)
    for relative in relatives:
        co = _open_case(actor, relative, co_type, received_on, assignee, main)
        _case_event(actor, "create", "case", co.id, co,
                    f"Fall {co.file_number} als Mitantrag zu {main.file_number} angelegt ({co_type.value})",
                    {"status": [None, co.status], "main_case_id": [None, main.id]})
        _case_event(actor, "update", "case", main.id, main, f"Mitantrag {co.file_number} verknüpft")
    for case in [main, *main.co_cases]:
        _case_changed(actor, case)
    return main


def _co_applicants(person: Person, case_type: CaseType, received_on: dt.date, ids: Iterable[int]) -> list[Person]:
    allowed = _co_applicant_relations(case_type)
    links = {link.relative_id: link for link in person.family_links}
    result = []
    for raw in ids:
        link = links.get(int(raw))
        if link is None or link.relation not in allowed:
            raise UserError(
                _("Mitantragsteller müssen als Ehegatte oder Kind (bei § 25a: Elternteil) mit der Person verknüpft sein."),
                "co_applicants",
            )
        relative = link.relative
        if link.relation is Relation.CHILD:
            age = catalog.age_on(relative.date_of_birth, received_on)
            if age is None or age >= 18:
                raise UserError(
                    _("Nur minderjährige Kinder können mitbeantragt werden (Person %(id)s).", id=relative.id),
                    "co_applicants",
                )
        if relative not in result:
            result.append(relative)
    return result


def get_case(actor: User, case_id: int) -> Case:
    """Load a case of the actor's office for display and audit the read."""
    require_case_role(actor)
    case = _case(actor, case_id)
    record(actor, "read", "case", case.id, case_id=case.id, person_id=case.person_id,
           summary=f"Fall {case.file_number} angesehen")
    return case


@_writes
def update_case(actor: User, case_id: int, data: Mapping[str, Any], version: int | str | None = None) -> Case:
    """Change the case details (receipt date, declarations, proof of the children's school attendance)."""
    require_case_role(actor)
    case = _case(actor, case_id)
    _check_version(case, version, _("Der Fall"))
    received_on = read_date(data, "received_on", _l("Antragseingang"), required=True, earliest=MIN_CASE_DATE,
                        latest=case.decided_on or today(), current=case.received_on)
    values = {
        "received_on": received_on,
        "declaration_fdgo_on": read_date(data, "declaration_fdgo_on", _l("Bekenntniserklärung vom"),
                                     earliest=MIN_CASE_DATE, latest=today(), latest_label=_("heute"),
                                     current=case.declaration_fdgo_on),
        "declaration_historic_responsibility_on": read_date(
            data, "declaration_historic_responsibility_on", "Erklärung zur historischen Verantwortung vom",
            earliest=MIN_CASE_DATE, latest=today(), latest_label=_("heute"),
            current=case.declaration_historic_responsibility_on),
        "children_school_attendance_proven": read_bool(data, "children_school_attendance_proven",
                                                   case.children_school_attendance_proven, tristate=True),
    }
    for key, value in values.items():
        setattr(case, key, value)
    return _save_case(actor, case, "update", f"Fall {case.file_number} geändert")


def _save_case(actor: User, case: Case, action: str, summary: str) -> Case:
    changes = changes_of(case)
    if not changes:
        return case
    _flush(_("Der Fall"))
    _case_event(actor, action, "case", case.id, case, summary, changes)
    _case_changed(actor, case)
    return case


@_writes
def assign_case(actor: User, case_id: int, user_id: int | None, version: int | str | None = None) -> Case:
    require_case_role(actor)
    case = _case(actor, case_id)
    _check_version(case, version, _("Der Fall"))
    case.assigned_to = _assignee(actor, user_id)
    case.assigned_to_id = case.assigned_to.id if case.assigned_to else None
    return _save_case(actor, case, "assign", f"Fall {case.file_number} zugewiesen")


@_writes
def change_status(actor: User, case_id: int, to_status: str, *, reason: str = "", decided_on: dt.date | None = None,
                  version: int | str | None = None) -> Case:
    """Move a case along its state machine; decisions set decided_on/outcome (refusals need a reason)."""
    require_case_role(actor)
    case = _case(actor, case_id)
    _check_version(case, version, _("Der Fall"))
    wf = workflow.workflow_for(case.family)
    try:
        target = wf.check(case.status, to_status)
    except workflow.WorkflowError as exc:
        raise UserError(str(exc), "to_status") from None
    reason = read_text({"reason": reason}, "reason", "Begründung", MAX_REASON_LENGTH, required=target.reason_required,
                   multiline=True)
    if target.outcome is not None:
        decided = read_date({"decided_on": decided_on or today()}, "decided_on", "Entscheidungsdatum", required=True,
                        earliest=case.received_on, earliest_label=_("dem Antragseingang"), latest=today(),
                        latest_label=_("heute"))
        case.outcome = target.outcome
        case.decided_on = decided
        case.outcome_reason = reason
    old = case.status
    case.status = target.key
    case.last_office_action_on = today()
    case.status_changes.append(StatusChange(from_status=old, to_status=target.key, changed_by_id=actor.id,
                                            reason=reason))
    return _save_case(actor, case, "status",
                      f"Status von Fall {case.file_number}: {wf.label(old)} → {wf.label(target.key)}")




def _refresh_due_on(case: Case) -> None:
    """``Case.due_on`` = earliest deadline of a requested document that has not been received."""
    deadlines = [d.deadline for d in case.documents if d.deadline and d.received_on is None]
    case.due_on = min(deadlines) if deadlines else None


@_writes
def add_document(actor: User, case_id: int, document_type: str, remark: str = "") -> CaseDocument:
    """Add a further line to the checklist (beyond the documents the case type requires)."""
    require_case_role(actor)
    case = _case(actor, case_id)
    key = read_choice({"document_type": document_type}, "document_type", "Dokumentart", catalog.DOCUMENT_TYPES)
    remark = read_text({"remark": remark}, "remark", "Bemerkung", 500)
    doc = CaseDocument(document_type=key, required=False, remark=remark)
    case.documents.append(doc)
    _flush(_("Der Fall"))
    _case_event(actor, "create", "document", doc.id, case,
                f"Dokument {doc.id} ({key}) zur Checkliste von Fall {case.file_number} hinzugefügt")
    _case_changed(actor, case)
    return doc


@_writes
def request_document(actor: User, document_id: int, deadline: dt.date | None, requested_on: dt.date | None = None,
                     remark: str | None = None) -> CaseDocument:
    """Request a document from the applicant with a deadline; the case's due date follows the earliest deadline."""
    require_case_role(actor)
    doc = _case_child(actor, CaseDocument, document_id, "Dokument")
    case = doc.case
    if doc.received_on is not None:
        raise UserError(_("Das Dokument liegt bereits vor."), "deadline")
    requested = read_date({"requested_on": requested_on or today()}, "requested_on", "Angefordert am", required=True,
                      earliest=case.received_on, earliest_label=_("dem Antragseingang"), latest=today(),
                      latest_label=_("heute"))
    deadline = read_date({"deadline": deadline}, "deadline", "Frist", required=True, earliest=requested,
                     earliest_label=_("dem Anforderungsdatum"), latest=requested + dt.timedelta(days=366),
                     latest_label=_("einem Jahr nach Anforderung"))
    doc.requested_on, doc.deadline = requested, deadline
    if remark is not None:
        doc.remark = read_text({"remark": remark}, "remark", "Bemerkung", 500)
    changes = changes_of(doc)
    case.last_office_action_on = today()
    _refresh_due_on(case)
    _flush(_("Der Fall"))
    _case_event(actor, "request", "document", doc.id, case,
                f"Dokument {doc.id} ({doc.document_type}) angefordert, Frist {_fmt(deadline)}", changes)
    _case_changed(actor, case)
    return doc


@_writes
def receive_document(actor: User, document_id: int, received_on: dt.date | None = None,
                     issued_on: dt.date | None = None, valid_until: dt.date | None = None,
                     remark: str | None = None) -> CaseDocument:
    """Record that a document was submitted (with issue date and validity for the validity clock)."""
    require_case_role(actor)
    doc = _case_child(actor, CaseDocument, document_id, "Dokument")
    case = doc.case
    received = read_date({"received_on": received_on or today()}, "received_on", "Eingegangen am", required=True,
                     earliest=MIN_CASE_DATE, latest=today(), latest_label=_("heute"))
    issued = read_date({"issued_on": issued_on}, "issued_on", "Ausgestellt am", earliest=MIN_DATE, latest=received,
                   latest_label=_("dem Eingang"))
    valid = read_date({"valid_until": valid_until}, "valid_until", "Gültig bis", earliest=issued or MIN_DATE,
                  earliest_label=_("dem Ausstellungsdatum") if issued else None, latest=years_ahead(30, today()))
    doc.received_on, doc.issued_on, doc.valid_until = received, issued, valid
    if remark is not None:
        doc.remark = read_text({"remark": remark}, "remark", "Bemerkung", 500)
    changes = changes_of(doc)
    _refresh_due_on(case)
    _flush(_("Der Fall"))
    _case_event(actor, "receive", "document", doc.id, case, f"Dokument {doc.id} ({doc.document_type}) eingegangen",
                changes)
    _case_changed(actor, case)
    return doc




@_writes
def add_fee(actor: User, case_id: int, legal_basis: str, amount_cents: int, due_on: dt.date | None = None) -> Fee:
    """Enter a fee by hand: residence cases (the amount and its AufenthV provision come from the caseworker)."""
    require_case_role(actor)
    case = _case(actor, case_id)
    if case.family is not CaseFamily.RESIDENCE:
        raise UserError(_("Die Einbürgerungsgebühr wird nach § 38 StAG automatisch festgesetzt."), "legal_basis")
    basis = read_text({"legal_basis": legal_basis}, "legal_basis", "Rechtsgrundlage", 80, required=True)
    if "aufenthv" not in basis.lower():
        raise UserError(_("Bitte die Vorschrift der AufenthV angeben (z. B. „§ 45 AufenthV“)."), "legal_basis")
    amount = read_int({"amount_cents": amount_cents}, "amount_cents", "Betrag", 0, catalog.MAX_MANUAL_FEE_CENTS,
                  required=True)
    due = read_date({"due_on": due_on}, "due_on", "Fällig am", earliest=case.received_on, latest=years_ahead(2, today()))
    fee = Fee(legal_basis=basis, amount_cents=amount, due_on=due)
    case.fees.append(fee)
    changes = changes_of(fee)
    _flush(_("Der Fall"))
    _case_event(actor, "create", "fee", fee.id, case, f"Gebühr {fee.id} für Fall {case.file_number} festgesetzt",
                changes)
    _case_changed(actor, case)
    return fee


@_writes
def reduce_fee(actor: User, fee_id: int, reduction_cents: int, reason: str) -> Fee:
    """Reduce or waive a fee (§ 38 Abs. 4 StAG: equity or public interest); a reason is required."""
    require_case_role(actor)
    fee = _case_child(actor, Fee, fee_id, "Gebühr")
    if fee.paid_on is not None:
        raise UserError(_("Eine bezahlte Gebühr kann nicht mehr ermäßigt werden."), "reduction_cents")
    reduction = read_int({"reduction_cents": reduction_cents}, "reduction_cents", "Ermäßigung", 0, fee.amount_cents,
                     required=True)
    reason = read_text({"reason": reason}, "reason", "Begründung der Ermäßigung", 500, required=reduction > 0,
                   multiline=True)
    if fee.case.family is CaseFamily.NATURALIZATION and reduction > 0 and catalog.FEE_REDUCTION_BASIS not in reason:
        reason = f"{catalog.FEE_REDUCTION_BASIS}: {reason}"[:500]
    fee.reduction_cents, fee.reduction_reason = reduction, reason
    changes = changes_of(fee)
    _flush(_("Der Fall"))
    what = "erlassen" if reduction == fee.amount_cents and reduction > 0 else "ermäßigt"
    _case_event(actor, "update", "fee", fee.id, fee.case, f"Gebühr {fee.id} {what}", changes)
    _case_changed(actor, fee.case)
    return fee


@_writes
def pay_fee(actor: User, fee_id: int, paid_on: dt.date | None = None) -> Fee:
    require_case_role(actor)
    fee = _case_child(actor, Fee, fee_id, "Gebühr")
    if fee.paid_on is not None:
        raise UserError(_("Die Gebühr ist bereits als bezahlt erfasst."), "paid_on")
    fee.paid_on = read_date({"paid_on": paid_on or today()}, "paid_on", "Bezahlt am", required=True,
                        earliest=MIN_CASE_DATE, latest=today(), latest_label=_("heute"))
    changes = changes_of(fee)
    _flush(_("Der Fall"))
    _case_event(actor, "update", "fee", fee.id, fee.case, f"Gebühr {fee.id} bezahlt", changes)
    _case_changed(actor, fee.case)
    return fee




@_writes
def request_security_check(actor: User, case_id: int, kind: str, requested_on: dt.date | None = None) -> SecurityCheck:
    require_case_role(actor)
    case = _case(actor, case_id)
    kind = read_choice({"kind": kind}, "kind", "Abfrage", catalog.SECURITY_CHECK_KINDS)
    if any(c.kind == kind and c.answered_on is None for c in case.security_checks):
        raise UserError(_("Diese Abfrage ist bereits angefragt und noch nicht beantwortet."), "kind")
    requested = read_date({"requested_on": requested_on or today()}, "requested_on", "Angefragt am", required=True,
                      earliest=case.received_on, earliest_label=_("dem Antragseingang"), latest=today(),
                      latest_label=_("heute"))
    check = SecurityCheck(kind=kind, requested_on=requested, result="pending")
    case.security_checks.append(check)
    case.last_office_action_on = today()
    changes = changes_of(check)
    _flush(_("Der Fall"))
    _case_event(actor, "request", "security_check", check.id, case,
                f"Abfrage {kind} für Fall {case.file_number} gestellt", changes)
    _case_changed(actor, case)
    return check


@_writes
def answer_security_check(actor: User, check_id: int, result: str, answered_on: dt.date | None = None,
                          remark: str = "") -> SecurityCheck:
    require_case_role(actor)
    check = _case_child(actor, SecurityCheck, check_id, "Abfrage")
    if check.answered_on is not None:
        raise UserError(_("Die Antwort auf diese Abfrage ist bereits erfasst."), "result")
    check.result = read_choice({"result": result}, "result", "Ergebnis", ["no_findings", "findings"])
    check.answered_on = read_date({"answered_on": answered_on or today()}, "answered_on", "Beantwortet am",
                              required=True, earliest=check.requested_on, earliest_label=_("der Anfrage"),
                              latest=today(), latest_label=_("heute"))
    check.remark = read_text({"remark": remark}, "remark", "Bemerkung", 500, multiline=True)
    changes = changes_of(check)
    _flush(_("Der Fall"))
    _case_event(actor, "answer", "security_check", check.id, check.case,
                f"Antwort auf Abfrage {check.kind} ({check.result}) erfasst", changes)
    _case_changed(actor, check.case)
    return check




@_writes
def add_note(actor: User, case_id: int, text: str) -> Note:
    """Append a note; notes are never edited (a correction is a new note)."""
    require_case_role(actor)
    case = _case(actor, case_id)
    text = read_text({"text": text}, "text", "Notiz", MAX_NOTE_LENGTH, required=True, multiline=True)
    note = Note(case=case, author_id=actor.id, text=text)
    db.session.add(note)
    _flush(_("Der Fall"))
    _case_event(actor, "create", "note", note.id, case, f"Notiz {note.id} zu Fall {case.file_number} angelegt")
    return note


@dataclasses.dataclass(frozen=True)
class Timeline:
    #: Write audit events of the case, newest first.
    events: list[AuditEvent]
    #: Status history, newest first.
    status_changes: list[StatusChange]
    #: user id → display name for the events.
    users: dict[int, str]


def timeline(actor: User, case_id: int, limit: int = 300) -> Timeline:
    """Everything that happened to a case (write events and status history), newest first."""
    require_case_role(actor)
    case = _case(actor, case_id)
    events = list(db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.case_id == case.id, AuditEvent.action != "read")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    ))
    changes = sorted(case.status_changes, key=lambda s: s.id, reverse=True)
    user_ids = {e.user_id for e in events if e.user_id} | {s.changed_by_id for s in changes if s.changed_by_id}
    users = dict(db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(user_ids))).all()) \
        if user_ids else {}
    return Timeline(events, changes, users)


def office_caseworkers(actor: User) -> list[User]:
    """Active users of the actor's office who can be assigned cases."""
    require_case_role(actor)
    return list(db.session.scalars(
        sa.select(User).where(User.office_id == actor.office_id, User.active.is_(True), User.role.in_(CASE_ROLES))
        .order_by(User.display_name)
    ))
