"""Benchmark: all criteria of § 10 StAG and § 25b AufenthG for N synthetic persons (default 1,000,000),
vectorized (bulk SQL load → NumPy fact derivation → compiled rules), against a hand-written SQL count of
the persons eligible under one rule version (stag_10, Fassung 2025-10-30). Both run in the same process on
the same database, on SQLite and on PostgreSQL (a bench database filled from the SQLite file by COPY and
dropped afterwards); the counts must agree. Results go to bench/RESULTS.md (section "rules").

    .venv/bin/python bench/rules_bench.py [--persons 1000000] [--databases both] [--workers 2] [--regenerate]
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from _results import peak_rss_mib, write_section  # noqa: E402

AS_OF = dt.date(2026, 11, 22)
SQL_VERSION = ("stag_10", "2025-10-30")

# Hand-written SQL for stag_10 (2025-10-30) on the synthetic data: same criteria, SQL's NULL logic plays
# the role of "unknown" (only TRUE counts). Paragraph lists match the generator's paragraphs. Written once
# for both databases: {add('x', '6 months')} is date arithmetic, {T}/{F} are true/false of a boolean column.
SQL_COUNT = """
WITH per AS (
  SELECT person_id, status, paragraph, start, CASE WHEN end_date IS NULL OR end_date > :d THEN :d ELSE end_date END AS end_c
  FROM residence_periods WHERE start <= :d),
prot AS (SELECT DISTINCT person_id FROM per WHERE status = 'residence_permit' AND paragraph = '§ 25 Abs. 2 AufenthG'),
cnt AS (
  SELECT person_id, start, end_c FROM per
  WHERE status IN ('residence_permit','blue_card','settlement_permit','eu_long_term','eu_free_movement','fiktion','visa')
     OR (status = 'gestattung' AND person_id IN (SELECT person_id FROM prot))
     OR (status = 'abroad' AND end_c < {add('start', '6 months')})),
isl AS (
  SELECT person_id, start, end_c,
         MAX(end_c) OVER (PARTITION BY person_id ORDER BY start ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM cnt),
stretch AS (
  SELECT person_id, MAX(CASE WHEN prev_end IS NULL OR start > {add('prev_end', '1 day')} THEN start END) AS since,
         MAX(end_c) AS last_end FROM isl GROUP BY person_id),
cur AS (SELECT person_id, status, paragraph FROM residence_periods WHERE start <= :d AND (end_date IS NULL OR end_date >= :d)),
lang AS (
  SELECT person_id, MAX(CASE WHEN oral_only = {F} THEN lvl ELSE 0 END) AS level FROM (
    SELECT person_id, oral_only, CASE level WHEN 'A1' THEN 1 WHEN 'A2' THEN 2 WHEN 'B1' THEN 3 WHEN 'B2' THEN 4
           WHEN 'C1' THEN 5 WHEN 'C2' THEN 6 END AS lvl FROM language_certificates WHERE issued_on <= :d) l
  GROUP BY person_id),
civic AS (SELECT person_id, MAX(CASE WHEN passed = {T} THEN 1 ELSE 0 END) AS passed FROM civic_tests
          WHERE taken_on <= :d AND kind IN ('einbuergerungstest','leben_in_deutschland','school_degree') GROUP BY person_id),
checked AS (SELECT c.person_id FROM security_checks s JOIN cases c ON c.id = s.case_id
            WHERE s.kind = 'bzr' AND s.result IN ('no_findings','findings')
            UNION SELECT person_id FROM convictions),
conv AS (
  SELECT person_id,
         SUM(CASE WHEN sanction = 'fine' THEN daily_rates
                  WHEN sanction = 'prison' AND suspended = {T} AND remitted = {T} AND months <= 3 THEN months * 30 ELSE 0 END) AS days,
         MAX(CASE WHEN (sanction = 'prison' AND NOT (suspended = {T} AND remitted = {T} AND months <= 3))
                    OR sanction IN ('youth_sentence','measure') OR (inhuman_motive = {T} AND sanction <> 'youth_measure')
                  THEN 1 ELSE 0 END) AS excluded
  FROM convictions WHERE decided_on <= :d GROUP BY person_id),
regel AS (
  SELECT case_id, result FROM security_checks s
  WHERE kind = 'regelanfrage' AND id = (SELECT MAX(id) FROM security_checks s2 WHERE s2.case_id = s.case_id AND s2.kind = 'regelanfrage'))
SELECT COUNT(*) FROM cases c
JOIN persons p ON p.id = c.person_id
LEFT JOIN stretch st ON st.person_id = p.id
LEFT JOIN cur ON cur.person_id = p.id
LEFT JOIN lang ON lang.person_id = p.id
LEFT JOIN civic ON civic.person_id = p.id
LEFT JOIN checked ck ON ck.person_id = p.id
LEFT JOIN conv ON conv.person_id = p.id
LEFT JOIN livelihoods l ON l.person_id = p.id
LEFT JOIN regel r ON r.case_id = c.id
WHERE (st.last_end = :d AND {add('st.since', '5 years')} <= :d)
  AND p.identity_clarified = {T}
  AND (c.declaration_fdgo_on <= :d OR NOT ({add('p.date_of_birth', '16 years')} <= :d AND p.legally_incapacitated = {F}))
  AND c.declaration_historic_responsibility_on <= :d
  AND (cur.status IN ('settlement_permit','eu_long_term','blue_card','eu_free_movement')
       OR (cur.status IN ('residence_permit','fiktion')
           AND cur.paragraph NOT IN ('§ 16b AufenthG','§ 25 Abs. 5 AufenthG','§ 104c AufenthG','§ 24 AufenthG')))
  AND (l.receives_sgb2_sgb12 = {F} OR (p.guest_worker = {T} AND l.responsible_for_benefits = {F})
       OR (l.full_time_employed = {T} AND l.months_employed_last_24 >= 20)
       OR (c.received_on <= :cutoff AND l.responsible_for_benefits = {F}))
  AND (ck.person_id IS NOT NULL AND COALESCE(conv.excluded, 0) = 0 AND COALESCE(conv.days, 0) <= 90)
  AND (lang.level >= 3 OR {add('p.date_of_birth', '16 years')} > :d OR (p.guest_worker = {T} AND p.oral_everyday_german = {T})
       OR p.illness_or_disability = {T} OR p.age_related_inability = {T})
  AND (civic.passed = 1 OR NOT ({add('p.date_of_birth', '16 years')} <= :d AND p.legally_incapacitated = {F})
       OR p.guest_worker = {T} OR p.illness_or_disability = {T} OR p.age_related_inability = {T})
  AND (r.result = 'no_findings' OR {add('p.date_of_birth', '16 years')} > :d)
  AND p.pending_investigation = {F}
"""


def sql_count(dialect: str) -> str:
    """The baseline query for ``dialect`` (date arithmetic and boolean literals differ)."""
    def add(column: str, amount: str) -> str:
        if dialect == "postgresql":
            return f"CAST({column} + INTERVAL '{amount}' AS DATE)"
        return f"date({column}, '+{amount}')"

    true, false = ("TRUE", "FALSE") if dialect == "postgresql" else ("1", "0")
    text = SQL_COUNT.replace("{T}", true).replace("{F}", false)
    return re.sub(r"\{add\('([^']+)', '([^']+)'\)\}", lambda m: add(m.group(1), m.group(2)), text)


PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/ebh_rules_bench"
#: Tables of the synthetic register, in foreign-key order (for the copy to PostgreSQL).
TABLES = ("offices", "users", "persons", "nationalities", "residence_periods", "language_certificates", "civic_tests",
          "convictions", "livelihoods", "family_links", "cases", "security_checks")


def _pg_admin(url: str) -> tuple[str, str]:
    """libpq conninfo of the maintenance database and the name of the bench database."""
    parsed = sa.make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    return admin, parsed.database


def prepare_postgres(sqlite_path: Path, url: str, persons: int) -> None:
    """Create the bench database (unless it already holds ``persons`` persons) and copy the SQLite data."""
    import psycopg

    admin, name = _pg_admin(url)
    with psycopg.connect(admin, autocommit=True) as con:
        exists = con.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            target = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
            with psycopg.connect(target) as bench:
                try:
                    if bench.execute("SELECT count(*) FROM persons").fetchone()[0] == persons:
                        return
                except psycopg.Error:
                    pass
            con.execute(f'DROP DATABASE "{name}"')
        con.execute(f'CREATE DATABASE "{name}"')
    from ebh import create_app
    from ebh.extensions import db

    app = create_app({"ENV": "testing", "DATABASE_URL": url}, instance_path="/tmp/ebh_bench_inst")
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    source = sqlite3.connect(sqlite_path)
    target = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(target) as con, con.cursor() as cur:
        for table in TABLES:
            columns = [row[1] for row in source.execute(f"PRAGMA table_info({table})")]
            rows = source.execute(f"SELECT {', '.join(columns)} FROM {table}")
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                while block := rows.fetchmany(100_000):  # synthetic data: no tabs, newlines or backslashes
                    copy.write("".join("\t".join("\\N" if v is None else str(v) for v in row) + "\n" for row in block))
        con.commit()
        con.autocommit = True
        con.execute("VACUUM ANALYZE")
    source.close()


def drop_postgres(url: str) -> None:
    import psycopg

    admin, name = _pg_admin(url)
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')


def measure(url: str, chunk: int, workers: int) -> dict:
    """One run on one database (in its own process, so that peak RSS and CPU time are this run's)."""
    from ebh import create_app
    from ebh.extensions import db
    from ebh.rules import bulk, engine
    from ebh.rules.expr import VEnv
    from ebh.rules.facts import derive
    from ebh.rules.loader import load_rules

    rules = load_rules(ROOT / "rules")
    versions = {"stag_10": rules.in_force("stag_10", AS_OF), "aufenthg_25b": rules.in_force("aufenthg_25b", AS_OF)}
    assert rules.version(*SQL_VERSION) is versions["stag_10"], "the SQL encodes the stag_10 version in force on AS_OF"
    app = create_app({"ENV": "testing", "DATABASE_URL": url}, instance_path="/tmp/ebh_bench_inst")
    timings = {"wait_for_load": 0.0, "derive": 0.0, "evaluate": 0.0}
    outcome_counts = {basis: np.zeros(3, dtype=np.int64) for basis in versions}
    with app.app_context():
        dialect = db.engine.dialect.name
        if dialect == "sqlite":
            # ebh.db maps the SQLite file into memory (mmap_size); mapped file pages are OS page cache but would
            # count as this process's RSS, so the bench reads without mmap to measure the engine's own memory.
            sa.event.listen(db.engine, "connect", lambda dbapi, _record: dbapi.execute("PRAGMA mmap_size=0"))
            db.engine.dispose()
        session = db.session
        started, cpu_started = time.perf_counter(), time.process_time()
        chunks = bulk.iter_chunks(session, office_id=None, cases=sa.true(), chunk=chunk, workers=workers)
        while True:
            t0 = time.perf_counter()
            try:
                _, part = next(chunks)  # the persons' cases, each with the person's data
            except StopIteration:
                break
            t1 = time.perf_counter()
            facts = derive(part.batch, AS_OF)
            t2 = time.perf_counter()
            env = VEnv(facts, AS_OF, part.batch.n)
            for basis, version in versions.items():
                codes = engine.vector_outcomes(engine.vector_statuses(version, env), part.batch.n)
                outcome_counts[basis] += np.bincount(codes, minlength=3)
            t3 = time.perf_counter()
            timings["wait_for_load"] += t1 - t0
            timings["derive"] += t2 - t1
            timings["evaluate"] += t3 - t2
            del part, facts, env
        total = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        session.remove()
        rss = peak_rss_mib()
        params = ({"d": AS_OF, "cutoff": dt.date(2023, 8, 23)} if dialect == "postgresql"
                  else {"d": AS_OF.isoformat(), "cutoff": "2023-08-23"})
        with db.engine.connect() as con:
            started, cpu_started = time.perf_counter(), time.process_time()
            sql_eligible = con.execute(sa.text(sql_count(dialect)), params).scalar_one()
            sql_time = time.perf_counter() - started
        db.engine.dispose()
    names = {v: k for k, v in engine.OUTCOME_CODES.items()}
    return {
        "dialect": dialect, "total": total, "cpu": cpu, "rss": rss, "sql": sql_time, "sql_eligible": sql_eligible,
        "engine_eligible": int(outcome_counts["stag_10"][engine.OUTCOME_CODES["eligible"]]), **timings,
        "criteria": sum(len(v.criteria) for v in versions.values()),
        "versions": {basis: v.version for basis, v in versions.items()},
        "outcomes": {basis: {names[i]: int(c) for i, c in enumerate(values)} for basis, values in outcome_counts.items()},
    }


def report(args: argparse.Namespace, counts: str, runs: list[dict], load: str) -> str:
    first = runs[0]
    lines = [
        f"{args.persons:,} synthetic persons (one case each), stichtag {AS_OF}, chunks of {args.chunk:,}, "
        f"{args.workers} reader threads. Rows: {counts}. Load average before the runs: {load}.",
        "",
        "| step | " + " | ".join(r["dialect"] for r in runs) + " |",
        "|---|" + "---|" * len(runs),
        "| waiting for the bulk load (SQL → NumPy; overlaps with the steps below) | "
        + " | ".join(f"{r['wait_for_load']:.2f}" for r in runs) + " |",
        "| fact derivation (vectorized) | " + " | ".join(f"{r['derive']:.2f}" for r in runs) + " |",
        f"| evaluation, {first['criteria']} criteria of stag_10 {first['versions']['stag_10']} + aufenthg_25b "
        f"{first['versions']['aufenthg_25b']} | " + " | ".join(f"{r['evaluate']:.2f}" for r in runs) + " |",
        "| **engine total, wall** (target ≤ 10) | " + " | ".join(f"**{r['total']:.2f}**" for r in runs) + " |",
        "| engine CPU time of the Python process (all threads) | " + " | ".join(f"{r['cpu']:.1f}" for r in runs) + " |",
        "| peak RSS MiB (target < 1024) | " + " | ".join(f"{r['rss']:.0f}" for r in runs) + " |",
        f"| hand-written SQL count, stag_10 {SQL_VERSION[1]} only | " + " | ".join(f"{r['sql']:.2f}" for r in runs) + " |",
        "| ratio engine / SQL (target ≤ 5) | " + " | ".join(f"{r['total'] / r['sql']:.2f}" for r in runs) + " |",
        "| eligible under stag_10: engine / SQL | "
        + " | ".join(f"{r['engine_eligible']:,} / {r['sql_eligible']:,}" for r in runs) + " |",
        "",
        "SQLite is read without mmap (so that RSS is the engine's own memory). The CPU time of the PostgreSQL "
        "server processes is not in the CPU column.",
        "Outcomes: " + "; ".join(f"{basis}: " + ", ".join(f"{k} {v:,}" for k, v in values.items())
                                 for basis, values in first["outcomes"].items()),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=2, help="reader threads of the bulk loader (1: serial)")
    parser.add_argument("--db", type=Path, default=Path("/tmp/ebh_rules_bench.sqlite"))
    parser.add_argument("--databases", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--pg-url", default=PG_URL)
    parser.add_argument("--keep-pg", action="store_true", help="keep the PostgreSQL bench database for the next run")
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: one run on this URL, JSON to stdout
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.chunk, args.workers)))
        return

    marker = args.db.with_suffix(f".{args.persons}")
    if args.regenerate or not marker.exists():
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(ROOT / "bench" / "rules_data.py"), "--db", str(args.db),
                               "--persons", str(args.persons)], check=True, capture_output=True, text=True)
        marker.write_text(done.stdout.strip())
        print(f"generated in {time.perf_counter() - started:.1f} s: {done.stdout.strip()}")
    counts = marker.read_text()
    con = sqlite3.connect(args.db)
    con.execute("ANALYZE")
    con.close()
    urls = []
    if args.databases in ("sqlite", "both"):
        urls.append(f"sqlite:///{args.db}")
    if args.databases in ("postgresql", "both"):
        started = time.perf_counter()
        prepare_postgres(args.db, args.pg_url, args.persons)
        print(f"PostgreSQL database ready in {time.perf_counter() - started:.1f} s")
        urls.append(args.pg_url)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    runs = []
    try:
        for url in urls:
            done = subprocess.run([sys.executable, __file__, "--measure", url, "--chunk", str(args.chunk),
                                   "--workers", str(args.workers)], check=True, capture_output=True, text=True)
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(runs[-1]))
    finally:
        if args.databases in ("postgresql", "both") and not args.keep_pg:
            drop_postgres(args.pg_url)
    text = report(args, counts, runs, load)
    print(text)
    if not args.no_write:
        write_section("rules", "## Eligibility rules (bench/rules_bench.py)\n\n" + text)
    if any(r["engine_eligible"] != r["sql_eligible"] for r in runs):
        raise SystemExit("engine and SQL disagree")


if __name__ == "__main__":
    main()
