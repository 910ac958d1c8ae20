"""Public API of the rules domain for other domains, views and the CLI.

* :func:`evaluate_record` – pure: raw record (JSON shape) → facts and result, no database.
* :func:`evaluate_case` – evaluate a case for its legal basis (``case.case_type``), store the snapshot
  (:class:`~ebh.rules.models.Evaluation`) and write an audit event on the case (timeline).
* :func:`case_result` – evaluate without storing (letters, deadlines).
* :func:`earliest_eligible_date` – the day the person becomes eligible if only time is missing.
* :func:`latest_evaluation` / :func:`evaluations` – stored snapshots of a case.
* :func:`compare` – law-change run over open cases and register persons (:mod:`ebh.rules.bulk`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from typing import Any

import numpy as np
import sqlalchemy as sa
from flask import current_app

from ebh.audit.service import record as audit
from ebh.auth.access import CASE_ROLES, require_role, require_same_office
from ebh.auth.models import Role
from ebh.extensions import db
from ebh.rules import bulk, engine
from ebh.rules.facts import derive_record, facts_json
from ebh.rules.loader import NoVersionInForce, RuleRegistry, RuleSet, RulesError, UnknownBasis
from ebh.rules.models import Evaluation
from ebh.rules.record import RecordError, parse_record, record_from_person, to_json

log = logging.getLogger(__name__)
TRIGGERS = ("manual", "auto", "what_if", "cli")
COMPARE_ROLES = (Role.SUPERVISOR, Role.ADMIN)


class EvaluationError(ValueError):
    """An evaluation is impossible; the German message names the field (basis, date, record field)."""


def registry() -> RuleRegistry:
    return current_app.extensions["ebh_rules"]


def ruleset() -> RuleSet:
    try:
        return registry().current()
    except RulesError as exc:
        raise EvaluationError("Die Regeldateien sind fehlerhaft: " + "; ".join(exc.errors[:3])) from None


def today() -> dt.date:
    return dt.date.today()


def evaluate_record(basis: str, raw_record: Any, as_of: dt.date,
                    rules: RuleSet | None = None) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Validate a raw record and evaluate it; returns ``(record, facts, result)`` (all JSON-compatible)."""
    rules = rules or ruleset()
    try:
        record = parse_record(raw_record)
        version_facts = derive_record(record, as_of)
        result = rules.evaluate(basis, version_facts, as_of)
    except RecordError as exc:
        raise EvaluationError("; ".join(exc.errors)) from None
    except (UnknownBasis, NoVersionInForce) as exc:
        raise EvaluationError(str(exc.args[0])) from None
    return to_json(record), facts_json(version_facts), result


def _check(actor: Any, case: Any) -> Any:
    require_role(actor, *CASE_ROLES)
    return require_same_office(actor, case, "case")


def case_result(actor: Any, case: Any, on: dt.date | None = None) -> dict[str, Any]:
    """Evaluate ``case`` for its legal basis on ``on`` (default today) without storing anything."""
    _check(actor, case)
    return _evaluate(case, on or today())[2]


def _evaluate(case: Any, on: dt.date) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    raw = record_from_person(case.person, case)
    try:
        return evaluate_record(case.case_type.value, raw, on)
    except EvaluationError as exc:
        raise EvaluationError(f"Fall {case.file_number}: {exc}") from None


def evaluate_case(actor: Any, case: Any, on: dt.date | None = None, *, trigger: str = "manual") -> Evaluation:
    """Evaluate and store a snapshot; the audit event puts it into the case history."""
    _check(actor, case)
    return store_evaluation(actor, case, on, trigger=trigger)


def store_evaluation(actor: Any, case: Any, on: dt.date | None, *, trigger: str) -> Evaluation:
    """Evaluate and store without access checks: for :func:`evaluate_case` and the CLI (``actor=None``)."""
    if trigger not in TRIGGERS:
        raise ValueError(f"unknown trigger {trigger!r}")
    on = on or today()
    record, facts, result = _evaluate(case, on)
    rule = result["rule"]
    row = Evaluation(
        office_id=case.office_id, case_id=case.id, person_id=case.person_id, actor_id=getattr(actor, "id", None),
        trigger=trigger, as_of=on, basis=rule["basis"], version=rule["version"],
        valid_from=dt.date.fromisoformat(rule["valid_from"]),
        valid_to=dt.date.fromisoformat(rule["valid_to"]) if rule["valid_to"] else None,
        file_sha256=rule["sha256"], outcome=result["outcome"],
        earliest_eligible_date=(dt.date.fromisoformat(result["earliest_eligible_date"])
                                if result["earliest_eligible_date"] else None),
        facts={"record": record, "derived": facts}, result=result,
    )
    db.session.add(row)
    db.session.flush()
    label = {"manual": "geprüft", "auto": "nach Änderung neu geprüft", "what_if": "Prüfung zu anderem Stichtag",
             "cli": "über die Kommandozeile geprüft"}
    audit(actor, "evaluate", "rule_evaluation", row.id, case_id=case.id, person_id=case.person_id,
          office_id=case.office_id,
          summary=f"Voraussetzungen {rule['basis']} (Fassung {rule['version']}) für Fall {case.file_number} "
                  f"{label[trigger]}, Stichtag {on.isoformat()}: {engine.OUTCOME_LABELS[result['outcome']]}",
          changes={"outcome": [None, result["outcome"]], "rule_sha256": [None, rule["sha256"]]})
    return row


def earliest_eligible_date(actor: Any, case: Any, on: dt.date | None = None) -> dt.date | None:
    """The first day the person meets every criterion of the case's basis if only time is missing:
    ``on`` itself when eligible now, ``None`` when something other than time is missing or unknown."""
    result = case_result(actor, case, on)
    value = result["earliest_eligible_date"]
    return dt.date.fromisoformat(value) if value else None


def latest_evaluation(actor: Any, case: Any) -> Evaluation | None:
    _check(actor, case)
    return db.session.scalars(
        sa.select(Evaluation).where(Evaluation.case_id == case.id).order_by(Evaluation.id.desc()).limit(1)
    ).first()


def evaluations(actor: Any, case: Any, limit: int = 20) -> list[Evaluation]:
    _check(actor, case)
    return list(db.session.scalars(
        sa.select(Evaluation).where(Evaluation.case_id == case.id).order_by(Evaluation.id.desc()).limit(limit)
    ))


def get_evaluation(actor: Any, evaluation_id: int) -> Evaluation:
    """One stored snapshot (facts and result) of the actor's office; the read is audited."""
    require_role(actor, *CASE_ROLES)
    row = require_same_office(actor, db.session.get(Evaluation, evaluation_id), "rule_evaluation")
    audit(actor, "read", "rule_evaluation", row.id, case_id=row.case_id, person_id=row.person_id,
          summary=f"Gespeicherte Prüfung {row.id} angesehen")
    return row


# ---------------------------------------------------------------------------------------- signals
def _open(case: Any) -> bool:
    from ebh.cases.workflow import is_open

    return is_open(case.family, case.status)


def reevaluate_person(actor: Any, person: Any) -> int:
    """Store a fresh evaluation for every open case whose facts depend on ``person`` (own cases and cases
    of relatives: a child's birth date shortens a parent's § 25b period). Returns the number stored."""
    subjects = [person] + [link.relative for link in person.family_links]
    count = 0
    for subject in subjects:
        for case in list(subject.cases):
            count += _auto(actor, case)
    return count


def _auto(actor: Any, case: Any) -> int:
    if not _open(case) or getattr(actor, "office_id", None) != case.office_id:
        return 0
    try:
        evaluate_case(actor, case, trigger="auto")
    except EvaluationError as exc:
        log.info("no automatic evaluation for case %s: %s", case.id, exc)
        return 0
    return 1


def on_person_changed(sender: Any, actor: Any = None, **_: Any) -> None:
    if actor is not None:
        reevaluate_person(actor, sender)


def on_case_changed(sender: Any, actor: Any = None, **_: Any) -> None:
    if actor is not None:
        _auto(actor, sender)


# ---------------------------------------------------------------------------------------- compare
@dataclasses.dataclass
class Comparison:
    basis: str
    from_version: str
    to_version: str
    as_of: dt.date
    #: {"cases"|"persons": {(from_outcome, to_outcome): count}}
    transitions: dict[str, dict[tuple[str, str], int]]
    #: changed cases: (file_number, case_id, from, to); changed persons: (person_id, from, to)
    changed_cases: list[tuple[str, int, str, str]]
    changed_persons: list[tuple[int, str, str]]
    totals: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {
            "basis": self.basis, "from_version": self.from_version, "to_version": self.to_version,
            "as_of": self.as_of.isoformat(), "totals": self.totals,
            "transitions": {kind: [{"from": a, "to": b, "count": n} for (a, b), n in sorted(items.items())]
                            for kind, items in self.transitions.items()},
            "changed_cases": [{"file_number": f, "case_id": c, "from": a, "to": b} for f, c, a, b in self.changed_cases],
            "changed_persons": [{"person_id": p, "from": a, "to": b} for p, a, b in self.changed_persons],
        }


def compare(actor: Any, basis: str, from_version: str, to_version: str, on: dt.date | None = None,
            *, office_id: int | None = None) -> Comparison:
    """How outcomes change between two versions of ``basis`` on the same day, for the open cases of that
    basis and for every person of the register. ``actor=None`` (CLI) may pass ``office_id`` or compare all."""
    if actor is not None:
        require_role(actor, *COMPARE_ROLES)
        office_id = actor.office_id
    rules = ruleset()
    try:
        old, new = rules.version(basis, from_version), rules.version(basis, to_version)
    except UnknownBasis as exc:
        raise EvaluationError(str(exc.args[0])) from None
    on = on or today()
    transitions: dict[str, dict[tuple[str, str], int]] = {"cases": {}, "persons": {}}
    changed_cases: list[tuple[str, int, str, str]] = []
    changed_persons: list[tuple[int, str, str]] = []
    names = {code: name for name, code in engine.OUTCOME_CODES.items()}
    for persons, cases in bulk.iter_chunks(db.session, office_id=office_id, cases=bulk.open_cases(basis, office_id)):
        for kind, chunk in (("persons", persons), ("cases", cases)):
            if not len(chunk.ids):
                continue
            a, b = bulk.outcomes(chunk.batch, old, on), bulk.outcomes(chunk.batch, new, on)
            counts = transitions[kind]
            pairs, numbers = np.unique(np.stack([a, b]), axis=1, return_counts=True)
            for (x, y), count in zip(pairs.T.tolist(), numbers.tolist(), strict=True):
                key = (names[x], names[y])
                counts[key] = counts.get(key, 0) + count
            for i in (a != b).nonzero()[0].tolist():
                if kind == "cases":
                    changed_cases.append((chunk.labels[i], int(chunk.ids[i]), names[int(a[i])], names[int(b[i])]))
                else:
                    changed_persons.append((int(chunk.ids[i]), names[int(a[i])], names[int(b[i])]))
    totals = {kind: sum(items.values()) for kind, items in transitions.items()}
    if actor is not None:
        audit(actor, "compare", "rules", None, summary=f"Rechtsänderung {basis} {from_version} → {to_version} zum "
              f"{on.isoformat()} verglichen: {len(changed_cases)} Fälle, {len(changed_persons)} Personen ändern sich")
    return Comparison(basis, from_version, to_version, on, transitions, changed_cases, changed_persons, totals)


def version_choices() -> dict[str, list[str]]:
    try:
        return {basis: [v.version for v in versions] for basis, versions in ruleset().bases.items()}
    except EvaluationError:
        return {}
