"""Letters: preview and generate one letter, create batches, download files.

Public API (the campaigns feature calls these):

* :func:`render_for_case` / :func:`preview_letter` – render without storing (preview).
* :func:`generate_letter` – render, store the file, log it (one letter of a case).
* :func:`create_batch` – a batch over cases, persons or a CSV; processed by
  :func:`ebh.letters.worker.run_batch` (``ebh letters work``).
* :func:`letter_file`, :func:`batch_file` – audited downloads.

Services flush, never commit (the request, the CLI command or the worker commits).
"""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import io
import json
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from ebh.audit.service import record
from ebh.auth.access import CASE_ROLES, ObjectNotFound, require_role, require_same_office
from ebh.auth.models import Office, Role, User
from ebh.cases.models import Case, Person
from ebh.db import utcnow
from ebh.extensions import db
from ebh.letters import engine, files
from ebh.letters.fields import (
    InputError,
    Recipient,
    Sender,
    address_problem,
    build_context,
    input_names,
    parse_inputs,
)
from ebh.letters.library import LetterTemplate, Problem, check_library, load_library
from ebh.letters.models import BatchStatus, Letter, LetterBatch, LetterBatchItem

#: Roles that may run batches (campaign staff write to people without an open case).
BATCH_ROLES = (*CASE_ROLES, Role.CAMPAIGN)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class LetterError(ValueError):
    """A German message for the user; ``problems`` lists template problems with file and line."""

    def __init__(self, message: str, problems: Sequence[Problem] = (), field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)
        self.field = field


# --- templates ---------------------------------------------------------------------------------------

def letters_dir() -> Path:
    return Path(current_app.config["LETTERS_DIR"])


def data_dir() -> Path:
    return Path(current_app.config["DATA_DIR"])


def all_templates() -> list[LetterTemplate]:
    return sorted(load_library(letters_dir()).values(), key=lambda t: t.title)


def templates_for(case_type: str | None = None) -> list[LetterTemplate]:
    """Templates usable for a case of ``case_type`` (None: letters without a case)."""
    return [t for t in load_library(letters_dir()).values() if t.applies_to(case_type)]


def checked_template(template_id: str, languages: Iterable[str] | None = None) -> LetterTemplate:
    """The template, after ``ebh letters check`` found no problem in it; else :class:`LetterError`."""
    try:
        template = load_library(letters_dir())[template_id]
    except KeyError:
        raise LetterError(f"Briefvorlage „{template_id}“ gibt es nicht.", field="template") from None
    problems = check_library(letters_dir(), only=template_id, required_languages=())
    if languages is not None:
        wanted = set(languages)
        problems = [p for p in problems if not p.file.endswith(".docx") or Path(p.file).stem in wanted]
    if problems:
        raise LetterError(f"Die Briefvorlage „{template_id}“ ist fehlerhaft und wird nicht verwendet.", problems)
    return template


_COMPILED: dict[str, engine.CompiledTemplate] = {}


def compiled(template: LetterTemplate, language: str) -> tuple[engine.CompiledTemplate, str]:
    """The compiled template of a language and its version; cached by version."""
    version = template.version(language)
    if version not in _COMPILED:
        if len(_COMPILED) > 64:
            _COMPILED.clear()
        _COMPILED[version] = engine.CompiledTemplate(template.docx_bytes(language))
    return _COMPILED[version], version


def default_language(template: LetterTemplate, person: Person) -> str:
    return person.preferred_language if person.preferred_language in template.languages else "de"


# --- data ----------------------------------------------------------------------------------------------

def sender_for(office: Office, author: User) -> Sender:
    return Sender(name=office.name, street=office.street, postcode=office.postcode, city=office.city,
                  phone=office.phone, email=office.email, bundesland=office.bundesland or "NW",
                  caseworker=author.display_name)


def recipient_for(person: Person, case: Case | None, template: LetterTemplate | None = None,
                  as_of: dt.date | None = None) -> Recipient:
    """The recipient's letter data; the rules are evaluated only if the template shows their result."""
    from ebh.cases.catalog import document_title

    missing = []
    if case is not None:
        missing = [{"label": document_title(d.document_type), "remark": d.remark or ""}
                   for d in case.documents if d.required and d.received_on is None]
    basis = None
    if template is not None and any(name.startswith("eligibility.") for name in template.placeholders):
        basis = template.eligibility_basis or (case.case_type.value if case else None)
    return Recipient(
        person_id=person.id, given_names=person.given_names, family_name=person.family_name,
        sex=getattr(person.sex, "value", person.sex) or "x", date_of_birth=person.date_of_birth,
        street=person.street or "", postcode=person.postcode or "", city=person.city or "",
        preferred_language=person.preferred_language or "de",
        case_id=case.id if case else None, file_number=case.file_number if case else "",
        case_type=case.case_type.value if case else "", case_family=case.family.value if case else "",
        received_on=case.received_on if case else None, missing_documents=missing,
        eligibility=eligibility_fields(person, case, basis, as_of or dt.date.today()) if basis else {},
    )


def eligibility_fields(person: Person, case: Case | None, basis: str, as_of: dt.date) -> dict[str, str]:
    """The ``eligibility.*`` fields from the rules domain (:func:`ebh.rules.service.evaluate_record` on the
    person's record); empty if the rules cannot evaluate the person (missing facts are the rules' job)."""
    from ebh.rules.engine import OUTCOME_LABELS
    from ebh.rules.record import record_from_person
    from ebh.rules.service import EvaluationError, evaluate_record

    try:
        _record, _facts, result = evaluate_record(basis, record_from_person(person, case), as_of)
    except (EvaluationError, ValueError, LookupError):
        return {}
    earliest = result.get("earliest_eligible_date")
    return {
        "rule": basis,
        "result": OUTCOME_LABELS.get(result["outcome"], result["outcome"]),
        "earliest_date": dt.date.fromisoformat(earliest).strftime("%d.%m.%Y") if earliest else "",
        "legal_basis": str(result.get("rule", {}).get("title", "")),
    }


def data_hash(context: dict[str, Any]) -> str:
    canonical = json.dumps(context, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _inputs(template: LetterTemplate, raw: dict[str, str] | None) -> dict[str, str]:
    try:
        return parse_inputs(raw or {}, input_names(template.placeholders))
    except InputError as exc:
        raise LetterError(str(exc), field="inputs") from exc


# --- one letter ----------------------------------------------------------------------------------------

@dataclasses.dataclass
class RenderedLetter:
    template: LetterTemplate
    language: str
    version: str
    context: dict[str, Any]
    docx: bytes

    @property
    def paragraphs(self) -> list[engine.PreviewParagraph]:
        return engine.paragraphs(self.docx)


def _case_for_letters(actor: User, case_id: int) -> Case:
    require_role(actor, *CASE_ROLES)
    return require_same_office(actor, db.session.get(Case, case_id), "Fall")


def render_for_case(actor: User, case: Case, template_id: str, language: str | None = None,
                    raw_inputs: dict[str, str] | None = None, letter_date: dt.date | None = None) -> RenderedLetter:
    """Render a letter of ``case`` (already access-checked) without storing it."""
    template = checked_template(template_id, [language] if language else None)
    if not template.applies_to(case.case_type.value):
        raise LetterError(f"Die Vorlage „{template.title}“ passt nicht zu dieser Verfahrensart.", field="template")
    language = language or default_language(template, case.person)
    if language not in template.languages:
        raise LetterError(f"Die Vorlage hat keine Sprachfassung „{language}“.", field="language")
    letter_date = letter_date or dt.date.today()
    recipient = recipient_for(case.person, case, template, letter_date)
    problem = recipient.address_problem()
    if problem:
        raise LetterError(f"Kein Brief möglich: {problem}. Bitte zuerst die Anschrift der Person ergänzen.")
    context = build_context(sender_for(db.session.get(Office, case.office_id), actor), recipient, language=language,
                            letter_date=letter_date, inputs=_inputs(template, raw_inputs))
    compiled_template, version = compiled(template, language)
    return RenderedLetter(template, language, version, context, compiled_template.render(context))


def preview_letter(actor: User, case_id: int, template_id: str, language: str | None = None,
                   raw_inputs: dict[str, str] | None = None) -> RenderedLetter:
    case = _case_for_letters(actor, case_id)
    rendered = render_for_case(actor, case, template_id, language, raw_inputs)
    record(actor, "read", "letter_preview", None, case_id=case.id, person_id=case.person_id,
           summary=f"Briefvorschau {template_id} ({rendered.language}) zu Fall {case.file_number}")
    return rendered


def pdf_setting() -> tuple[str | None, str]:
    """(soffice executable or None, German reason when None)."""
    setting, mode = current_app.config["SOFFICE"], current_app.config.get("LETTERS_PDF", "auto")
    path = files.find_soffice(setting, mode)
    return path, "" if path else files.pdf_unavailable_reason(setting, mode)


def generate_letter(actor: User, case_id: int, template_id: str, language: str | None = None,
                    raw_inputs: dict[str, str] | None = None) -> tuple[Letter, str]:
    """Render, store and log one letter of a case. Returns the log row and a German note (e.g. why
    there is no PDF). The file is durable on disk before the row is added to the session."""
    case = _case_for_letters(actor, case_id)
    rendered = render_for_case(actor, case, template_id, language, raw_inputs)
    now = utcnow()
    relative = Path("letters") / str(case.office_id) / f"{now:%Y}" / f"{uuid.uuid4().hex}.docx"
    target = data_dir() / relative
    try:
        files.write_atomic(target, rendered.docx)
    except OSError as exc:
        raise LetterError(f"Der Brief konnte nicht gespeichert werden ({exc.strerror or exc}); es wurde nichts "
                          "abgelegt.") from exc
    pdf_path, pdf_sha, note = "", "", ""
    soffice, reason = pdf_setting()
    if soffice:
        try:
            pdf = files.convert_to_pdf(soffice, target)
            pdf_path, pdf_sha = str(relative.with_suffix(".pdf")), files.sha256_file(pdf)
        except files.PdfUnavailable as exc:
            note = str(exc)
    else:
        note = reason
    letter = Letter(
        office_id=case.office_id, person_id=case.person_id, case_id=case.id, template_id=template_id,
        template_version=rendered.version, language=rendered.language, data_hash=data_hash(rendered.context),
        file_path=str(relative), file_sha256=hashlib.sha256(rendered.docx).hexdigest(),
        file_size=len(rendered.docx), pdf_path=pdf_path, pdf_sha256=pdf_sha, created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(letter)
    db.session.flush()
    record(actor, "create", "letter", letter.id, case_id=case.id, person_id=case.person_id,
           summary=f"Brief {template_id} ({rendered.language}) zu Fall {case.file_number} erstellt")
    return letter, note


def case_letters(actor: User, case: Case) -> list[Letter]:
    """The letter log of a case (the case itself is already access-checked and audited)."""
    require_role(actor, *CASE_ROLES)
    return list(db.session.scalars(sa.select(Letter).where(Letter.case_id == case.id)
                                   .order_by(Letter.created_at.desc(), Letter.id.desc())))


def letter_file(actor: User, letter_id: int, kind: str = "docx") -> tuple[bytes, str, str]:
    """(content, download name, mimetype) of a logged letter, verified against its sha256; audited.
    Letters of other offices are 404."""
    require_role(actor, *BATCH_ROLES)
    letter = require_same_office(actor, db.session.get(Letter, letter_id), "Brief")
    if kind == "pdf":
        if not letter.pdf_path:
            raise ObjectNotFound()
        path, sha, mime = data_dir() / letter.pdf_path, letter.pdf_sha256, "application/pdf"
    else:
        path, sha, mime = data_dir() / letter.file_path, letter.file_sha256, DOCX_MIME
    content = path.read_bytes() if path.exists() else b""
    if hashlib.sha256(content).hexdigest() != sha:
        raise LetterError(f"Die Datei von Brief {letter.id} fehlt oder wurde verändert (Prüfsumme stimmt nicht).")
    record(actor, "read", "letter", letter.id, case_id=letter.case_id, person_id=letter.person_id,
           summary=f"Brief {letter.id} heruntergeladen ({kind})")
    return content, f"brief-{letter.id}-{letter.template_id}-{letter.language}.{kind}", mime


# --- batches -------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Selection:
    """Recipients of a batch: case ids, file numbers (Aktenzeichen), person ids or a CSV text with a
    column ``person_id`` or ``aktenzeichen`` (``;`` or ``,`` separated)."""

    case_ids: Sequence[int] = ()
    file_numbers: Sequence[str] = ()
    person_ids: Sequence[int] = ()
    csv_text: str | None = None


def _parse_csv(text: str) -> tuple[list[int], list[str]]:
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text.strip() else ";", delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), dialect=dialect)
    columns = {(c or "").strip().lower(): c for c in reader.fieldnames or []}
    person_col = columns.get("person_id")
    file_col = columns.get("aktenzeichen") or columns.get("file_number")
    if not person_col and not file_col:
        raise LetterError("CSV-Datei: Spalte „person_id“ oder „aktenzeichen“ fehlt in der Kopfzeile.", field="csv")
    person_ids, file_numbers, errors = [], [], []
    for line, row in enumerate(reader, start=2):
        person_value = (row.get(person_col) or "").strip() if person_col else ""
        file_value = (row.get(file_col) or "").strip() if file_col else ""
        if person_value:
            if not person_value.isdigit():
                errors.append(f"Zeile {line}: person_id „{person_value[:20]}“ ist keine Zahl")
            else:
                person_ids.append(int(person_value))
        elif file_value:
            file_numbers.append(file_value)
        else:
            errors.append(f"Zeile {line}: weder person_id noch aktenzeichen angegeben")
    if errors:
        raise LetterError("CSV-Datei fehlerhaft: " + "; ".join(errors[:20]), field="csv")
    return person_ids, file_numbers


def _resolve(actor: User, selection: Selection) -> list[tuple[Person, Case | None]]:
    person_ids, file_numbers = list(selection.person_ids), list(selection.file_numbers)
    if selection.csv_text is not None:
        csv_persons, csv_files = _parse_csv(selection.csv_text)
        person_ids += csv_persons
        file_numbers += csv_files
    errors: list[str] = []
    recipients: list[tuple[Person, Case | None]] = []
    options = (selectinload(Case.documents), selectinload(Case.person))
    if selection.case_ids:
        found = {c.id: c for c in db.session.scalars(sa.select(Case).options(*options).where(
            Case.id.in_(selection.case_ids), Case.office_id == actor.office_id))}
        errors += [f"Fall {i} nicht gefunden" for i in selection.case_ids if i not in found]
        recipients += [(found[i].person, found[i]) for i in selection.case_ids if i in found]
    if file_numbers:
        found_by_number = {c.file_number: c for c in db.session.scalars(sa.select(Case).options(*options).where(
            Case.file_number.in_(file_numbers), Case.office_id == actor.office_id))}
        errors += [f"Aktenzeichen {n} nicht gefunden" for n in file_numbers if n not in found_by_number]
        recipients += [(found_by_number[n].person, found_by_number[n]) for n in file_numbers if n in found_by_number]
    if person_ids:
        persons = {p.id: p for p in db.session.scalars(sa.select(Person).where(
            Person.id.in_(person_ids), Person.office_id == actor.office_id))}
        errors += [f"Person {i} nicht gefunden" for i in person_ids if i not in persons]
        recipients += [(persons[i], None) for i in person_ids if i in persons]
    if errors:
        raise LetterError("Empfänger nicht gefunden: " + "; ".join(errors[:20]) +
                          (f" (und {len(errors) - 20} weitere)" if len(errors) > 20 else ""), field="recipients")
    return recipients


def create_batch(actor: User, template_id: str, selection: Selection, *, language: str = "",
                 raw_inputs: dict[str, str] | None = None, letter_date: dt.date | None = None) -> LetterBatch:
    """Create a queued batch: one item per distinct person, in the given order. Recipients without a
    usable address go straight into the batch's error list. The template is checked first; a template
    with problems is refused with file and line, before anything is stored."""
    require_role(actor, *BATCH_ROLES)
    template = checked_template(template_id)
    if language and language not in template.languages:
        raise LetterError(f"Die Vorlage hat keine Sprachfassung „{language}“.", field="language")
    inputs = _inputs(template, raw_inputs)
    recipients = _resolve(actor, selection)
    if not recipients:
        raise LetterError("Keine Empfänger ausgewählt.", field="recipients")
    if template.requires_case and any(case is None for _person, case in recipients):
        raise LetterError(f"Die Vorlage „{template.title}“ braucht ein Verfahren; bitte Fälle oder Aktenzeichen "
                          "statt Personen angeben.", field="recipients")
    batch = LetterBatch(
        office_id=actor.office_id, template_id=template.id, language=language,
        template_versions={lang: template.version(lang) for lang in template.languages}, inputs=inputs,
        letter_date=letter_date or dt.date.today(), source="csv" if selection.csv_text is not None else "cases",
        status=BatchStatus.QUEUED, created_by_id=actor.id, created_at=utcnow(),
    )
    db.session.add(batch)
    db.session.flush()
    seen: set[int] = set()
    rows = []
    for person, case in recipients:
        if person.id in seen:
            continue
        seen.add(person.id)
        if case is not None and not template.applies_to(case.case_type.value):
            raise LetterError(f"Aktenzeichen {case.file_number}: Vorlage passt nicht zur Verfahrensart.",
                              field="recipients")
        problem = address_problem(person.street, person.postcode, person.city)
        rows.append({"batch_id": batch.id, "seq": len(rows) + 1, "person_id": person.id,
                     "case_id": case.id if case else None, "language": language or default_language(template, person),
                     "status": "error" if problem else "pending", "error": problem or ""})
    db.session.execute(sa.insert(LetterBatchItem), rows)
    batch.total = len(rows)
    batch.errors = sum(1 for r in rows if r["status"] == "error")
    duplicates = len(recipients) - len(rows)
    if duplicates:
        batch.message = f"{duplicates} doppelte Empfänger wurden nur einmal übernommen."
    record(actor, "create", "letter_batch", batch.id,
           summary=f"Serienbrief {template.id} mit {batch.total} Empfängern angelegt")
    db.session.flush()
    return batch


def get_batch(actor: User, batch_id: int, *, audit: bool = True) -> LetterBatch:
    require_role(actor, *BATCH_ROLES)
    batch = require_same_office(actor, db.session.get(LetterBatch, batch_id), "Serienbrief")
    if audit:
        record(actor, "read", "letter_batch", batch.id, summary=f"Serienbrief {batch.id} angesehen")
    return batch


def batch_errors(batch: LetterBatch, limit: int = 500) -> list[tuple[LetterBatchItem, Person]]:
    return list(db.session.execute(
        sa.select(LetterBatchItem, Person).join(Person, Person.id == LetterBatchItem.person_id)
        .where(LetterBatchItem.batch_id == batch.id, LetterBatchItem.status == "error")
        .order_by(LetterBatchItem.seq).limit(limit)).all())


def list_batches(actor: User, limit: int = 50) -> list[LetterBatch]:
    require_role(actor, *BATCH_ROLES)
    return list(db.session.scalars(sa.select(LetterBatch).where(LetterBatch.office_id == actor.office_id)
                                   .order_by(LetterBatch.id.desc()).limit(limit)))


def batch_progress(actor: User, batch_id: int) -> dict[str, Any]:
    """JSON for the progress bar (``ebh/static/js/ebh.js`` polls it); contains no personal data."""
    batch = get_batch(actor, batch_id, audit=False)
    finished = batch.status in (BatchStatus.DONE, BatchStatus.FAILED)
    return {"total": batch.total, "done": batch.processed, "letters": batch.done, "errors": batch.errors,
            "status": batch.status, "finished": finished, "reload": finished,
            "label": f"{batch.processed} / {batch.total} – {BatchStatus.LABELS.get(batch.status, batch.status)}"}


def batch_file(actor: User, batch_id: int, kind: str, index: int = 0) -> tuple[Path, str, str]:
    """An output of a finished batch: ``zip``, ``manifest`` or ``print`` (index into the print files)."""
    batch = get_batch(actor, batch_id, audit=False)
    if kind == "zip" and batch.zip_path:
        relative, mime = batch.zip_path, "application/zip"
    elif kind == "manifest" and batch.manifest_path:
        relative, mime = batch.manifest_path, "text/csv"
    elif kind == "print" and 0 <= index < len(batch.print_paths or []):
        relative = batch.print_paths[index]
        mime = "application/pdf" if relative.endswith(".pdf") else DOCX_MIME
    else:
        raise ObjectNotFound()
    path = data_dir() / relative
    if not path.exists():
        raise ObjectNotFound()
    record(actor, "read", "letter_batch", batch.id, summary=f"Serienbrief {batch.id}: {kind} heruntergeladen")
    return path, f"serienbrief-{batch.id}-{Path(relative).name}", mime
