"""Stored evaluations: the facts and the result of every eligibility check done for a case.

A row is a snapshot that lets a decision proposal be reproduced later (rule version, file hash,
raw record, derived facts, result). Rows are append-only, like the audit log.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ebh.db import AppendOnlyError, UTCDateTime, append_only, utcnow
from ebh.extensions import db


class Evaluation(db.Model):
    __tablename__ = "rule_evaluations"
    __table_args__ = (sa.Index("ix_rule_evaluations_case_at", "case_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    #: The user who asked for it or whose change triggered it (None: system job).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: manual (button), auto (facts changed), what_if (another date)
    trigger: Mapped[str] = mapped_column(sa.String(12))
    as_of: Mapped[dt.date] = mapped_column(sa.Date)
    basis: Mapped[str] = mapped_column(sa.String(30))
    version: Mapped[str] = mapped_column(sa.String(30))
    valid_from: Mapped[dt.date] = mapped_column(sa.Date)
    valid_to: Mapped[dt.date | None] = mapped_column(sa.Date)
    file_sha256: Mapped[str] = mapped_column(sa.String(64))
    #: eligible, not_eligible, undetermined
    outcome: Mapped[str] = mapped_column(sa.String(16))
    earliest_eligible_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    #: {"record": raw record, "derived": facts}
    facts: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    #: The result as documented in docs/rules-json.md.
    result: Mapped[dict[str, Any]] = mapped_column(sa.JSON)


class EvaluationImmutableError(AppendOnlyError):
    """Raised when code tries to change or delete a stored evaluation."""


append_only(Evaluation, "stored evaluations", EvaluationImmutableError)
