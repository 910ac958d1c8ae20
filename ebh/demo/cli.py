"""The ``ebh demo`` command."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ebh.demo import data
from ebh.demo.load import (
    DEMO_PASSWORD,
    REBUILD_INDEXES_FROM,
    existing_demo_users,
    has_persons,
    load_demo,
    vacuum_after_load,
)
from ebh.extensions import db

_ROLE_LABELS = {"caseworker": "Sachbearbeitung", "campaign": "Kampagne", "supervisor": "Teamleitung",
                "admin": "Administration"}


def format_logins(users: list[tuple[str, str, str]], password: str) -> str:
    """The "Demo-Zugänge" block: one line per office and role, caseworkers folded into a range."""
    lines = [f"Demo-Zugänge (Passwort für alle: {password}):"]
    by_office: dict[str, dict[str, list[str]]] = {}
    for username, role, office in users:
        by_office.setdefault(office, {}).setdefault(role, []).append(username)
    for office, roles in by_office.items():
        parts = []
        for role, label in _ROLE_LABELS.items():
            names = roles.get(role, [])
            if names:
                shown = names[0] if len(names) == 1 else f"{names[0]} … {names[-1]}"
                parts.append(f"{shown} ({label})")
        lines.append(f"  {office}: " + ", ".join(parts))
    return "\n".join(lines)


@click.command("demo")
@click.option("--persons", default=300, show_default=True, type=click.IntRange(1, 5_000_000),
              help="Anzahl der Personen.")
@click.option("--seed", default=1, show_default=True, type=int, help="Startwert des Zufallsgenerators.")
@click.option("--offices", default=5, show_default=True, type=click.IntRange(1, len(data.OFFICES)),
              help="Anzahl der Demo-Behörden.")
@click.option("--if-empty", is_flag=True, help="Nur laden, wenn noch keine Personen gespeichert sind.")
@with_appcontext
def demo_command(persons: int, seed: int, offices: int, if_empty: bool) -> None:
    """Load synthetic demo data (offices, users, persons, cases) in one transaction."""
    from ebh.db import transaction

    if if_empty and has_persons():
        click.echo("Es sind bereits Personen gespeichert – keine Demodaten geladen.")
        users = existing_demo_users(offices)
        if users:
            click.echo(format_logins(users, DEMO_PASSWORD))
        return

    def progress(done: int, total: int) -> None:
        if total >= 50_000 and done * 20 // total != (done - 1) * 20 // total:
            click.echo(f"  {done:,} / {total:,} Personen".replace(",", "."), err=True)

    with transaction():
        result = load_demo(persons, seed, offices, progress=progress)
    rows = sum(result.rows.values())
    click.echo(f"Demodaten geladen: {result.persons} Personen, {result.cases} Fälle, {rows} Zeilen "
               f"in {result.seconds:.1f} s.")
    if persons >= REBUILD_INDEXES_FROM and db.engine.dialect.name == "postgresql":
        click.echo(f"VACUUM ANALYZE in {vacuum_after_load():.1f} s.")
    click.echo(format_logins(result.users, result.password))
