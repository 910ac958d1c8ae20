"""Benchmark: all criteria of § 10 StAG and § 25b AufenthG for N synthetic persons (default 1,000,000),
vectorized (bulk SQL load → NumPy fact derivation → compiled rules), against a hand-written SQL count of
the persons eligible under one rule version (stag_10, Fassung 2025-10-30). Both run in the same process on
the same SQLite database; the counts must agree. Results go to bench/RESULTS.md (section "rules").

    .venv/bin/python bench/rules_bench.py [--persons 1000000] [--regenerate]
"""
from __future__ import annotations

import argparse
import datetime as dt
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
# the role of "unknown" (only TRUE counts). Paragraph lists match the generator's paragraphs.
SQL_COUNT = """
WITH per AS (
  SELECT person_id, status, paragraph, start, CASE WHEN end_date IS NULL OR end_date > :d THEN :d ELSE end_date END AS end_c
  FROM residence_periods WHERE start <= :d),
prot AS (SELECT DISTINCT person_id FROM per WHERE status = 'residence_permit' AND paragraph = '§ 25 Abs. 2 AufenthG'),
cnt AS (
  SELECT person_id, start, end_c FROM per
  WHERE status IN ('residence_permit','blue_card','settlement_permit','eu_long_term','eu_free_movement','fiktion','visa')
     OR (status = 'gestattung' AND person_id IN (SELECT person_id FROM prot))
     OR (status = 'abroad' AND end_c < date(start, '+6 months'))),
isl AS (
  SELECT person_id, start, end_c,
         MAX(end_c) OVER (PARTITION BY person_id ORDER BY start ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end
  FROM cnt),
stretch AS (
  SELECT person_id, MAX(CASE WHEN prev_end IS NULL OR start > date(prev_end, '+1 day') THEN start END) AS since,
         MAX(end_c) AS last_end FROM isl GROUP BY person_id),
cur AS (SELECT person_id, status, paragraph FROM residence_periods WHERE start <= :d AND (end_date IS NULL OR end_date >= :d)),
lang AS (
  SELECT person_id, MAX(CASE WHEN oral_only = 0 THEN lvl ELSE 0 END) AS level FROM (
    SELECT person_id, oral_only, CASE level WHEN 'A1' THEN 1 WHEN 'A2' THEN 2 WHEN 'B1' THEN 3 WHEN 'B2' THEN 4
           WHEN 'C1' THEN 5 WHEN 'C2' THEN 6 END AS lvl FROM language_certificates WHERE issued_on <= :d)
  GROUP BY person_id),
civic AS (SELECT person_id, MAX(passed) AS passed FROM civic_tests
          WHERE taken_on <= :d AND kind IN ('einbuergerungstest','leben_in_deutschland','school_degree') GROUP BY person_id),
checked AS (SELECT c.person_id FROM security_checks s JOIN cases c ON c.id = s.case_id
            WHERE s.kind = 'bzr' AND s.result IN ('no_findings','findings')
            UNION SELECT person_id FROM convictions),
conv AS (
  SELECT person_id,
         SUM(CASE WHEN sanction = 'fine' THEN daily_rates
                  WHEN sanction = 'prison' AND suspended = 1 AND remitted = 1 AND months <= 3 THEN months * 30 ELSE 0 END) AS days,
         MAX(CASE WHEN (sanction = 'prison' AND NOT (suspended = 1 AND remitted = 1 AND months <= 3))
                    OR sanction IN ('youth_sentence','measure') OR (inhuman_motive = 1 AND sanction <> 'youth_measure')
                  THEN 1 ELSE 0 END) AS excluded
  FROM convictions WHERE decided_on <= :d GROUP BY person_id),
minor_child AS (
  SELECT DISTINCT f.person_id FROM family_links f JOIN persons k ON k.id = f.relative_id
  WHERE f.relation = 'child' AND f.same_household = 1 AND k.date_of_birth <= :d AND date(k.date_of_birth, '+18 years') > :d),
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
WHERE (st.last_end = :d AND date(st.since, '+5 years') <= :d)
  AND p.identity_clarified = 1
  AND (c.declaration_fdgo_on <= :d OR NOT (date(p.date_of_birth, '+16 years') <= :d AND p.legally_incapacitated = 0))
  AND c.declaration_historic_responsibility_on <= :d
  AND (cur.status IN ('settlement_permit','eu_long_term','blue_card','eu_free_movement')
       OR (cur.status IN ('residence_permit','fiktion')
           AND cur.paragraph NOT IN ('§ 16b AufenthG','§ 25 Abs. 5 AufenthG','§ 104c AufenthG','§ 24 AufenthG')))
  AND (l.receives_sgb2_sgb12 = 0 OR (p.guest_worker = 1 AND l.responsible_for_benefits = 0)
       OR (l.full_time_employed = 1 AND l.months_employed_last_24 >= 20)
       OR (c.received_on <= '2023-08-23' AND l.responsible_for_benefits = 0))
  AND (ck.person_id IS NOT NULL AND COALESCE(conv.excluded, 0) = 0 AND COALESCE(conv.days, 0) <= 90)
  AND (lang.level >= 3 OR date(p.date_of_birth, '+16 years') > :d OR (p.guest_worker = 1 AND p.oral_everyday_german = 1)
       OR p.illness_or_disability = 1 OR p.age_related_inability = 1)
  AND (civic.passed = 1 OR NOT (date(p.date_of_birth, '+16 years') <= :d AND p.legally_incapacitated = 0)
       OR p.guest_worker = 1 OR p.illness_or_disability = 1 OR p.age_related_inability = 1)
  AND (r.result = 'no_findings' OR date(p.date_of_birth, '+16 years') > :d)
  AND p.pending_investigation = 0
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=250_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/ebh_rules_bench.sqlite"))
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    args = parser.parse_args()

    from ebh import create_app
    from ebh.extensions import db
    from ebh.rules import bulk, engine
    from ebh.rules.expr import VEnv
    from ebh.rules.facts import derive
    from ebh.rules.loader import load_rules

    marker = args.db.with_suffix(f".{args.persons}")
    if args.regenerate or not marker.exists():
        # A separate process, so that generating does not count towards this process's peak memory.
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(ROOT / "bench" / "rules_data.py"), "--db", str(args.db),
                               "--persons", str(args.persons)], check=True, capture_output=True, text=True)
        marker.write_text(done.stdout.strip())
        print(f"generated in {time.perf_counter() - started:.1f} s: {done.stdout.strip()}")
    counts = marker.read_text()
    con = sqlite3.connect(args.db)
    con.execute("ANALYZE")
    con.close()

    rules = load_rules(ROOT / "rules")
    versions = {"stag_10": rules.in_force("stag_10", AS_OF), "aufenthg_25b": rules.in_force("aufenthg_25b", AS_OF)}
    sql_version = rules.version(*SQL_VERSION)
    app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{args.db}"}, instance_path="/tmp/ebh_bench_inst")
    timings = {"load": 0.0, "derive": 0.0, "evaluate": 0.0}
    outcome_counts = {basis: np.zeros(3, dtype=np.int64) for basis in versions}
    criteria = sum(len(v.criteria) for v in versions.values())
    with app.app_context():
        session = db.session
        # ebh.db maps the SQLite file into memory (mmap_size); mapped file pages are OS page cache but would
        # count as this process's RSS, so the bench reads without mmap to measure the engine's own memory.
        session.execute(sa.text("PRAGMA mmap_size=0"))
        started, cpu_started = time.perf_counter(), time.process_time()
        chunks = bulk.iter_chunks(session, office_id=None, cases=sa.true(), chunk=args.chunk)
        while True:
            t0 = time.perf_counter()
            try:
                _, chunk = next(chunks)  # the persons' cases, each with the person's data
            except StopIteration:
                break
            t1 = time.perf_counter()
            facts = derive(chunk.batch, AS_OF)
            t2 = time.perf_counter()
            env = VEnv(facts, AS_OF, chunk.batch.n)
            for basis, version in versions.items():
                codes = engine.vector_outcomes(engine.vector_statuses(version, env), chunk.batch.n)
                outcome_counts[basis] += np.bincount(codes, minlength=3)
            t3 = time.perf_counter()
            timings["load"] += t1 - t0
            timings["derive"] += t2 - t1
            timings["evaluate"] += t3 - t2
            del chunk, facts, env
        engine_total = time.perf_counter() - started
        engine_cpu = time.process_time() - cpu_started
        session.remove()
    rss = peak_rss_mib()

    con = sqlite3.connect(args.db)
    started = time.perf_counter()
    sql_count = con.execute(SQL_COUNT, {"d": AS_OF.isoformat()}).fetchone()[0]
    sql_time = time.perf_counter() - started
    con.close()

    # The engine count for the same version the SQL encodes (it is the version in force on AS_OF).
    assert sql_version is versions["stag_10"], "the SQL encodes the stag_10 version in force on AS_OF"
    engine_eligible = int(outcome_counts["stag_10"][engine.OUTCOME_CODES["eligible"]])
    ratio = engine_total / sql_time
    names = {v: k for k, v in engine.OUTCOME_CODES.items()}
    lines = [
        f"{args.persons:,} synthetic persons (one case each), stichtag {AS_OF}, SQLite file database, chunks of "
        f"{args.chunk:,}. Rows: {counts}.",
        "",
        "| step | seconds |",
        "|---|---|",
        f"| bulk load (SQL → NumPy) | {timings['load']:.2f} |",
        f"| fact derivation (vectorized) | {timings['derive']:.2f} |",
        f"| evaluation, {criteria} criteria of stag_10 {versions['stag_10'].version} + aufenthg_25b "
        f"{versions['aufenthg_25b'].version} | {timings['evaluate']:.2f} |",
        f"| **engine total** (CPU time of this process: {engine_cpu:.1f}) | **{engine_total:.2f}** (target ≤ 10) |",
        f"| derivation + evaluation only (from columns in memory) | {timings['derive'] + timings['evaluate']:.2f} |",
        f"| hand-written SQL count, stag_10 {SQL_VERSION[1]} only | {sql_time:.2f} |",
        f"| ratio engine / SQL | {ratio:.2f} (target ≤ 5) |",
        "",
        f"Peak RSS {rss:.0f} MiB (target < 1024; SQLite mmap off for this connection). Eligible under stag_10 {SQL_VERSION[1]}: engine {engine_eligible:,}, "
        f"SQL {sql_count:,} ({'equal' if engine_eligible == sql_count else 'DIFFERENT'}).",
        "Outcomes: " + "; ".join(
            f"{basis}: " + ", ".join(f"{names[i]} {int(c):,}" for i, c in enumerate(values))
            for basis, values in outcome_counts.items()),
    ]
    report = "\n".join(lines)
    print(report)
    if not args.no_write:
        write_section("rules", "## Eligibility rules (bench/rules_bench.py)\n\n" + report)
    if engine_eligible != sql_count:
        raise SystemExit("engine and SQL disagree")


if __name__ == "__main__":
    main()
