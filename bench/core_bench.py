"""Core benchmark: demo generation at scale, then case search, case list and case page through the app.

    .venv/bin/python bench/core_bench.py --persons 1000000 --db both

For each database it (1) creates a fresh bench database (SQLite file under bench/out/, PostgreSQL
database ``ebh_bench``), (2) times ``ebh.demo.load.load_demo`` (one transaction, commit included) – or, with
``--reuse``, keeps the data of an earlier run, brings its indexes in line with the models and takes the
generation figures from the previous ``core`` section,
(3) logs in through the real login form as a caseworker of the biggest office and measures p50/p95 per
request with the Flask test client (rendering, audit writes and commit included) for: name search
(common, rare and transliterated spellings, folded prefixes), file number, date of birth, case list with
filters/sorting/pages, and the case page. Baselines in the same run: ``/health`` (fixed request
overhead) and a naive ``LIKE '%name%'`` query on the persons table (what the token index avoids).
Results go to the ``core`` section of bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench._results import peak_rss_mib, write_section  # noqa: E402
from ebh import create_app  # noqa: E402
from ebh.db import transaction  # noqa: E402
from ebh.demo.load import DEMO_PASSWORD, load_demo, vacuum_after_load  # noqa: E402
from ebh.extensions import db  # noqa: E402

OUT = ROOT / "bench" / "out"
PG_ADMIN_URL = os.environ.get("EBH_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
PG_DATABASE = "ebh_bench"
TARGET_MS = 50.0
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def database_url(kind: str, reuse: bool = False) -> str:
    """URL of the bench database; recreated empty unless ``reuse``."""
    if kind == "sqlite":
        OUT.mkdir(parents=True, exist_ok=True)
        path = OUT / "core_bench.sqlite"
        if reuse:
            if not path.exists():
                sys.exit(f"--reuse: {path} does not exist")
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    if not reuse:
        admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{PG_DATABASE}" WITH (FORCE)'))
            connection.execute(sa.text(f'CREATE DATABASE "{PG_DATABASE}"'))
        admin.dispose()
    return make_url(PG_ADMIN_URL).set(database=PG_DATABASE).render_as_string(hide_password=False)


def sync_indexes() -> list[str]:
    """Reused data: create the models' indexes the database lacks and drop ``ix_`` indexes the models no
    longer define (tables of :data:`ebh.demo.generator.TABLES`), then refresh the planner statistics.
    Returns what changed."""
    from ebh.demo.generator import TABLES

    changes = []
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        inspector = sa.inspect(connection)
        for table in TABLES:
            wanted = {index.name: index for index in db.metadata.tables[table].indexes}
            existing = {index["name"]: index["column_names"] for index in inspector.get_indexes(table)}
            for name, columns in sorted(existing.items()):
                stale = name not in wanted or columns != [c.name for c in wanted[name].columns]
                if name.startswith("ix_") and stale:
                    connection.exec_driver_sql(f"DROP INDEX {name}")
                    del existing[name]
                    changes.append(f"-{name}")
            for name in sorted(set(wanted) - set(existing)):
                connection.execute(sa.schema.CreateIndex(wanted[name]))
                changes.append(f"+{name}")
        if changes:
            connection.exec_driver_sql("VACUUM ANALYZE" if connection.dialect.name == "postgresql" else "ANALYZE")
    return changes


def row_counts() -> dict[str, int]:
    from ebh.demo.generator import TABLES

    return {table: db.session.scalar(sa.select(sa.func.count()).select_from(db.metadata.tables[table]))
            for table in TABLES}


def previous_generation() -> list[str]:
    """The generation table of the last full run (kept in RESULTS.md when the data is reused)."""
    from bench._results import RESULTS

    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    section = re.search(r"<!-- BEGIN core -->(.*?)<!-- END core -->", text, re.S)
    stamp = section and (re.search(r"last full run \(([^)]+)\)", section.group(1))
                         or re.search(r"_Run ([0-9-]+ [0-9:]+) ", section.group(1)))
    table = re.search(r"\n(\| database .*?)\n\n", section.group(1), re.S) if section else None
    if not table:
        return ["(no earlier generation figures in RESULTS.md)"]
    return [f"Figures of the last full run ({stamp.group(1) if stamp else 'date unknown'}); "
            "this run reused its data (`--reuse`).", "", *table.group(1).splitlines()]


def make_app(url: str):
    OUT.mkdir(parents=True, exist_ok=True)
    return create_app(
        {"ENV": "development", "SECRET_KEY": "bench-secret-key-" + "x" * 32, "DATABASE_URL": url,
         "DATA_DIR": str(OUT / "data"), "SMTP_PORT": 1},
        instance_path=OUT / "instance",
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))]


def login(client, username: str) -> None:
    token = _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def sample_queries(app, rng: random.Random) -> tuple[str, int, dict[str, list[str]], list[tuple[str, str]]]:
    """Pick the caseworker, search terms, list URLs and case ids of the biggest office from the data."""
    with app.app_context():
        conn = db.session.connection()
        office_id, code = conn.execute(sa.text(
            "SELECT o.id, o.code FROM offices o JOIN persons p ON p.office_id = o.id "
            "GROUP BY o.id, o.code ORDER BY count(*) DESC LIMIT 1")).one()
        username = conn.execute(sa.text(
            "SELECT username FROM users WHERE office_id = :o AND role = 'CASEWORKER' ORDER BY id LIMIT 1"),
            {"o": office_id}).scalar()
        user_ids = [r[0] for r in conn.execute(sa.text(
            "SELECT id FROM users WHERE office_id = :o AND role = 'CASEWORKER' ORDER BY id"), {"o": office_id})]
        # Token frequencies from a sample of persons (a full GROUP BY over millions of tokens is slow on SQLite).
        max_person = conn.execute(sa.text("SELECT max(id) FROM persons")).scalar()
        sample = conn.execute(sa.text(
            "SELECT t.token, p.family_name, p.given_names FROM person_search_tokens t JOIN persons p "
            "ON p.id = t.person_id WHERE t.office_id = :o AND t.person_id > :lo AND t.person_id <= :hi"),
            {"o": office_id, "lo": max_person // 2, "hi": max_person // 2 + 20000}).all()
        counts: dict[str, int] = {}
        for token, _, _ in sample:
            counts[token] = counts.get(token, 0) + 1
        by_freq = sorted(counts, key=counts.get, reverse=True)
        common = [t for t in by_freq[:40] if len(t) >= 4]
        rare = [t for t in by_freq if counts[t] == 1 and len(t) >= 5]
        people = conn.execute(sa.text(
            "SELECT p.family_name, p.given_names, p.date_of_birth FROM persons p JOIN cases c ON c.person_id = p.id "
            "WHERE c.office_id = :o AND p.id > :lo ORDER BY p.id LIMIT 400"),
            {"o": office_id, "lo": max_person // 3}).all()
        aliases = conn.execute(sa.text(
            "SELECT a.family_name, a.given_names FROM person_aliases a JOIN persons p ON p.id = a.person_id "
            "WHERE p.office_id = :o AND a.kind = 'transliteration' AND p.id > :lo ORDER BY a.id LIMIT 400"),
            {"o": office_id, "lo": max_person // 3}).all()
        files = [r[0] for r in conn.execute(sa.text(
            "SELECT file_number FROM cases WHERE office_id = :o AND id > :lo ORDER BY id LIMIT 400"),
            {"o": office_id, "lo": conn.execute(sa.text("SELECT max(id) FROM cases")).scalar() // 3})]
        case_ids = [r[0] for r in conn.execute(sa.text(
            "SELECT id FROM cases WHERE office_id = :o AND id % 97 = 0 ORDER BY id LIMIT 400"), {"o": office_id})]
        db.session.rollback()

    def dob(value) -> str:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        return day.strftime("%d.%m.%Y")

    searches = {
        "Name, häufig (Präfix 4 Zeichen)": [t[:4] for t in common],
        "Name, häufig (ganzer Name)": [t for t in common],
        "Name, selten": rare[:200],
        "Name, Familien- und Vorname": [f"{f} {g.split()[0]}" for f, g, _ in people],
        "Name, Umschrift/Schreibvariante": [f"{f} {g.split()[0]}" if g else f for f, g in aliases],
        "Aktenzeichen (vollständig)": files,
        "Aktenzeichen (Präfix)": [f[: max(6, len(f) - 3)] for f in files],
        "Geburtsdatum": [dob(d) for _, _, d in people if d],
    }
    searches = {k: [f"/?q={v}" for v in values if v] for k, values in searches.items()}
    statuses = ("received", "in_review", "documents_requested", "security_checks", "ready_for_decision", "granted")
    types = ("stag_10", "stag_10_2", "aufenthg_25b", "stag_9")
    lists = {
        "Liste: Standard (neueste zuerst)": ["/"],
        "Liste: Status-Filter": [f"/?status={s}" for s in statuses],
        "Liste: Verfahrensart + Status": [f"/?case_type={t}&status={s}" for t in types for s in statuses],
        "Liste: Sachbearbeitung": [f"/?assigned_to={u}" for u in user_ids] + ["/?assigned_to=none"],
        "Liste: überfällig": ["/?overdue=1", "/?overdue=1&sort=due", "/?overdue=1&status=documents_requested"],
        "Liste: Sortierung": [f"/?sort={s}&direction={d}" for s in ("received", "file_number", "name", "status", "due")
                              for d in ("asc", "desc")],
        "Liste: Seiten 2–200": [f"/?page={p}" for p in (2, 3, 5, 10, 20, 50, 100, 200)]
                                 + [f"/?sort=name&page={p}" for p in (2, 10, 40)],
    }
    urls = {**searches, **lists, "Fallseite": [f"/cases/{i}" for i in case_ids]}
    like_names = [t for t in common[:5]] + rare[:5]
    return username, office_id, urls, [(code, n) for n in like_names]


def measure(client, urls: list[str], rounds: int, rng: random.Random) -> list[float]:
    timings = []
    for i in range(rounds):
        url = urls[i % len(urls)] if len(urls) >= rounds else rng.choice(urls)
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (url, response.status_code)
        timings.append(elapsed)
    return timings


def like_baseline(app, office_id: int, names: list[tuple[str, str]]) -> list[float]:
    """What a search without the token index would cost: LIKE '%name%' over the office's persons."""
    timings = []
    with app.app_context():
        for _, name in names:
            started = time.perf_counter()
            db.session.execute(sa.text(
                "SELECT id FROM persons WHERE office_id = :o AND (lower(family_name) LIKE :q OR "
                "lower(given_names) LIKE :q) ORDER BY id LIMIT 26"), {"o": office_id, "q": f"%{name}%"}).all()
            timings.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    return timings


def run(kind: str, persons: int, rounds: int, seed: int, reuse: bool = False, only: str = "") -> dict:
    url = database_url(kind, reuse)
    app = make_app(url)
    result = generation = vacuum = None
    with app.app_context():
        if reuse:
            print(f"[{kind}] reusing the data; indexes: {sync_indexes() or 'unchanged'}", flush=True)
            rows = row_counts()
            db.session.rollback()
        else:
            db.create_all()
            started = time.perf_counter()
            with transaction():
                result = load_demo(persons, seed)
            generation = time.perf_counter() - started
            db.session.remove()
            vacuum = vacuum_after_load()
            rows = result.rows
            print(f"[{kind}] {result.persons:,} persons, {result.cases:,} cases, {sum(rows.values()):,} rows "
                  f"in {generation:.1f} s {result.timings}", flush=True)
    load = os.getloadavg()[0]
    rng = random.Random(seed)
    username, office_id, urls, like_names = sample_queries(app, rng)
    client = app.test_client()
    login(client, username)
    measure(client, ["/", "/?q=a"] + [u[0] for u in urls.values()], 20, rng)  # warm-up
    figures = {"/health (Grundlast)": measure(client, ["/health"], rounds, rng)}
    for label, group in urls.items():
        if only and not re.search(only, label):
            continue
        figures[label] = measure(client, group, rounds, rng)
        print(f"[{kind}] {label}: p50 {statistics.median(figures[label]):.1f} ms, "
              f"p95 {percentile(figures[label], 95):.1f} ms", flush=True)
    figures["Vergleich: LIKE '%…%' ohne Token-Index (nur SQL)"] = like_baseline(app, office_id, like_names)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return {"kind": kind, "result": result, "generation": generation, "figures": figures, "load": load,
            "vacuum": vacuum, "rows": rows}


def report(runs: list[dict], persons: int, rounds: int) -> str:
    reuse = " --reuse" if runs[0]["result"] is None else ""
    lines = [f"`bench/core_bench.py --persons {persons} --db {'both' if len(runs) > 1 else runs[0]['kind']}{reuse}` – "
             f"{rounds} requests per row through the Flask test client, logged in as a caseworker of the biggest "
             f"office (audit write and commit included). Target: search and list p95 ≤ {TARGET_MS:.0f} ms.", ""]
    lines += ["### Demo generation (`ebh demo`, one transaction)", ""]
    if runs[0]["result"] is None:
        lines += previous_generation()
    else:
        lines += ["| database | persons | cases | rows | total s | rows/s | generate+write s | CPU s main / generator process "
              "| indexes s | FKs s | analyze s | then VACUUM s |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in runs:
        if r["result"] is None:
            continue
        res, rows = r["result"], sum(r["result"].rows.values())
        t = res.timings
        lines.append(f"| {r['kind']} | {res.persons:,} | {res.cases:,} | {rows:,} | {r['generation']:.0f} | "
                     f"{rows / r['generation']:,.0f} | {t['rows']:.0f} | {t['cpu_writer']:.0f} / {t['cpu_generator']:.0f} | "
                     f"{t['indexes']:.0f} | {t['foreign_keys']:.0f} | {t['analyze']:.0f} | {r['vacuum']:.0f} |")
    lines += ["", "### Requests (ms)", "",
              "| request | " + " | ".join(f"{r['kind']} p50 | {r['kind']} p95" for r in runs) + " | target |",
              "|---|" + "---:|---:|" * len(runs) + "---|"]
    for label in runs[0]["figures"]:
        cells, ok = [], True
        for r in runs:
            values = r["figures"][label]
            p95 = percentile(values, 95)
            cells.append(f"{statistics.median(values):.1f} | {p95:.1f}")
            ok = ok and p95 <= TARGET_MS
        measured = label.startswith(("Name", "Aktenzeichen", "Geburtsdatum", "Liste"))
        verdict = ("✓" if ok else "✗ über 50 ms") if measured else "–"
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {verdict} |")
    lines += ["", "Load average (1 min) of the machine at the start of each run: "
              + ", ".join(f"{r['kind']} {r['load']:.1f}" for r in runs)
              + " – other work on this 2-core machine shows up directly in these figures."]
    lines += ["", f"Peak RSS of the bench process: {peak_rss_mib():.0f} MiB. Row counts: "
              + ", ".join(f"{t} {n:,}" for t, n in runs[0]["rows"].items() if n) + "."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--requests", type=int, default=100, help="requests per measured row")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="do not update bench/RESULTS.md")
    parser.add_argument("--reuse", action="store_true",
                        help="measure on the data of an earlier run (no generation; indexes synced to the models)")
    parser.add_argument("--only", default="", help="measure only the rows whose label matches this regex "
                        "(implies --no-write)")
    args = parser.parse_args()
    args.no_write = args.no_write or bool(args.only)
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    runs = [run(kind, args.persons, args.requests, args.seed, args.reuse, args.only) for kind in kinds]
    text = report(runs, args.persons, args.requests)
    print(text)
    if not args.no_write:
        write_section("core", text)


if __name__ == "__main__":
    main()
