"""``ebh scheduler …`` (the only process that runs periodic jobs) and ``ebh deadlines …`` (operator tools).

Web workers never start a scheduler. ``ebh scheduler run`` holds an APScheduler 3.x BlockingScheduler
with fixed jobs; it may run on several hosts at once because claiming reminders is atomic
(:mod:`ebh.deadlines.dispatch`).
"""
from __future__ import annotations

import datetime as dt
import logging
import signal
import time
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import with_appcontext

from ebh.db import transaction, utcnow
from ebh.deadlines import calendar, dispatch, service
from ebh.extensions import db

log = logging.getLogger("ebh.scheduler")


# --- jobs (each runs in its own app context and transaction(s)) ------------------------------------

def job_dispatch(app: Flask, worker_id: str) -> dispatch.DispatchResult:
    with app.app_context():
        try:
            dispatch.release_stale_claims(app)
            result = dispatch.dispatch_due(app, worker_id=worker_id)
            if result.claimed:
                log.info("dispatch: %s", result)
            return result
        finally:
            db.session.remove()


def job_recompute(app: Flask) -> service.RecomputeStats:
    """Nightly: recompute every case (dates move with time: § 75 marks, reminders of past offsets).
    Commits per chunk so that a million cases do not become one huge transaction."""
    total = service.RecomputeStats()
    with app.app_context():
        try:
            for ids in service.iter_case_id_chunks():
                with transaction():
                    total.add(service.recompute_cases(ids))
            log.info("recompute: %s", total)
        finally:
            db.session.remove()
    return total


def job_housekeeping(app: Flask) -> None:
    from ebh.auth.sessions import purge_expired_sessions

    with app.app_context():
        try:
            dispatch.release_stale_claims(app)
            with transaction():
                purged = purge_expired_sessions()
            if purged:
                log.info("housekeeping: purged %d sessions", purged)
        finally:
            db.session.remove()


def build_scheduler(app: Flask, *, worker_id: str, dispatch_seconds: int = 60) -> Any:
    from apscheduler.schedulers.blocking import BlockingScheduler

    from ebh.deadlines.reminders import TZ

    scheduler = BlockingScheduler(
        timezone=TZ, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 600}
    )
    now = dt.datetime.now(TZ)
    scheduler.add_job(job_dispatch, "interval", seconds=dispatch_seconds, id="dispatch_due_reminders",
                      args=[app, worker_id], next_run_time=now, replace_existing=True)
    scheduler.add_job(job_housekeeping, "interval", minutes=10, id="housekeeping", args=[app],
                      next_run_time=now, replace_existing=True)
    scheduler.add_job(job_recompute, "cron", hour=2, minute=30, id="recompute_deadlines", args=[app],
                      replace_existing=True)
    return scheduler


# --- ebh scheduler ------------------------------------------------------------------------------------

@click.group("scheduler")
def scheduler_cli() -> None:
    """Periodic jobs: reminder dispatch, nightly recomputation, housekeeping."""


@scheduler_cli.command("run")
@click.option("--dispatch-seconds", default=60, show_default=True, help="Interval of the dispatch job.")
@with_appcontext
def run_command(dispatch_seconds: int) -> None:
    """Run the scheduler in the foreground until SIGTERM/SIGINT."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    worker = dispatch.new_worker_id()
    scheduler = build_scheduler(app, worker_id=worker, dispatch_seconds=dispatch_seconds)

    def _stop(signum: int, frame: Any) -> None:
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, _stop)
    click.echo(f"scheduler {worker} started")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    click.echo(f"scheduler {worker} stopped")


@scheduler_cli.command("dispatch-once")
@click.option("--lanes", type=int, default=None, help="Parallel SMTP connections (default REMINDER_SMTP_CONNECTIONS).")
@click.option("--batch-size", type=int, default=None)
@with_appcontext
def dispatch_once_command(lanes: int | None, batch_size: int | None) -> None:
    """Release stale claims, then send every due reminder and exit (for ops and tests)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    released = dispatch.release_stale_claims(app)
    result = dispatch.dispatch_due(app, lanes=lanes, batch_size=batch_size)
    click.echo(f"released={released} claimed={result.claimed} sent={result.sent} retried={result.retried} "
               f"failed={result.failed} lost_claims={result.lost_claims}")


@scheduler_cli.command("release-stale")
@with_appcontext
def release_stale_command() -> None:
    """Return reminder claims older than REMINDER_CLAIM_TIMEOUT_SECONDS to the queue."""
    click.echo(f"released={dispatch.release_stale_claims(current_app._get_current_object())}")  # type: ignore[attr-defined]


@scheduler_cli.command("recompute")
@click.option("--office", "office_code", default=None, help="Only this office (code).")
@with_appcontext
def recompute_command(office_code: str | None) -> None:
    """Recompute the deadlines and reminders of all cases now."""
    from ebh.auth.models import Office

    office_id = None
    if office_code:
        office_id = db.session.scalar(sa.select(Office.id).where(Office.code == office_code))
        if office_id is None:
            raise click.UsageError(f"Unbekannte Behörde {office_code!r}.")
    started = time.perf_counter()
    total = service.RecomputeStats()
    for ids in service.iter_case_id_chunks(office_id):
        with transaction():
            total.add(service.recompute_cases(ids))
    click.echo(f"{total} in {time.perf_counter() - started:.1f} s")


# --- ebh deadlines ------------------------------------------------------------------------------------

@click.group("deadlines")
def deadlines_cli() -> None:
    """Deadline tools: compute a period, import office closing days."""


@deadlines_cli.command("compute")
@click.option("--from", "event", required=True, help="Event date (TT.MM.JJJJ or JJJJ-MM-TT).")
@click.option("--days", type=int, default=0)
@click.option("--weeks", type=int, default=0)
@click.option("--months", type=int, default=0)
@click.option("--years", type=int, default=0)
@click.option("--bundesland", default=None, help="Default: DEFAULT_BUNDESLAND.")
@click.option("--termin", is_flag=True, help="A fixed appointment: does not move off weekends and holidays.")
@with_appcontext
def compute_command(event: str, days: int, weeks: int, months: int, years: int, bundesland: str | None,
                    termin: bool) -> None:
    """Print the end of a period per § 31 VwVfG NRW and §§ 187–193 BGB."""
    try:
        [(start, _)] = service.parse_closing_days([event])
        end = calendar.compute_deadline(
            start, days=days, weeks=weeks, months=months, years=years,
            bundesland=bundesland or current_app.config["DEFAULT_BUNDESLAND"],
            kind=calendar.TERMIN if termin else calendar.FRIST,
        )
    except (calendar.CalendarError, service.DeadlineError) as exc:
        raise click.UsageError(str(exc)) from exc
    click.echo(end.strftime("%d.%m.%Y"))


@deadlines_cli.command("import-closing-days")
@click.option("--user", "username", required=True, help="Admin account the import is recorded for.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_closing_days_command(username: str, path: Path) -> None:
    """Import office closing days from a file (one line per day: TT.MM.JJJJ;Anlass). All or nothing."""
    from ebh.auth.models import User

    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None:
        raise click.UsageError(f"Unbekannter Benutzer {username!r}.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise click.UsageError(f"{path}: keine UTF-8-Datei.") from exc
    try:
        with transaction():
            added = service.add_closing_days(user, service.parse_closing_days(text.splitlines()))
    except service.DeadlineError as exc:
        raise click.UsageError(f"{path}: {exc} – nichts übernommen.") from exc
    click.echo(f"{len(added)} Schließtag(e) übernommen ({utcnow():%Y-%m-%d}).")
