"""Background processing of letter batches: ``ebh letters work`` (and ``ebh letters batch``).

The web UI only creates a queued batch; this worker, a separate process, renders it. Web workers never
start threads that could be lost. A batch is processed in chunks:

1. load the next pending items (in ``seq`` order) and build their contexts from the database,
2. render them (a process pool of ``LETTERS_POOL_SIZE``) and write each DOCX to its fixed path,
3. ``os.sync()``: the files are durable,
4. one transaction: the letter log rows, the items' status, the progress counter and an audit event
   per letter.

A worker killed anywhere leaves at most rendered files without log rows; started again, it takes over
the batch (its predecessor's process is gone or its heartbeat is older than the lease) and renders those
items again into the same paths. ``letters.batch_item_id`` is unique, so no letter is logged twice.
At the end the ZIP, the CSV manifest and the print file(s) are (re)built from the logged items.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import csv
import datetime as dt
import hashlib
import multiprocessing
import os
import socket
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from ebh.audit.models import AuditEvent
from ebh.auth.models import Office, User
from ebh.cases.models import Case, Person
from ebh.db import utcnow
from ebh.extensions import db
from ebh.letters import files
from ebh.letters.fields import build_context
from ebh.letters.library import LetterTemplate, check_library, load_library
from ebh.letters.models import BatchStatus, Letter, LetterBatch, LetterBatchItem
from ebh.letters.service import data_dir, data_hash, letters_dir, pdf_setting, recipient_for, sender_for

LEASE = dt.timedelta(minutes=10)
Progress = Callable[[LetterBatch], None]


class BatchBusy(RuntimeError):
    """Another live worker holds the batch, or it is finished."""


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _holder_gone(worker: str, heartbeat: dt.datetime | None, now: dt.datetime) -> bool:
    """True if the worker holding a running batch is dead (same host, no such process) or silent."""
    if heartbeat is None or now - heartbeat > LEASE:
        return True
    host, _, rest = worker.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def claim(batch_id: int, me: str) -> bool:
    """Take a queued batch or one whose worker is gone (compare-and-set, safe for two workers)."""
    db.session.rollback()
    batch = db.session.get(LetterBatch, batch_id)
    if batch is None:
        return False
    now = utcnow()
    table = LetterBatch.__table__
    if batch.status == BatchStatus.QUEUED:
        condition = table.c.status == BatchStatus.QUEUED
    elif batch.status == BatchStatus.RUNNING and _holder_gone(batch.worker, batch.heartbeat_at, now):
        condition = sa.and_(table.c.status == BatchStatus.RUNNING, table.c.worker == batch.worker)
    else:
        return False
    result = db.session.execute(
        sa.update(table).where(table.c.id == batch_id, condition)
        .values(status=BatchStatus.RUNNING, worker=me, heartbeat_at=now,
                started_at=sa.func.coalesce(table.c.started_at, now)))
    db.session.commit()
    return result.rowcount == 1


def next_batch_id() -> int | None:
    """The oldest batch that is queued or whose worker is gone."""
    now = utcnow()
    rows = db.session.execute(sa.select(LetterBatch.id, LetterBatch.status, LetterBatch.worker,
                                        LetterBatch.heartbeat_at)
                              .where(LetterBatch.status.in_([BatchStatus.QUEUED, BatchStatus.RUNNING]))
                              .order_by(LetterBatch.id)).all()
    db.session.rollback()
    for batch_id, status, worker, heartbeat in rows:
        if status == BatchStatus.QUEUED or _holder_gone(worker, heartbeat, now):
            return batch_id
    return None


def make_pool(size: int) -> concurrent.futures.ProcessPoolExecutor:
    return concurrent.futures.ProcessPoolExecutor(max_workers=size, mp_context=multiprocessing.get_context("spawn"))


# --- the batch loop ----------------------------------------------------------------------------------

def _fail(batch_id: int, me: str, message: str) -> None:
    db.session.rollback()
    table = LetterBatch.__table__
    db.session.execute(sa.update(table).where(table.c.id == batch_id, table.c.worker == me)
                       .values(status=BatchStatus.FAILED, message=message[:500], finished_at=utcnow()))
    db.session.commit()


def run_batch(batch_id: int, *, pool_size: int | None = None, chunk_size: int | None = None,
              progress: Progress | None = None, me: str | None = None) -> LetterBatch:
    """Process (or resume) a batch to the end. Commits after every chunk. Raises :class:`BatchBusy`
    if another live worker holds it or it is already finished."""
    me = me or worker_id()
    if not claim(batch_id, me):
        raise BatchBusy(f"Serienbrief {batch_id} ist fertig oder wird gerade von einem anderen Prozess bearbeitet.")
    config = current_app.config
    pool_size = config.get("LETTERS_POOL_SIZE", 2) if pool_size is None else pool_size
    chunk_size = chunk_size or config.get("LETTERS_CHUNK_SIZE", 200)
    batch = db.session.get(LetterBatch, batch_id)
    template = load_library(letters_dir()).get(batch.template_id)
    problems = check_library(letters_dir(), only=batch.template_id, required_languages=())
    changed = [lang for lang, version in batch.template_versions.items()
               if template is None or lang not in template.languages or template.version(lang) != version]
    if template is None or problems or changed:
        _fail(batch_id, me, "Die Briefvorlage wurde seit dem Anlegen des Serienbriefs geändert oder ist fehlerhaft; "
                            "bitte den Serienbrief neu anlegen.")
        return db.session.get(LetterBatch, batch_id)
    sender = sender_for(db.session.get(Office, batch.office_id), db.session.get(User, batch.created_by_id))
    folder = data_dir() / "batches" / str(batch.id)
    docx_paths = {lang: (str(template.path(lang)), hashlib.sha256(template.docx_bytes(lang)).hexdigest())
                  for lang in template.languages}
    pending = db.session.scalar(sa.select(sa.func.count()).where(LetterBatchItem.batch_id == batch.id,
                                                                  LetterBatchItem.status == "pending"))
    pool = make_pool(pool_size) if pool_size > 1 and pending > 50 else None
    try:
        last_seq = 0
        while True:
            items = list(db.session.scalars(
                sa.select(LetterBatchItem).where(LetterBatchItem.batch_id == batch.id,
                                                 LetterBatchItem.status == "pending", LetterBatchItem.seq > last_seq)
                .order_by(LetterBatchItem.seq).limit(chunk_size)))
            if not items:
                break
            last_seq = items[-1].seq
            _process_chunk(batch, template, items, sender, folder, docx_paths, pool, me)
            if progress:
                progress(batch)
        _finalize(batch, folder, me)
    except BatchBusy:
        db.session.rollback()
        raise
    finally:
        if pool is not None:
            pool.shutdown()
    if progress:
        progress(batch)
    return batch


def _process_chunk(batch: LetterBatch, template: LetterTemplate, items: list[LetterBatchItem], sender, folder: Path,
                   docx_paths: dict[str, tuple[str, str]], pool, me: str) -> None:
    persons = {p.id: p for p in db.session.scalars(sa.select(Person).where(
        Person.id.in_({i.person_id for i in items})))}
    cases = {c.id: c for c in db.session.scalars(sa.select(Case).options(selectinload(Case.documents)).where(
        Case.id.in_({i.case_id for i in items if i.case_id})))}
    template_id = template.id
    tasks, meta = [], {}
    for item in items:
        case = cases.get(item.case_id) if item.case_id else None
        recipient = recipient_for(persons[item.person_id], case, template, batch.letter_date)
        context = build_context(sender, recipient, language=item.language,
                                letter_date=batch.letter_date, inputs=batch.inputs)
        reference = case.file_number if case else f"P{item.person_id}"
        name = f"{item.seq:06d}-{_safe(reference)}-{template_id}-{item.language}.docx"
        path, sha = docx_paths[item.language]
        tasks.append((item.id, path, sha, context, str(folder / "letters" / name)))
        meta[item.id] = (item, name, data_hash(context), case)
    results = list(pool.map(files.render_task, tasks, chunksize=max(1, len(tasks) // 8)) if pool else map(files.render_task, tasks))
    os.sync()  # every file of the chunk is on disk before its log row is committed
    now = utcnow()
    letters, item_updates, failed = [], [], 0
    for item_id, sha, size, error in results:
        item, name, hashed, case = meta[item_id]
        if error:
            failed += 1
            item_updates.append({"id": item_id, "status": "error", "error": error, "file_name": ""})
            continue
        item_updates.append({"id": item_id, "status": "done", "error": "", "file_name": name})
        letters.append({
            "office_id": batch.office_id, "person_id": item.person_id, "case_id": item.case_id,
            "batch_id": batch.id, "batch_item_id": item_id, "template_id": template_id,
            "template_version": batch.template_versions[item.language], "language": item.language,
            "data_hash": hashed, "file_path": str(Path("batches") / str(batch.id) / "letters" / name),
            "file_sha256": sha, "file_size": size, "pdf_path": "", "pdf_sha256": "",
            "created_by_id": batch.created_by_id, "created_at": now,
        })
    table = LetterBatch.__table__
    owner = db.session.execute(sa.update(table).where(table.c.id == batch.id, table.c.worker == me).values(
        done=table.c.done + len(letters), errors=table.c.errors + failed, heartbeat_at=now))
    if owner.rowcount != 1:
        raise BatchBusy(f"Serienbrief {batch.id} wurde von einem anderen Prozess übernommen.")
    if letters:
        ids = db.session.execute(sa.insert(Letter).returning(Letter.id, Letter.batch_item_id,
                                                             sort_by_parameter_order=True), letters).all()
        db.session.execute(sa.insert(AuditEvent), [{
            "at": now, "user_id": batch.created_by_id, "office_id": batch.office_id, "action": "create",
            "entity": "letter", "entity_id": letter_id, "case_id": meta[item_id][0].case_id,
            "person_id": meta[item_id][0].person_id, "ip": "", "changes": None,
            "summary": f"Brief {template_id} ({meta[item_id][0].language}) aus Serienbrief {batch.id} erstellt",
        } for letter_id, item_id in ids])
    db.session.execute(sa.update(LetterBatchItem), item_updates)
    db.session.commit()
    db.session.refresh(batch)


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in text)[:40]


def _done_items(batch: LetterBatch, language: str | None = None):
    """(seq, file name, language) of the logged items in order, streamed; the cursor is always closed."""
    query = (sa.select(LetterBatchItem.seq, LetterBatchItem.file_name, LetterBatchItem.language)
             .where(LetterBatchItem.batch_id == batch.id, LetterBatchItem.status == "done")
             .order_by(LetterBatchItem.seq))
    if language is not None:
        query = query.where(LetterBatchItem.language == language)
    result = db.session.execute(query.execution_options(yield_per=1000))
    try:
        yield from result
    finally:
        result.close()


def _write_manifest(batch: LetterBatch, target: Path) -> None:
    query = (sa.select(LetterBatchItem, Person.given_names, Person.family_name, Case.file_number)
             .join(Person, Person.id == LetterBatchItem.person_id)
             .outerjoin(Case, Case.id == LetterBatchItem.case_id)
             .where(LetterBatchItem.batch_id == batch.id).order_by(LetterBatchItem.seq)
             .execution_options(yield_per=1000))
    with files.atomic_path(target) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["nr", "person_id", "aktenzeichen", "empfaenger", "vorlage", "sprache", "datei", "status",
                         "fehler"])
        result = db.session.execute(query)
        for item, given, family, file_number in result:
            writer.writerow([item.seq, item.person_id, file_number or "", _csv_text(f"{given} {family}".strip()),
                             batch.template_id, item.language, item.file_name,
                             "erstellt" if item.status == "done" else "Fehler", item.error])
        result.close()


def _csv_text(value: str) -> str:
    """Defuse spreadsheet formulas (OWASP CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _finalize(batch: LetterBatch, folder: Path, me: str) -> None:
    letters_folder = folder / "letters"
    manifest = folder / "manifest.csv"
    _write_manifest(batch, manifest)
    archive = folder / f"serienbrief-{batch.id}.zip"
    with files.atomic_path(archive) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED, allowZip64=True) as out:
        out.write(manifest, "manifest.csv")
        for _seq, name, _lang in _done_items(batch):
            out.write(letters_folder / name, name)
    print_paths, message = _print_files(batch, folder), batch.message
    soffice, reason = pdf_setting()
    limit = current_app.config.get("LETTERS_PDF_MAX_BATCH", 500)
    if print_paths and soffice and batch.done <= limit:
        try:
            print_paths = [files.convert_to_pdf(soffice, path) for path in print_paths]
        except files.PdfUnavailable as exc:
            message = f"{message} {exc} Der Sammeldruck liegt als DOCX vor.".strip()
    elif print_paths:
        why = reason if not soffice else f"Sammel-PDF nur bis {limit} Briefe; der Sammeldruck liegt als DOCX vor."
        message = f"{message} {why}".strip()
    root = data_dir()
    table = LetterBatch.__table__
    db.session.execute(sa.update(table).where(table.c.id == batch.id, table.c.worker == me).values(
        status=BatchStatus.DONE, finished_at=utcnow(), heartbeat_at=utcnow(), message=message[:500],
        zip_path=str(archive.relative_to(root)), manifest_path=str(manifest.relative_to(root)),
        print_paths=[str(p.relative_to(root)) for p in print_paths]))
    db.session.execute(sa.insert(AuditEvent).values(
        at=utcnow(), user_id=batch.created_by_id, office_id=batch.office_id, action="create",
        entity="letter_batch", entity_id=batch.id, ip="",
        summary=f"Serienbrief {batch.id} abgeschlossen: {batch.done} Briefe, {batch.errors} Fehler"))
    db.session.commit()
    db.session.refresh(batch)


def _print_files(batch: LetterBatch, folder: Path) -> list[Path]:
    """One merged DOCX per group of letters sharing a package (normally one for the whole batch)."""
    letters_folder = folder / "letters"
    groups: dict[str, list[str]] = {}
    languages = [row[0] for row in db.session.execute(
        sa.select(LetterBatchItem.language).where(LetterBatchItem.batch_id == batch.id,
                                                  LetterBatchItem.status == "done")
        .group_by(LetterBatchItem.language).order_by(sa.func.min(LetterBatchItem.seq)))]
    for language in languages:
        first = db.session.scalar(sa.select(LetterBatchItem.file_name).where(
            LetterBatchItem.batch_id == batch.id, LetterBatchItem.status == "done",
            LetterBatchItem.language == language).order_by(LetterBatchItem.seq).limit(1))
        groups.setdefault(files.package_shell_key(letters_folder / first), []).append(language)
    result = []
    for number, group in enumerate(groups.values(), start=1):
        target = folder / (f"sammeldruck-{number}.docx" if len(groups) > 1 else "sammeldruck.docx")

        def paths(group=group):
            for _seq, name, language in _done_items(batch):
                if language in group:
                    yield letters_folder / name

        files.merge_docx(paths(), target)
        result.append(target)
    return result


def work(*, once: bool = False, poll_seconds: float = 5.0, progress: Progress | None = None,
         stop: Callable[[], bool] | None = None) -> int:
    """The worker loop: process queued (or abandoned) batches one after another. Returns the number
    of batches processed; with ``once`` it stops when nothing is left."""
    import time

    processed = 0
    while not (stop and stop()):
        batch_id = next_batch_id()
        if batch_id is None:
            if once:
                break
            time.sleep(poll_seconds)
            continue
        with contextlib.suppress(BatchBusy):
            run_batch(batch_id, progress=progress)
            processed += 1
    return processed
