"""Evaluating compiled rule versions: one person with explanations, or many persons as arrays.

Status of a criterion:

* ``met`` – the condition is true, or an *alternative* exception applies and its condition is true
  (e.g. 4 instead of 6 years with a minor child, § 25b Abs. 1 S. 2 Nr. 1);
* ``waived`` – a *waiver* exception applies (e.g. § 10 Abs. 6 StAG: illness or disability);
* ``not_met`` – the condition is false and no exception can apply;
* ``unknown`` – a missing fact decides it, or an *uncertain* exception applies: a point the legal
  brief marks UNCERTAIN, which is never encoded as settled (it becomes an open question).

Overall: ``eligible`` if every criterion is met or waived, ``not_eligible`` if one is not met,
otherwise ``undetermined``. The result JSON is documented in docs/rules-json.md (schema 1).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from ebh.rules import dates
from ebh.rules.expr import DATE, Node, SEnv, Template, VEnv, format_value
from ebh.rules.facts import CATALOGUE

MET, NOT_MET, UNKNOWN, WAIVED = "met", "not_met", "unknown", "waived"
STATUS_CODES = {NOT_MET: 0, MET: 1, WAIVED: 2, UNKNOWN: 3}
ELIGIBLE, NOT_ELIGIBLE, UNDETERMINED = "eligible", "not_eligible", "undetermined"
OUTCOME_CODES = {NOT_ELIGIBLE: 0, ELIGIBLE: 1, UNDETERMINED: 2}
DECISIONS = ("entitlement", "soll", "ermessen")  # strongest first
DECISION_LABELS = {"entitlement": "Anspruch", "soll": "Regelanspruch (soll)", "ermessen": "Ermessen (kann)"}
STATUS_LABELS = {MET: "erfüllt", NOT_MET: "nicht erfüllt", UNKNOWN: "unbekannt", WAIVED: "entfällt"}
OUTCOME_LABELS = {ELIGIBLE: "Voraussetzungen erfüllt", NOT_ELIGIBLE: "Voraussetzungen nicht erfüllt",
                  UNDETERMINED: "nicht entscheidbar – Angaben fehlen"}
SCHEMA_VERSION = 1
#: How far ahead the earliest eligible date is searched.
HORIZON_YEARS = 40
_FACT_LABELS = {f.name: f.meaning for f in CATALOGUE}


@dataclasses.dataclass(frozen=True)
class RuleException:
    id: str
    effect: str  # "waive" | "alternative" | "uncertain"
    when: Node
    condition: Node | None
    citation: str
    reason: Template
    decision: str | None
    open_question: str | None


@dataclasses.dataclass(frozen=True)
class Criterion:
    id: str
    title: str
    title_en: str
    citation: str
    condition: Node
    texts: dict[str, Template]
    exceptions: tuple[RuleException, ...]

    def nodes(self) -> Iterable[Node]:
        yield self.condition
        for exc in self.exceptions:
            yield exc.when
            if exc.condition is not None:
                yield exc.condition

    @property
    def time_bound(self) -> bool:
        return any(node.uses_as_of for node in self.nodes())

    def facts_used(self) -> set[str]:
        return set().union(*(node.facts_used() for node in self.nodes()))

    def date_nodes(self) -> list[Node]:
        """Date-valued sub-expressions that do not depend on ``as_of``: where the status can change in time."""
        found: dict[int, Node] = {}
        for root in self.nodes():
            for node in root.walk():
                if node.typ == DATE and not node.uses_as_of:
                    found[id(node)] = node
        return list(found.values())


@dataclasses.dataclass(frozen=True)
class OpenQuestion:
    id: str
    when: Node
    text: str
    citation: str


@dataclasses.dataclass(frozen=True)
class Example:
    name: str
    as_of: dt.date
    record: dict[str, Any]
    expected: str
    failed: tuple[str, ...] | None
    unknown: tuple[str, ...] | None
    waived: tuple[str, ...] | None
    decision: str | None
    earliest_eligible: dt.date | None
    open_questions: tuple[str, ...] | None


@dataclasses.dataclass(frozen=True)
class RuleVersion:
    basis: str
    version: str
    title: str
    title_en: str
    valid_from: dt.date
    valid_to: dt.date | None
    decision: str
    source: str
    note: str
    path: str
    sha256: str
    criteria: tuple[Criterion, ...]
    open_questions: tuple[OpenQuestion, ...]
    examples: tuple[Example, ...]

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def info(self) -> dict[str, Any]:
        return {
            "basis": self.basis, "version": self.version, "title": self.title,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "file": self.path, "sha256": self.sha256,
        }


# ------------------------------------------------------------------------------------------ scalar
def criterion_status(criterion: Criterion, env: SEnv) -> tuple[str, RuleException | None]:
    main = criterion.condition.s(env)
    if main is True:
        return MET, None
    unknown = main is None
    for exc in criterion.exceptions:
        if exc.effect != "alternative":
            continue
        when, cond = exc.when.s(env), exc.condition.s(env)  # type: ignore[union-attr]
        if when is True and cond is True:
            return MET, exc
        if (when is None and cond is not False) or (when is True and cond is None):
            unknown = True
    for exc in criterion.exceptions:
        if exc.effect != "waive":
            continue
        when = exc.when.s(env)
        if when is True:
            return WAIVED, exc
        if when is None:
            unknown = True
    for exc in criterion.exceptions:
        if exc.effect != "uncertain":
            continue
        when = exc.when.s(env)
        if when is True:
            return UNKNOWN, exc
        if when is None:
            unknown = True
    return (UNKNOWN if unknown else NOT_MET), None


def _candidates(nodes: Iterable[Node], env: SEnv) -> set[dt.date]:
    found: set[dt.date] = set()
    for node in nodes:
        value = node.s(env)
        if isinstance(value, dt.date):
            found.add(value)
            if value < dt.date.max:
                found.add(value + dt.timedelta(days=1))
    return found


def _met_from(criterion: Criterion, env: SEnv, status: str) -> dt.date | None:
    """For a time-bound criterion: since when it is met, or from when it will be (facts unchanged)."""
    good = (MET, WAIVED)
    points = sorted(_candidates(criterion.date_nodes(), env))
    if status in good:
        since = None
        for day in reversed([p for p in points if p <= env.as_of]):
            if criterion_status(criterion, SEnv(env.facts, day))[0] in good:
                since = day
            else:
                break
        return since
    if status == NOT_MET:
        for day in (p for p in points if p > env.as_of):
            if criterion_status(criterion, SEnv(env.facts, day))[0] in good:
                return day
    return None


def quick_outcome(version: RuleVersion, facts: dict[str, Any], as_of: dt.date) -> str:
    env = SEnv(facts, as_of)
    return _overall([criterion_status(c, env)[0] for c in version.criteria])


def _overall(statuses: Sequence[str]) -> str:
    if any(s == NOT_MET for s in statuses):
        return NOT_ELIGIBLE
    if any(s == UNKNOWN for s in statuses):
        return UNDETERMINED
    return ELIGIBLE


def evaluate(version: RuleVersion, facts: dict[str, Any], as_of: dt.date,
             versions: Sequence[RuleVersion] = ()) -> dict[str, Any]:
    """Evaluate one person's facts; ``versions`` (all versions of the basis) let the earliest eligible
    date cross into a later law version. Returns the result dict (docs/rules-json.md)."""
    env = SEnv(facts, as_of)
    decision = version.decision
    rows, questions, missing_all = [], [], set()
    for criterion in version.criteria:
        status, applied = criterion_status(criterion, env)
        if applied is not None:
            text = applied.reason.render(env)
            if applied.decision and DECISIONS.index(applied.decision) > DECISIONS.index(decision):
                decision = applied.decision
            if applied.open_question:
                questions.append({"id": f"{criterion.id}.{applied.id}", "criterion": criterion.id,
                                  "text": applied.open_question, "citation": applied.citation})
        else:
            text = criterion.texts[status].render(env)
        missing = sorted(name for name in criterion.facts_used() if facts.get(name) is None) \
            if status == UNKNOWN else []
        if missing:
            missing_all.update(missing)
            text += " Fehlende Angaben: " + ", ".join(_FACT_LABELS.get(m, m) for m in missing) + "."
        rows.append({
            "id": criterion.id,
            "title": criterion.title,
            "title_en": criterion.title_en,
            "citation": criterion.citation,
            "status": status,
            "explanation": text,
            "exception": None if applied is None else {
                "id": applied.id, "effect": applied.effect, "citation": applied.citation,
                "reason": text,
            },
            "time_bound": criterion.time_bound,
            "met_from": _iso(_met_from(criterion, env, status) if criterion.time_bound else None),
            "missing_facts": missing,
        })
    for question in version.open_questions:
        if question.when.s(env) is True:
            questions.append({"id": question.id, "criterion": None, "text": question.text,
                              "citation": question.citation})
    outcome = _overall([r["status"] for r in rows])
    earliest, earliest_version = None, None
    if outcome == ELIGIBLE:
        earliest, earliest_version = as_of, version
    elif outcome == NOT_ELIGIBLE and all(r["status"] != UNKNOWN for r in rows) \
            and all(r["time_bound"] for r in rows if r["status"] == NOT_MET):
        earliest, earliest_version = earliest_eligible(facts, as_of, list(versions) or [version])
    return {
        "schema": SCHEMA_VERSION,
        "basis": version.basis,
        "as_of": as_of.isoformat(),
        "rule": version.info(),
        "outcome": outcome,
        "decision": decision,
        "earliest_eligible_date": _iso(earliest),
        "earliest_eligible_version": earliest_version.version if earliest_version else None,
        "criteria": rows,
        "open_questions": questions,
        "missing_facts": sorted(missing_all),
    }


def earliest_eligible(facts: dict[str, Any], as_of: dt.date,
                      versions: Sequence[RuleVersion]) -> tuple[dt.date | None, RuleVersion | None]:
    """The first day after ``as_of`` on which the person is eligible under the law then in force,
    assuming the facts stay as they are (only time passes)."""
    env = SEnv(facts, as_of)
    horizon = dates.add_years(as_of, HORIZON_YEARS)
    points: set[dt.date] = set()
    for version in versions:
        if version.valid_to is not None and version.valid_to <= as_of:
            continue
        points.add(version.valid_from)
        for criterion in version.criteria:
            points |= _candidates(criterion.date_nodes(), env)
    for day in sorted(p for p in points if as_of < p <= horizon):
        version = next((v for v in versions if v.in_force(day)), None)
        if version is not None and quick_outcome(version, facts, day) == ELIGIBLE:
            return day, version
    return None, None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


# ------------------------------------------------------------------------------------------ vector
def vector_statuses(version: RuleVersion, env: VEnv) -> dict[str, np.ndarray]:
    """Status codes (:data:`STATUS_CODES`) per criterion for all persons of ``env``."""
    out = {}
    for criterion in version.criteria:
        value, known = criterion.condition.vector(env)
        met = value & known
        unknown = ~known
        for exc in criterion.exceptions:
            if exc.effect != "alternative":
                continue
            wv, wk = exc.when.vector(env)
            cv, ck = exc.condition.vector(env)  # type: ignore[union-attr]
            hit = wv & wk & cv & ck
            met = met | hit
            unknown = unknown | (~wk & ~(ck & ~cv)) | (wv & wk & ~ck)
        waived = np.zeros(env.n, dtype=bool)
        for exc in criterion.exceptions:
            if exc.effect != "waive":
                continue
            wv, wk = exc.when.vector(env)
            waived = waived | (wv & wk)
            unknown = unknown | ~wk
        for exc in criterion.exceptions:
            if exc.effect == "uncertain":
                wv, wk = exc.when.vector(env)
                unknown = unknown | (wv & wk) | ~wk
        waived &= ~met
        codes = np.where(met, 1, np.where(waived, 2, np.where(unknown, 3, 0))).astype(np.int8)
        out[criterion.id] = codes
    return out


def vector_outcomes(statuses: dict[str, np.ndarray], n: int) -> np.ndarray:
    """Outcome codes (:data:`OUTCOME_CODES`) from :func:`vector_statuses`."""
    any_not_met = np.zeros(n, dtype=bool)
    any_unknown = np.zeros(n, dtype=bool)
    for codes in statuses.values():
        any_not_met |= codes == 0
        any_unknown |= codes == 3
    return np.where(any_not_met, 0, np.where(any_unknown, 2, 1)).astype(np.int8)


def render_text(result: dict[str, Any]) -> str:
    """A plain-text rendering of a result (CLI ``--format text``)."""
    rule = result["rule"]
    lines = [
        f"{rule['title']} – Fassung {rule['version']} (gültig {rule['valid_from']} bis {rule['valid_to'] or 'offen'})",
        f"Stichtag: {format_value(dt.date.fromisoformat(result['as_of']), DATE)}",
        f"Ergebnis: {OUTCOME_LABELS[result['outcome']]}; Entscheidungsart: {DECISION_LABELS[result['decision']]}",
    ]
    if result["earliest_eligible_date"]:
        day = format_value(dt.date.fromisoformat(result["earliest_eligible_date"]), DATE)
        lines.append(f"Frühestens erfüllt am: {day} (Fassung {result['earliest_eligible_version']})")
    lines.append("")
    for row in result["criteria"]:
        lines.append(f"[{STATUS_LABELS[row['status']]:>13}] {row['title']} ({row['citation']})")
        lines.append(f"{'':16}{row['explanation']}")
    if result["open_questions"]:
        lines.append("")
        lines.append("Offene Fragen:")
        for question in result["open_questions"]:
            lines.append(f"  - {question['text']} ({question['citation']})")
    lines.append("")
    lines.append(f"Regeldatei: {rule['file']} sha256 {rule['sha256']}")
    return "\n".join(lines)
