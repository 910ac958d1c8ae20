"""``ebh rules ...``: check the rule files, evaluate a person or case, compare versions, fact catalogue."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from ebh.rules import engine

rules_cli = AppGroup("rules", help="Eligibility rules: check, eval, compare, facts-doc.")


def _date(value: str | None, field: str = "date") -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.ClickException(f"--{field}: {value!r} ist kein gültiges Datum (JJJJ-MM-TT)") from None


@rules_cli.command("check")
@click.option("--dir", "directory", type=click.Path(), default=None, help="Ordner mit Regeldateien (Standard: RULES_DIR).")
def check_command(directory: str | None) -> None:
    """Validate every rule file, the validity periods and all examples (exit 1 on any error)."""
    from ebh.rules.loader import RulesError, load_rules

    folder = directory or current_app.config["RULES_DIR"]
    try:
        ruleset = load_rules(folder)
    except RulesError as exc:
        for error in exc.errors:
            click.echo(f"FEHLER {error}", err=True)
        raise click.ClickException(f"{len(exc.errors)} Fehler in {folder}") from None
    examples = 0
    for basis, versions in ruleset.bases.items():
        for version in versions:
            examples += len(version.examples)
            click.echo(f"ok  {basis:14} {version.version:11} {version.valid_from} bis {str(version.valid_to or 'offen'):10} "
                       f"{len(version.criteria):2} Kriterien, {len(version.examples):2} Beispiele  {version.path}")
    click.echo(f"{len(ruleset.all_versions())} Regelfassungen, {examples} Beispiele bestanden.")


@rules_cli.command("eval")
@click.option("--basis", required=True, help="Rechtsgrundlage, z. B. stag_10, aufenthg_25b.")
@click.option("--date", "date_text", default=None, help="Stichtag JJJJ-MM-TT (Standard: heute).")
@click.option("--facts", "facts_file", type=click.Path(dir_okay=False), default=None,
              help="JSON-Datei mit den Rohdaten einer Person (Format: docs/rules.md).")
@click.option("--case", "file_number", default=None, help="Aktenzeichen eines Falls (Auswertung wird gespeichert).")
@click.option("--office", "office_code", default=None, help="Behördenkürzel, wenn das Aktenzeichen nicht eindeutig ist.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json")
def eval_command(basis: str, date_text: str | None, facts_file: str | None, file_number: str | None,
                 office_code: str | None, fmt: str) -> None:
    """Evaluate a person (--facts) or a case (--case) for a legal basis on a date."""
    from ebh.rules import service

    on = _date(date_text)
    if (facts_file is None) == (file_number is None):
        raise click.ClickException("genau eine der Optionen --facts oder --case angeben")
    try:
        if facts_file is not None:
            result = service.evaluate_record(basis, _read_json(facts_file), on)[2]
        else:
            result = _eval_case(basis, file_number, office_code, on)  # type: ignore[arg-type]
    except service.EvaluationError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        click.echo(engine.render_text(result))


def _read_json(path: str) -> object:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise click.ClickException(f"--facts: Datei nicht lesbar: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"--facts: kein gültiges JSON ({exc})") from None


def _eval_case(basis: str, file_number: str, office_code: str | None, on: dt.date) -> dict:
    from ebh.auth.models import Office
    from ebh.cases.models import Case
    from ebh.db import transaction
    from ebh.extensions import db
    from ebh.rules import service

    query = sa.select(Case).where(Case.file_number == file_number)
    if office_code:
        query = query.join(Office, Office.id == Case.office_id).where(Office.code == office_code)
    cases = list(db.session.scalars(query))
    if not cases:
        raise click.ClickException(f"--case: kein Fall mit Aktenzeichen {file_number!r}"
                                   + (f" in Behörde {office_code}" if office_code else ""))
    if len(cases) > 1:
        raise click.ClickException(f"--case: Aktenzeichen {file_number!r} gibt es in mehreren Behörden; --office angeben")
    case = cases[0]
    if case.case_type.value != basis:
        raise click.ClickException(f"--basis: Fall {file_number} hat die Rechtsgrundlage {case.case_type.value}, "
                                   f"nicht {basis}")
    with transaction():
        row = service.store_evaluation(None, case, on, trigger="cli")
        return row.result


@rules_cli.command("compare")
@click.option("--basis", required=True)
@click.option("--from-version", "from_version", required=True)
@click.option("--to-version", "to_version", required=True)
@click.option("--date", "date_text", default=None, help="Stichtag (Standard: heute).")
@click.option("--office", "office_code", default=None, help="Nur diese Behörde (Standard: alle).")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text")
def compare_command(basis: str, from_version: str, to_version: str, date_text: str | None, office_code: str | None,
                    fmt: str) -> None:
    """How many open cases and register persons change outcome between two rule versions, and which
    (file numbers and person ids only)."""
    from ebh.auth.models import Office
    from ebh.extensions import db
    from ebh.rules import service

    office_id = None
    if office_code:
        office = db.session.scalar(sa.select(Office).where(Office.code == office_code))
        if office is None:
            raise click.ClickException(f"--office: unbekannte Behörde {office_code!r}")
        office_id = office.id
    try:
        report = service.compare(None, basis, from_version, to_version, _date(date_text), office_id=office_id)
    except service.EvaluationError as exc:
        raise click.ClickException(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{basis}: Fassung {from_version} → {to_version}, Stichtag {report.as_of.isoformat()}")
    for kind, label in (("cases", "Offene Fälle"), ("persons", "Personen im Register")):
        changed = sum(n for (a, b), n in report.transitions[kind].items() if a != b)
        click.echo(f"{label}: {report.totals[kind]}, davon mit anderem Ergebnis: {changed}")
        for (a, b), n in sorted(report.transitions[kind].items()):
            if a != b:
                click.echo(f"  {a} → {b}: {n}")
    for file_number, case_id, a, b in report.changed_cases:
        click.echo(f"Fall {file_number} (id {case_id}): {a} → {b}")
    for person_id, a, b in report.changed_persons:
        click.echo(f"Person {person_id}: {a} → {b}")


@rules_cli.command("facts-doc")
@click.option("--output", type=click.Path(dir_okay=False), default=None, help="Standard: docs/facts.md")
@click.option("--check", is_flag=True, help="Nur prüfen, ob die Datei aktuell ist (exit 1 sonst).")
def facts_doc_command(output: str | None, check: bool) -> None:
    """Write the fact catalogue (docs/facts.md) from the code."""
    from ebh.config import PROJECT_ROOT
    from ebh.rules.docs import facts_markdown

    path = Path(output) if output else PROJECT_ROOT / "docs" / "facts.md"
    text = facts_markdown()
    if check:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            raise click.ClickException(f"{path} ist nicht aktuell: ebh rules facts-doc ausführen")
        click.echo(f"{path} ist aktuell.")
        return
    path.write_text(text, encoding="utf-8")
    click.echo(f"{path} geschrieben ({text.count(chr(10))} Zeilen).")
