"""Loading rule files (TOML) all-or-nothing, checking them, and keeping the last good rule set.

:func:`load_rules` reads every ``*.toml`` in a folder, compiles every expression against the fact
catalogue, checks that the versions of each legal basis neither overlap nor leave gaps, and runs
every example. Any error rejects the whole set (:class:`RulesError` lists them all, each naming the
file and the criterion). :class:`RuleRegistry` serves the current set to the app and reloads it when
the files change; a bad change is logged and the last good set stays in use.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import threading
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ebh.rules import engine
from ebh.rules.engine import Criterion, Example, OpenQuestion, RuleException, RuleVersion
from ebh.rules.expr import BOOL, ExprError, Scope, compile_expr, compile_template
from ebh.rules.facts import FACT_TYPES, derive_record
from ebh.rules.record import RecordError, parse_record

log = logging.getLogger(__name__)

_TOP = {"basis", "version", "title", "title_en", "valid_from", "valid_to", "decision", "source", "note",
        "definitions", "criteria", "open_questions", "example_base", "examples"}
_CRITERION = {"id", "title", "title_en", "citation", "condition", "met", "not_met", "unknown", "exceptions"}
_EXCEPTION = {"id", "effect", "when", "condition", "citation", "reason", "decision", "open_question"}
_QUESTION = {"id", "when", "text", "citation"}
_EXAMPLE = {"name", "as_of", "record", "expected", "failed", "unknown", "waived", "decision", "earliest_eligible",
            "open_questions"}


class RulesError(Exception):
    """The rule files cannot be used; ``errors`` names file, criterion and problem for each."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


class UnknownBasis(LookupError):
    pass


class NoVersionInForce(LookupError):
    pass


@dataclasses.dataclass(frozen=True)
class RuleSet:
    """All versions of all legal bases, sorted by ``valid_from``."""

    bases: dict[str, tuple[RuleVersion, ...]]
    directory: str

    def versions(self, basis: str) -> tuple[RuleVersion, ...]:
        try:
            return self.bases[basis]
        except KeyError:
            known = ", ".join(sorted(self.bases)) or "keine"
            raise UnknownBasis(f"basis: unbekannte Rechtsgrundlage {basis!r} (bekannt: {known})") from None

    def in_force(self, basis: str, day: dt.date) -> RuleVersion:
        for version in self.versions(basis):
            if version.in_force(day):
                return version
        ranges = "; ".join(f"{v.version}: {v.valid_from} bis {v.valid_to or 'offen'}" for v in self.versions(basis))
        raise NoVersionInForce(f"date: für {basis} ist am {day.isoformat()} keine Regelfassung in Kraft ({ranges})")

    def version(self, basis: str, version: str) -> RuleVersion:
        for candidate in self.versions(basis):
            if candidate.version == version:
                return candidate
        names = ", ".join(v.version for v in self.versions(basis))
        raise UnknownBasis(f"version: {basis} hat keine Fassung {version!r} (vorhanden: {names})")

    def evaluate(self, basis: str, facts: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
        version = self.in_force(basis, as_of)
        return engine.evaluate(version, facts, as_of, self.versions(basis))

    def all_versions(self) -> list[RuleVersion]:
        return [v for basis in sorted(self.bases) for v in self.bases[basis]]


# ------------------------------------------------------------------------------------------- loading
def load_rules(directory: str | Path, *, run_examples: bool = True) -> RuleSet:
    """Load and check every rule file in ``directory``; raise :class:`RulesError` listing all problems."""
    folder = Path(directory)
    errors: list[str] = []
    files = sorted(folder.glob("*.toml")) if folder.is_dir() else []
    if not files:
        raise RulesError([f"{folder}: keine Regeldateien (*.toml) gefunden"])
    versions: list[RuleVersion] = []
    for path in files:
        try:
            versions.append(_load_file(path))
        except RulesError as exc:
            errors.extend(exc.errors)
    bases: dict[str, list[RuleVersion]] = {}
    for version in versions:
        bases.setdefault(version.basis, []).append(version)
    for basis, items in bases.items():
        items.sort(key=lambda v: v.valid_from)
        errors.extend(_check_sequence(basis, items))
    ruleset = RuleSet({b: tuple(v) for b, v in sorted(bases.items())}, str(folder))
    if run_examples and not errors:
        errors.extend(run_all_examples(ruleset))
    if errors:
        raise RulesError(errors)
    return ruleset


def _check_sequence(basis: str, items: list[RuleVersion]) -> list[str]:
    errors = []
    seen: dict[str, str] = {}
    for version in items:
        if version.version in seen:
            errors.append(f"{version.path}: Fassung {version.version!r} von {basis} gibt es schon in {seen[version.version]}")
        seen[version.version] = version.path
    for before, after in zip(items, items[1:]):
        if before.valid_to is None or before.valid_to >= after.valid_from:
            errors.append(f"{after.path}: {basis} Fassung {after.version} (ab {after.valid_from}) überschneidet sich "
                          f"mit Fassung {before.version} in {before.path} (bis {before.valid_to or 'offen'})")
        elif before.valid_to + dt.timedelta(days=1) != after.valid_from:
            errors.append(f"{after.path}: Lücke in {basis} zwischen {before.valid_to} (Ende {before.version}) und "
                          f"{after.valid_from} (Beginn {after.version})")
    return errors


def _load_file(path: Path) -> RuleVersion:
    raw_bytes = path.read_bytes()
    name = path.name
    try:
        data = tomllib.loads(raw_bytes.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RulesError([f"{name}: kein gültiges TOML: {exc}"]) from None
    return _build(name, data, hashlib.sha256(raw_bytes).hexdigest())


def _build(name: str, data: dict[str, Any], sha256: str) -> RuleVersion:
    errors: list[str] = []

    def err(where: str, message: str) -> None:
        errors.append(f"{name}: {where}: {message}" if where else f"{name}: {message}")

    def unknown_keys(obj: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in obj:
            if key not in allowed:
                import difflib

                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                err(where, f"unbekannter Schlüssel {key!r}" + (f" (meinten Sie {close[0]!r}?)" if close else ""))

    def text(obj: Mapping[str, Any], key: str, where: str, required: bool = True) -> str:
        value = obj.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            err(where, f"{key!r} fehlt oder ist kein Text")
            return ""
        return value.strip()

    def day(obj: Mapping[str, Any], key: str, where: str, required: bool = True) -> dt.date | None:
        value = obj.get(key)
        if value is None and not required:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        err(where, f"{key!r} muss ein TOML-Datum sein (z. B. 2024-06-27), nicht {value!r}")
        return None

    unknown_keys(data, _TOP, "")
    basis = text(data, "basis", "")
    version_id = text(data, "version", "")
    valid_from = day(data, "valid_from", "")
    valid_to = day(data, "valid_to", "", required=False)
    if valid_from and valid_to and valid_to < valid_from:
        err("valid_to", f"liegt vor valid_from ({valid_to} < {valid_from})")
    decision = data.get("decision")
    if decision not in engine.DECISIONS:
        err("decision", f"muss einer von {', '.join(engine.DECISIONS)} sein, nicht {decision!r}")
    if basis and not basis.replace("_", "").isalnum():
        err("basis", "nur Kleinbuchstaben, Ziffern und _ (z. B. stag_10)")

    definitions: dict[str, Any] = {}
    raw_defs = data.get("definitions", {})
    if not isinstance(raw_defs, dict):
        err("definitions", "Tabelle [definitions] erwartet")
        raw_defs = {}
    for key, source in raw_defs.items():
        if key in FACT_TYPES or key == "as_of":
            err(f"definitions.{key}", "Name ist schon ein Fakt")
            continue
        try:
            definitions[key] = compile_expr(source, Scope(FACT_TYPES, dict(definitions)), expect=None)
        except ExprError as exc:
            err(f"definitions.{key}", str(exc))
    scope = Scope(FACT_TYPES, definitions)

    def expr(source: Any, where: str, expect: str | None = BOOL) -> Any:
        try:
            return compile_expr(source, scope, expect=expect)
        except ExprError as exc:
            err(where, f"{exc} in {source!r}" if isinstance(source, str) else str(exc))
            return None

    def template(source: Any, where: str) -> Any:
        try:
            return compile_template(source, scope)
        except ExprError as exc:
            err(where, str(exc))
            return None

    criteria: list[Criterion] = []
    raw_criteria = data.get("criteria")
    if not isinstance(raw_criteria, list) or not raw_criteria:
        err("criteria", "mindestens ein [[criteria]] wird gebraucht")
        raw_criteria = []
    ids: set[str] = set()
    for i, raw in enumerate(raw_criteria):
        cid = raw.get("id") if isinstance(raw.get("id"), str) else f"#{i + 1}"
        where = f"Kriterium {cid}"
        unknown_keys(raw, _CRITERION, where)
        if cid in ids:
            err(where, "id ist doppelt")
        ids.add(cid)
        condition = expr(raw.get("condition"), f"{where}: condition")
        texts = {status: template(text(raw, status, where), f"{where}: {status}")
                 for status in (engine.MET, engine.NOT_MET, engine.UNKNOWN)}
        exceptions = []
        exc_ids: set[str] = set()
        for j, raw_exc in enumerate(raw.get("exceptions", [])):
            eid = raw_exc.get("id") if isinstance(raw_exc.get("id"), str) else f"#{j + 1}"
            ewhere = f"{where}: Ausnahme {eid}"
            unknown_keys(raw_exc, _EXCEPTION, ewhere)
            if eid in exc_ids:
                err(ewhere, "id ist doppelt")
            exc_ids.add(eid)
            effect = raw_exc.get("effect")
            if effect not in ("waive", "alternative", "uncertain"):
                err(ewhere, f"effect muss 'waive', 'alternative' oder 'uncertain' sein, nicht {effect!r}")
            econd = None
            if effect == "alternative":
                econd = expr(raw_exc.get("condition"), f"{ewhere}: condition")
            elif "condition" in raw_exc:
                err(ewhere, f"eine Ausnahme mit effect = {effect!r} hat keine condition")
            edecision = raw_exc.get("decision")
            if edecision is not None and edecision not in engine.DECISIONS:
                err(ewhere, f"decision muss einer von {', '.join(engine.DECISIONS)} sein")
            exceptions.append(RuleException(
                id=eid, effect=effect, when=expr(raw_exc.get("when", "True"), f"{ewhere}: when"), condition=econd,
                citation=text(raw_exc, "citation", ewhere), reason=template(text(raw_exc, "reason", ewhere),
                                                                            f"{ewhere}: reason"),
                decision=edecision, open_question=text(raw_exc, "open_question", ewhere, required=False) or None,
            ))
        criteria.append(Criterion(
            id=cid, title=text(raw, "title", where), title_en=text(raw, "title_en", where, required=False),
            citation=text(raw, "citation", where), condition=condition, texts=texts, exceptions=tuple(exceptions),
        ))

    questions = []
    for i, raw in enumerate(data.get("open_questions", [])):
        qid = raw.get("id") if isinstance(raw.get("id"), str) else f"#{i + 1}"
        where = f"Offene Frage {qid}"
        unknown_keys(raw, _QUESTION, where)
        questions.append(OpenQuestion(id=qid, when=expr(raw.get("when", "True"), f"{where}: when"),
                                      text=text(raw, "text", where), citation=text(raw, "citation", where)))

    examples = _examples(data, errors, name, ids)
    if errors:
        raise RulesError(errors)
    return RuleVersion(
        basis=basis, version=version_id, title=text(data, "title", ""), title_en=text(data, "title_en", "", False),
        valid_from=valid_from, valid_to=valid_to, decision=decision,  # type: ignore[arg-type]
        source=text(data, "source", ""), note=text(data, "note", "", False), path=name, sha256=sha256,
        criteria=tuple(criteria), open_questions=tuple(questions), examples=tuple(examples),
    )


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base.get(key), value) if key in base else value
        return merged
    return override


def _examples(data: dict[str, Any], errors: list[str], name: str, criterion_ids: set[str]) -> list[Example]:
    base = data.get("example_base", {})
    raw_examples = data.get("examples", [])
    if not raw_examples:
        errors.append(f"{name}: jede Regeldatei braucht mindestens ein [[examples]]")
    out = []
    for i, raw in enumerate(raw_examples):
        ename = raw.get("name") if isinstance(raw.get("name"), str) else f"#{i + 1}"
        where = f"{name}: Beispiel {ename!r}"
        for key in raw:
            if key not in _EXAMPLE:
                errors.append(f"{where}: unbekannter Schlüssel {key!r}")
        try:
            record = parse_record(_merge(base, raw.get("record", {})))
        except RecordError as exc:
            errors.extend(f"{where}: record.{e}" for e in exc.errors)
            continue
        expected = raw.get("expected")
        if expected not in engine.OUTCOME_CODES:
            errors.append(f"{where}: expected muss eligible, not_eligible oder undetermined sein")
        as_of = raw.get("as_of")
        if not isinstance(as_of, dt.date):
            errors.append(f"{where}: as_of muss ein Datum sein")
            continue
        lists = {}
        for key in ("failed", "unknown", "waived", "open_questions"):
            value = raw.get(key)
            if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
                errors.append(f"{where}: {key} muss eine Liste von ids sein")
                value = None
            if key != "open_questions" and value:
                for cid in value:
                    if cid not in criterion_ids:
                        errors.append(f"{where}: {key}: unbekanntes Kriterium {cid!r}")
            lists[key] = tuple(value) if value is not None else None
        earliest = raw.get("earliest_eligible")
        out.append(Example(name=ename, as_of=as_of, record=record, expected=expected, decision=raw.get("decision"),
                           earliest_eligible=earliest if isinstance(earliest, dt.date) else None, **lists))
    return out


def run_example(ruleset: RuleSet, version: RuleVersion, example: Example) -> list[str]:
    """Problems of one example (empty if it passes)."""
    where = f"{version.path}: Beispiel {example.name!r}"
    if not version.in_force(example.as_of):
        return [f"{where}: as_of {example.as_of} liegt nicht in der Gültigkeit dieser Fassung"]
    facts = derive_record(example.record, example.as_of)
    result = engine.evaluate(version, facts, example.as_of, ruleset.versions(version.basis))
    problems = []
    if result["outcome"] != example.expected:
        problems.append(f"erwartet {example.expected}, Ergebnis {result['outcome']}")
    by_status: dict[str, list[str]] = {}
    for row in result["criteria"]:
        by_status.setdefault(row["status"], []).append(row["id"])
    for key, status in (("failed", engine.NOT_MET), ("unknown", engine.UNKNOWN), ("waived", engine.WAIVED)):
        want = getattr(example, key)
        if want is not None and sorted(want) != sorted(by_status.get(status, [])):
            problems.append(f"{key}: erwartet {sorted(want)}, Ergebnis {sorted(by_status.get(status, []))}")
    if example.failed is None and example.expected == engine.NOT_ELIGIBLE:
        problems.append("bei not_eligible muss failed angegeben sein")
    if example.decision is not None and result["decision"] != example.decision:
        problems.append(f"decision: erwartet {example.decision}, Ergebnis {result['decision']}")
    if example.earliest_eligible is not None and result["earliest_eligible_date"] != example.earliest_eligible.isoformat():
        problems.append(f"earliest_eligible: erwartet {example.earliest_eligible}, Ergebnis "
                        f"{result['earliest_eligible_date']}")
    if example.open_questions is not None:
        got = sorted(q["id"] for q in result["open_questions"])
        if sorted(example.open_questions) != got:
            problems.append(f"open_questions: erwartet {sorted(example.open_questions)}, Ergebnis {got}")
    return [f"{where}: {p}" for p in problems]


def run_all_examples(ruleset: RuleSet) -> list[str]:
    problems = []
    for version in ruleset.all_versions():
        for example in version.examples:
            problems.extend(run_example(ruleset, version, example))
    return problems


# ------------------------------------------------------------------------------------------ registry
class RuleRegistry:
    """The rule set the app uses; reloads when the files change and keeps the last good set on error."""

    def __init__(self, directory: str | Path):
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._current: RuleSet | None = None
        self._fingerprint: tuple | None = None
        self.last_error: RulesError | None = None

    def _stamp(self) -> tuple:
        try:
            return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in self.directory.glob("*.toml")))
        except OSError:
            return ()

    def reload(self) -> RuleSet:
        """Load the folder now; on error raise :class:`RulesError` and keep the current set."""
        with self._lock:
            stamp = self._stamp()
            try:
                ruleset = load_rules(self.directory)
            except RulesError as exc:
                self._fingerprint = stamp  # do not retry the same broken files on every request
                self.last_error = exc
                log.error("rule files rejected, keeping the last good rules: %s", "; ".join(exc.errors[:5]))
                raise
            self._current, self._fingerprint, self.last_error = ruleset, stamp, None
            return ruleset

    def current(self) -> RuleSet:
        """The current rule set (reloaded first if the files changed and the new files are good)."""
        if self._current is None or self._stamp() != self._fingerprint:
            try:
                return self.reload()
            except RulesError:
                if self._current is None:
                    raise
        return self._current  # type: ignore[return-value]
