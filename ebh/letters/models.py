"""The letter log and letter batches.

:class:`Letter` is the proof of what was sent: template and its version (sha256 of DOCX + manifest),
language, a hash of the data used, the stored file and its sha256, who and when. Rows are append-only
(ORM updates and deletes raise); a corrected letter is a new row. The file is always written (and
fsynced) before its row is committed, so a row never points to a missing file.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ebh.db import AppendOnlyError, UTCDateTime, append_only, utcnow
from ebh.extensions import db


class Letter(db.Model):
    __tablename__ = "letters"
    __table_args__ = (
        sa.Index("ix_letters_person_id_created_at", "person_id", "created_at"),
        sa.Index("ix_letters_case_id_created_at", "case_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letter_batches.id"), index=True)
    #: One letter per batch recipient, enforced by the database (a resumed batch cannot log twice).
    batch_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letter_batch_items.id"), unique=True)
    template_id: Mapped[str] = mapped_column(sa.String(50))
    template_version: Mapped[str] = mapped_column(sa.String(64))
    language: Mapped[str] = mapped_column(sa.String(5))
    #: sha256 of the canonical JSON of the rendering context.
    data_hash: Mapped[str] = mapped_column(sa.String(64))
    #: Path relative to DATA_DIR.
    file_path: Mapped[str] = mapped_column(sa.String(300))
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    file_size: Mapped[int]
    pdf_path: Mapped[str] = mapped_column(sa.String(300), default="")
    pdf_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    created_by = relationship("User")


class LetterLogImmutableError(AppendOnlyError):
    """Raised when code tries to change or delete a logged letter."""


append_only(Letter, "logged letters", LetterLogImmutableError)


class BatchStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    LABELS = {QUEUED: "wartet auf den Hintergrunddienst", RUNNING: "läuft", DONE: "fertig", FAILED: "abgebrochen"}


class LetterBatch(db.Model):
    """A run of one template over many recipients, processed by ``ebh letters work``."""

    __tablename__ = "letter_batches"
    __table_args__ = (sa.Index("ix_letter_batches_status", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    template_id: Mapped[str] = mapped_column(sa.String(50))
    #: A fixed language for all letters, or "" for each person's preferred language.
    language: Mapped[str] = mapped_column(sa.String(5), default="")
    #: {language: template version} checked when the batch was created; the worker refuses changed templates.
    template_versions: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    inputs: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    letter_date: Mapped[dt.date] = mapped_column(sa.Date)
    #: "cases" or "csv"
    source: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(10), default=BatchStatus.QUEUED)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: "host:pid:token" of the worker holding the batch, and its last sign of life.
    worker: Mapped[str] = mapped_column(sa.String(120), default="")
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    #: Outputs, relative to DATA_DIR.
    zip_path: Mapped[str] = mapped_column(sa.String(300), default="")
    manifest_path: Mapped[str] = mapped_column(sa.String(300), default="")
    print_paths: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: German note for the UI, e.g. why there is no PDF or why the batch failed.
    message: Mapped[str] = mapped_column(sa.String(500), default="")

    created_by = relationship("User")
    items: Mapped[list[LetterBatchItem]] = relationship(back_populates="batch", order_by="LetterBatchItem.seq")

    @property
    def processed(self) -> int:
        return self.done + self.errors


class LetterBatchItem(db.Model):
    __tablename__ = "letter_batch_items"
    __table_args__ = (
        sa.UniqueConstraint("batch_id", "seq"),
        sa.UniqueConstraint("batch_id", "person_id"),
        sa.Index("ix_letter_batch_items_batch_status_seq", "batch_id", "status", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(sa.ForeignKey("letter_batches.id"))
    seq: Mapped[int]
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"))
    language: Mapped[str] = mapped_column(sa.String(5))
    #: pending, done, error
    status: Mapped[str] = mapped_column(sa.String(10), default="pending")
    #: German reason for the error list (no personal data beyond the item itself).
    error: Mapped[str] = mapped_column(sa.String(300), default="")
    file_name: Mapped[str] = mapped_column(sa.String(200), default="")

    batch: Mapped[LetterBatch] = relationship(back_populates="items")
