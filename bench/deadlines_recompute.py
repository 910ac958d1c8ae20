"""Bench: recompute all deadlines and reminders of 1,000,000 cases (PostgreSQL).

Synthetic office: persons with a current residence document (Duldung, Fiktionsbescheinigung or permit
expiring within ±1 year), cases received over the last two years (10 % decided), a requested document with
a deadline and a received proof of income per case. Runs the nightly job's code path
(:func:`ebh.deadlines.service.recompute_cases` per chunk of 1,000 cases, one commit per chunk) twice: the
first run derives everything, the second finds nothing to change (idempotency). Baseline in the same run:
the same service called case by case (one call and one commit per case, as a naive loop over
``recompute_case`` would), measured on a sample and extrapolated.

    .venv/bin/python bench/deadlines_recompute.py [--cases 1000000] [--baseline 2000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from bench._results import peak_rss_mib, write_section  # noqa: E402
from bench.deadlines_seed import base, fresh_database, insert_series  # noqa: E402

DB_NAME = "ebh_bench_deadlines"


def seed(conn: sa.Connection, cases: int) -> None:
    from ebh.cases.models import Case, CaseDocument, ResidencePeriod

    base(conn, persons=cases)
    insert_series(conn, ResidencePeriod.__table__, cases, {
        "person_id": "g",
        "status": "(ARRAY['duldung','fiktion','residence_permit','duldung_60d'])[1 + g % 4]",
        "start": "current_date - 400", "valid_until": "current_date - 365 + ((g::bigint * 7919) % 730)::int",
    })
    insert_series(conn, Case.__table__, cases, {
        "office_id": "1", "person_id": "g", "file_number": "'KOE-N-' || lpad(g::text, 8, '0')",
        "case_type": "'stag_10'", "family": "'naturalization'",
        "status": "CASE WHEN g % 10 = 0 THEN 'refused' ELSE 'in_review' END",
        "received_on": "current_date - (g * 31) % 730",
        "decided_on": "CASE WHEN g % 10 = 0 THEN current_date ELSE NULL END",
        "outcome": "CASE WHEN g % 10 = 0 THEN 'refused' ELSE NULL END",
        "last_office_action_on": "CASE WHEN g % 2 = 0 THEN current_date - (g * 13) % 120 ELSE NULL END",
        "assigned_to_id": "1 + g % 50",
    })
    insert_series(conn, CaseDocument.__table__, cases, {
        "case_id": "g", "document_type": "'passport'", "requested_on": "current_date - 30",
        "deadline": "current_date - 20 + (g * 17) % 60",
        "received_on": "CASE WHEN g % 3 = 0 THEN current_date - 5 ELSE NULL END",
    })
    insert_series(conn, CaseDocument.__table__, cases, {
        "case_id": "g", "document_type": "'proof_of_income'", "received_on": "current_date - 40",
        "issued_on": "current_date - 60 - (g % 90)",
    })
    conn.execute(sa.text("ANALYZE"))


def recompute_all(app) -> tuple[float, object]:
    from ebh.db import transaction
    from ebh.deadlines import service
    from ebh.extensions import db

    total = service.RecomputeStats()
    started = time.perf_counter()
    with app.app_context():
        for ids in service.iter_case_id_chunks():
            with transaction():
                total.add(service.recompute_cases(ids))
            db.session.expire_all()
        db.session.remove()
    return time.perf_counter() - started, total


def baseline(app, sample: int) -> float:
    """Case by case: one ``recompute_case`` call and one commit per case, on fresh cases; cases per second."""
    from ebh.cases.models import Case
    from ebh.db import transaction
    from ebh.deadlines import service
    from ebh.deadlines.models import Deadline, Reminder
    from ebh.extensions import db

    with app.app_context():
        ids = list(db.session.scalars(sa.select(Case.id).order_by(Case.id).limit(sample)))
        with transaction():
            deadline_ids = sa.select(Deadline.id).where(Deadline.case_id.in_(ids))
            db.session.execute(sa.delete(Reminder).where(Reminder.deadline_id.in_(deadline_ids)))
            db.session.execute(sa.delete(Deadline).where(Deadline.case_id.in_(ids)))
        started = time.perf_counter()
        for case_id in ids:
            with transaction():
                service.recompute_case(None, db.session.get(Case, case_id))
        elapsed = time.perf_counter() - started
        db.session.remove()
    return sample / elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=2_000)
    args = parser.parse_args()

    from ebh import create_app
    from ebh.extensions import db

    url = fresh_database(DB_NAME)
    app = create_app({"ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": "bench"}, instance_path="/tmp/ebh-bench")
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        with db.engine.begin() as conn:
            seed(conn, args.cases)
        seeding = time.perf_counter() - started
    print(f"seeded {args.cases:,} cases in {seeding:.0f} s", flush=True)

    first, stats1 = recompute_all(app)
    print(f"first run {first:.0f} s: {stats1}", flush=True)
    second, stats2 = recompute_all(app)
    print(f"second run {second:.0f} s: {stats2}", flush=True)
    naive = baseline(app, args.baseline)
    print(f"baseline {naive:.0f} cases/s", flush=True)
    with app.app_context():
        with db.engine.connect() as conn:
            deadlines = conn.scalar(sa.text("SELECT count(*) FROM deadlines"))
            reminders = conn.scalar(sa.text("SELECT count(*) FROM reminders"))
            events = conn.scalar(sa.text("SELECT count(*) FROM audit_events"))
        db.engine.dispose()

    body = f"""### Recomputing all deadlines (`bench/deadlines_recompute.py`)

{args.cases:,} cases (90 % open) with a current residence document, a requested document with a deadline and a
received proof of income each; PostgreSQL; the nightly job's code path (chunks of 1,000 cases, one commit per
chunk, one process).

| run | time | cases/s | deadlines created | changed | cancelled/settled | reminders created |
|---|---:|---:|---:|---:|---:|---:|
| first (derive everything) | {first:,.0f} s | {args.cases / first:,.0f} | {stats1.created:,} | {stats1.changed:,} | {stats1.cancelled + stats1.settled:,} | {stats1.reminders_created:,} |
| second (nothing changed) | {second:,.0f} s | {args.cases / second:,.0f} | {stats2.created:,} | {stats2.changed:,} | {stats2.cancelled + stats2.settled:,} | {stats2.reminders_created:,} |
| baseline: case by case, one commit each ({args.baseline:,} cases) | {args.baseline / naive:,.1f} s | {naive:,.0f} | | | | |

- Rows afterwards: {deadlines:,} deadlines, {reminders:,} reminders, {events:,} audit events (one per case whose
  deadlines changed). Case by case, {args.cases:,} cases would take about {args.cases / naive / 60:,.0f} min.
- Seeding: {seeding:,.0f} s. Peak RSS of the bench process: {peak_rss_mib():,.0f} MiB (chunks keep memory flat).
"""
    write_section("deadlines-recompute", body)
    print(body)


if __name__ == "__main__":
    main()
