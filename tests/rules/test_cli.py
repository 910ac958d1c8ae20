"""``ebh rules check|eval|compare|facts-doc``: exit codes, messages naming the field, JSON shape."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import sqlalchemy as sa

from ebh.audit.models import AuditEvent
from ebh.config import PROJECT_ROOT
from ebh.rules.models import Evaluation
from tests.rules.helpers import D, eligible_person, naturalization_case

RECORD = {
    "date_of_birth": "1990-05-17", "identity_clarified": True, "legally_incapacitated": False, "guest_worker": False,
    "illness_or_disability": False, "age_related_inability": False, "pending_investigation": False,
    "nationalities": ["TUR"],
    "residence": [{"status": "residence_permit", "paragraph": "§ 18b AufenthG", "start": "2019-03-14"}],
    "language_certificates": [{"level": "B1", "issued_on": "2022-01-10"}],
    "civic_tests": [{"kind": "einbuergerungstest", "taken_on": "2022-02-01", "passed": True}],
    "convictions": [], "livelihood": {"receives_sgb2_sgb12": False},
    "case": {"received_on": "2024-09-01", "declaration_fdgo_on": "2024-09-01",
             "declaration_historic_responsibility_on": "2024-09-01", "security_check": "no_findings"},
}
RESULT_KEYS = {"schema", "basis", "as_of", "rule", "outcome", "decision", "earliest_eligible_date",
               "earliest_eligible_version", "criteria", "open_questions", "missing_facts"}
CRITERION_KEYS = {"id", "title", "title_en", "citation", "status", "explanation", "exception", "time_bound",
                  "met_from", "missing_facts"}


def _facts_file(tmp_path: Path, data: object) -> str:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


def test_check_passes_on_shipped_rules(runner) -> None:
    result = runner.invoke(args=["rules", "check"])
    assert result.exit_code == 0, result.output
    assert "Beispiele bestanden" in result.output


def test_check_fails_on_broken_rules(runner, tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(PROJECT_ROOT / "rules", folder)
    path = folder / "stag_8_2024-06-27.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('"identity_clarified"', '"identity_clarifed"'), "utf-8")
    result = runner.invoke(args=["rules", "check", "--dir", str(folder)])
    assert result.exit_code == 1
    assert "meinten Sie 'identity_clarified'?" in result.output


def test_eval_facts_json_shape_and_evidence(runner, tmp_path: Path) -> None:
    result = runner.invoke(args=["rules", "eval", "--basis", "stag_10", "--date", "2024-10-01",
                                 "--facts", _facts_file(tmp_path, RECORD)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == RESULT_KEYS
    assert data["outcome"] == "eligible" and data["decision"] == "entitlement"
    assert data["rule"]["version"] == "2024-06-27" and len(data["rule"]["sha256"]) == 64
    residence = next(c for c in data["criteria"] if c["id"] == "residence")
    assert set(residence) == CRITERION_KEYS
    assert residence["status"] == "met" and residence["citation"] == "§ 10 Abs. 1 Satz 1 StAG"
    assert residence["explanation"] == ("Seit 14.03.2019 rechtmäßiger gewöhnlicher Aufenthalt, "
                                        "5 Jahre erreicht am 14.03.2024.")
    assert residence["met_from"] == "2024-03-14" and residence["time_bound"] is True
    assert data["earliest_eligible_date"] == "2024-10-01"


def test_eval_earliest_date_and_future_law(runner, tmp_path: Path) -> None:
    record = dict(RECORD, residence=[{"status": "residence_permit", "paragraph": "§ 18b AufenthG", "start": "2021-03-14"}])
    result = runner.invoke(args=["rules", "eval", "--basis", "stag_10", "--date", "2025-01-10",
                                 "--facts", _facts_file(tmp_path, record)])
    data = json.loads(result.output)
    assert data["earliest_eligible_date"] == "2026-03-14"
    assert data["earliest_eligible_version"] == "2025-10-30"  # law in force then
    future = runner.invoke(args=["rules", "eval", "--basis", "stag_10", "--date", "2026-03-14", "--format", "text",
                                 "--facts", _facts_file(tmp_path, record)])
    assert future.exit_code == 0
    assert "Fassung 2025-10-30" in future.output and "Voraussetzungen erfüllt" in future.output
    assert "5 Jahre erreicht am 14.03.2026" in future.output


def test_eval_bad_input_names_the_field(runner, tmp_path: Path) -> None:
    cases = [
        ("{not json", "--facts: kein gültiges JSON"),
        (dict(RECORD, date_of_birth="1990-13-01"), "date_of_birth: '1990-13-01' ist kein gültiges Datum"),
        (dict(RECORD, identity_clarified="ja"), "identity_clarified: true oder false erwartet"),
        (dict(RECORD, residence=[{"status": "duldung", "start": "1980-01-01"}]),
         "residence[0].start: Beginn 1980-01-01 liegt vor dem Geburtsdatum"),
        (dict(RECORD, residence=[{"status": "duldung", "start": "2010-01-01", "end": "2015-01-01"},
                                 {"status": "duldung", "start": "2014-01-01"}]), "überschneidet sich"),
        ([1, 2], "Datensatz: ein Objekt"),
    ]
    for data, message in cases:
        result = runner.invoke(args=["rules", "eval", "--basis", "stag_10", "--date", "2024-10-01",
                                     "--facts", _facts_file(tmp_path, data)])
        assert result.exit_code == 1, (data, result.output)
        assert message in result.output, result.output
    for args, message in (
        (["--basis", "stag_99", "--date", "2024-10-01"], "basis: unbekannte Rechtsgrundlage 'stag_99'"),
        (["--basis", "stag_8", "--date", "2020-01-01"], "date: für stag_8 ist am 2020-01-01 keine Regelfassung"),
        (["--basis", "stag_10", "--date", "2024-02-30"], "--date: '2024-02-30' ist kein gültiges Datum"),
    ):
        result = runner.invoke(args=["rules", "eval", *args, "--facts", _facts_file(tmp_path, RECORD)])
        assert result.exit_code == 1 and message in result.output, result.output
    missing = runner.invoke(args=["rules", "eval", "--basis", "stag_10", "--facts", str(tmp_path / "nope.json")])
    assert missing.exit_code == 1 and "--facts: Datei nicht lesbar" in missing.output


def test_eval_case_stores_evaluation(runner, db, office) -> None:
    person = eligible_person(office)
    case = naturalization_case(person)
    case_id, file_number = case.id, case.file_number
    result = runner.invoke(args=["rules", "eval", "--basis", "stag_10", "--date", "2026-01-15",
                                 "--case", file_number, "--office", office.code])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["outcome"] == "eligible"
    db.session.remove()
    stored = db.session.scalars(sa.select(Evaluation)).all()
    assert [(e.case_id, e.trigger, e.outcome, e.actor_id) for e in stored] == [(case_id, "cli", "eligible", None)]
    assert stored[0].facts["record"]["residence"][0]["start"] == "2018-09-01"
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "evaluate")).one()
    assert event.case_id == case_id and "Yılmaz" not in event.summary
    wrong = runner.invoke(args=["rules", "eval", "--basis", "stag_8", "--case", file_number])
    assert wrong.exit_code == 1 and "hat die Rechtsgrundlage stag_10" in wrong.output
    unknown = runner.invoke(args=["rules", "eval", "--basis", "stag_10", "--case", "X-1"])
    assert unknown.exit_code == 1 and "kein Fall mit Aktenzeichen 'X-1'" in unknown.output


def test_compare_lists_ids_only(runner, db, office) -> None:
    person = eligible_person(office, residence_start=D(2022, 6, 1), special_integration=True,
                             family_name="Özdemir")
    person.language_certificates[0].level = "C1"
    person.livelihood.self_supporting = True
    db.session.commit()
    case = naturalization_case(person)
    case_id, file_number, person_id = case.id, case.file_number, person.id
    result = runner.invoke(args=["rules", "compare", "--basis", "stag_10", "--from-version", "2024-06-27",
                                 "--to-version", "2025-10-30", "--date", "2025-11-21"])
    assert result.exit_code == 0, result.output
    assert f"Fall {file_number} (id {case_id}): eligible → not_eligible" in result.output
    # as a register person (no case, so no declarations) the outcome goes from undetermined to not eligible
    assert f"Person {person_id}: undetermined → not_eligible" in result.output
    assert "Özdemir" not in result.output
    data = json.loads(runner.invoke(args=["rules", "compare", "--basis", "stag_10", "--from-version", "2024-06-27",
                                          "--to-version", "2025-10-30", "--date", "2025-11-21",
                                          "--format", "json"]).output)
    assert data["totals"] == {"cases": 1, "persons": 1}
    assert data["changed_cases"] == [{"file_number": file_number, "case_id": case_id, "from": "eligible",
                                      "to": "not_eligible"}]
    bad = runner.invoke(args=["rules", "compare", "--basis", "stag_10", "--from-version", "1999",
                              "--to-version", "2025-10-30"])
    assert bad.exit_code == 1 and "version: stag_10 hat keine Fassung '1999'" in bad.output


def test_facts_doc_is_up_to_date(runner) -> None:
    result = runner.invoke(args=["rules", "facts-doc", "--check"])
    assert result.exit_code == 0, result.output
