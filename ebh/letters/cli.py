"""``ebh letters ...``: check templates, print the field catalogue, create and run batches."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from ebh.auth.models import User
from ebh.db import transaction
from ebh.extensions import db
from ebh.letters import fields, worker
from ebh.letters.library import check_library
from ebh.letters.models import LetterBatch
from ebh.letters.service import LetterError, Selection, create_batch

letters_cli = AppGroup("letters", help="Briefvorlagen prüfen, Serienbriefe erstellen und verarbeiten.")


@letters_cli.command("check")
@click.option("--template", "template_id", default=None, help="Nur diese Vorlage prüfen.")
def check_command(template_id: str | None) -> None:
    """Alle Briefvorlagen prüfen (Jinja-Syntax, Platzhalter, Sprachfassungen); Exit-Code 1 bei Fehlern."""
    problems = check_library(current_app.config["LETTERS_DIR"], only=template_id)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} Problem(e) gefunden.", err=True)
        sys.exit(1)
    click.echo("Alle Briefvorlagen sind in Ordnung.")


@letters_cli.command("fields")
def fields_command() -> None:
    """Den Katalog der Brieffelder als Markdown ausgeben (Grundlage von docs/letters.md)."""
    click.echo(fields.catalogue_markdown())


def _progress(batch: LetterBatch) -> None:
    percent = 100 * batch.processed // batch.total if batch.total else 100
    click.echo(f"\rSerienbrief {batch.id}: {batch.processed}/{batch.total} ({percent} %), {batch.errors} Fehler",
               nl=False, err=True)


def _ids(text: str | None) -> list[int]:
    try:
        return [int(part) for part in (text or "").replace(";", ",").split(",") if part.strip()]
    except ValueError as exc:
        raise click.BadParameter("Erwartet werden Zahlen, durch Komma getrennt.") from exc


@letters_cli.command("batch")
@click.option("--template", "template_id", required=True, help="Kennung der Briefvorlage, z. B. naturalization_info.")
@click.option("--user", "username", required=True, help="Benutzername, in dessen Namen die Briefe erstellt werden.")
@click.option("--language", default="", help="Feste Sprache; ohne Angabe die Wunschsprache jeder Person.")
@click.option("--cases", default=None, help="Fall-IDs, durch Komma getrennt.")
@click.option("--file-numbers", default=None, help="Aktenzeichen, durch Komma getrennt.")
@click.option("--persons", default=None, help="Personen-IDs, durch Komma getrennt.")
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="CSV-Datei mit Spalte person_id oder aktenzeichen.")
@click.option("--set", "values", multiple=True, metavar="FELD=WERT", help="Eingabefeld, z. B. ceremony.date=2027-05-28.")
@click.option("--date", "letter_date", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Briefdatum.")
@click.option("--no-run", is_flag=True, help="Nur anlegen; ein laufender ``ebh letters work`` verarbeitet ihn.")
@click.option("--pool", type=int, default=None, help="Anzahl Render-Prozesse (Standard: LETTERS_POOL_SIZE).")
@click.option("--chunk", type=int, default=None, help="Briefe pro Transaktion (Standard: LETTERS_CHUNK_SIZE).")
def batch_command(template_id, username, language, cases, file_numbers, persons, csv_path, values, letter_date,
                  no_run, pool, chunk) -> None:
    """Einen Serienbrief anlegen und (ohne --no-run) sofort mit Fortschrittsanzeige verarbeiten."""
    actor = db.session.scalar(sa.select(User).where(User.username == username))
    if actor is None or not actor.active:
        raise click.ClickException(f"Benutzer „{username}“ gibt es nicht oder er ist gesperrt.")
    raw_inputs = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep:
            raise click.BadParameter(f"„{value}“: erwartet FELD=WERT.", param_hint="--set")
        raw_inputs[key.strip()] = text
    selection = Selection(case_ids=_ids(cases), person_ids=_ids(persons),
                          file_numbers=[n.strip() for n in (file_numbers or "").split(",") if n.strip()],
                          csv_text=csv_path.read_text(encoding="utf-8-sig") if csv_path else None)
    try:
        with transaction():
            batch = create_batch(actor, template_id, selection, language=language, raw_inputs=raw_inputs,
                                 letter_date=letter_date.date() if isinstance(letter_date, dt.datetime) else None)
            batch_id = batch.id
    except LetterError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(exc.message) from exc
    click.echo(f"Serienbrief {batch_id} angelegt.")
    if no_run:
        return
    _run(batch_id, pool, chunk)


def _run(batch_id: int, pool: int | None, chunk: int | None) -> None:
    try:
        batch = worker.run_batch(batch_id, pool_size=pool, chunk_size=chunk, progress=_progress)
    except worker.BatchBusy as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo("", err=True)
    click.echo(f"Serienbrief {batch.id}: {batch.status}, {batch.done} Briefe, {batch.errors} Fehler. {batch.message}")
    if batch.zip_path:
        click.echo(f"ZIP: {Path(current_app.config['DATA_DIR']) / batch.zip_path}")


@letters_cli.command("work")
@click.option("--batch", "batch_id", type=int, default=None, help="Nur diesen Serienbrief verarbeiten (oder fortsetzen).")
@click.option("--once", is_flag=True, help="Beenden, wenn nichts mehr zu tun ist.")
@click.option("--pool", type=int, default=None, help="Anzahl Render-Prozesse.")
@click.option("--chunk", type=int, default=None, help="Briefe pro Transaktion.")
def work_command(batch_id: int | None, once: bool, pool: int | None, chunk: int | None) -> None:
    """Hintergrunddienst: angelegte (oder abgebrochene) Serienbriefe verarbeiten."""
    if batch_id is not None:
        _run(batch_id, pool, chunk)
        return
    count = worker.work(once=once, progress=_progress)
    click.echo(f"{count} Serienbrief(e) verarbeitet.")
