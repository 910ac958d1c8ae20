"""Synthetic register for the rules benchmark: N persons with residence history, certificates, tests,
convictions, livelihood, children and one case each, written with raw ``executemany`` into the real
schema (SQLite). Seeded, so every run sees the same data. Synthetic only: names are "P<number>".

Scenarios (share): permit holders on the way to naturalisation (55 %), recognised refugees whose asylum
procedure counts (15 %), tolerated persons (§ 25b candidates, 20 %), mixed histories with interruptions
(10 %). Stays abroad are short (< 6 months), start on day 1–28 and lie between two permit periods.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import numpy as np

EPOCH = np.datetime64("1970-01-01", "D")
STAMP = "2026-01-01 00:00:00.000000"
PARAGRAPHS_OK = np.array(["§ 18b AufenthG", "§ 25 Abs. 2 AufenthG", "§ 28 Abs. 1 AufenthG", "§ 21 AufenthG"])
PARAGRAPHS_EXCLUDED = np.array(["§ 16b AufenthG", "§ 25 Abs. 5 AufenthG", "§ 104c AufenthG", "§ 24 AufenthG"])


def _iso(days: np.ndarray) -> np.ndarray:
    return np.datetime_as_string(EPOCH + days.astype("timedelta64[D]"), unit="D")


def _d(text: str) -> int:
    return (dt.date.fromisoformat(text) - dt.date(1970, 1, 1)).days


def _insert(con: sqlite3.Connection, table: str, columns: list[str], rows: list[tuple]) -> None:
    marks = ",".join("?" * len(columns))
    con.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows)


def _maybe(rng: np.random.Generator, values: np.ndarray, unknown_share: float) -> list:
    out = values.astype(object)
    out[rng.random(len(values)) < unknown_share] = None
    return out.tolist()


def generate(path: Path, n: int, seed: int = 7) -> dict[str, int]:
    """Fill the (already created, empty) SQLite database at ``path``; returns row counts."""
    rng = np.random.default_rng(seed)
    con = sqlite3.connect(path)
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("INSERT INTO offices (id, code, name, kind, bundesland, street, postcode, city, phone, email, "
                "file_number_pattern) VALUES (1, 'BENCH', 'Bench', 'BOTH', 'NW', '', '', '', '', '', "
                "'{office}-{prefix}-{year}-{seq:05d}')")
    con.execute("INSERT INTO users (id, office_id, username, display_name, email, role, password_hash, active, locale, "
                "created_at, password_changed_at) VALUES (1, 1, 'bench', 'Bench', '', 'supervisor', 'x', 1, 'de', ?, ?)",
                (STAMP, STAMP))
    ids = np.arange(1, n + 1)
    dob = rng.integers(_d("1950-01-01"), _d("2012-12-31"), n)
    scenario = rng.choice(4, n, p=[0.55, 0.15, 0.20, 0.10])
    bools = {
        "identity_clarified": rng.random(n) < 0.93, "legally_incapacitated": rng.random(n) < 0.005,
        "guest_worker": (rng.random(n) < 0.02) & (dob < _d("1956-01-01")), "illness_or_disability": rng.random(n) < 0.03,
        "age_related_inability": rng.random(n) < 0.01, "pending_investigation": rng.random(n) < 0.01,
        "removal_prevented_by_own_deception": rng.random(n) < 0.03, "has_own_dwelling": rng.random(n) < 0.9,
        "special_integration": rng.random(n) < 0.05, "integration_course_certificate": rng.random(n) < 0.3,
        "oral_everyday_german": rng.random(n) < 0.5, "previous_nationality_renounced": rng.random(n) < 0.2,
    }
    person_cols = ["id", "office_id", "family_name", "given_names", "birth_name", "native_name", "date_of_birth",
                   "place_of_birth", "country_of_birth", "sex", "marital_status", "street", "postcode", "city",
                   "district", "preferred_language", "email", "phone", "entry_date", "married_to_german_since",
                   *bools, "created_at", "updated_at", "version"]
    bool_lists = [_maybe(rng, v.astype(int), 0.02) for v in bools.values()]
    dob_iso = _iso(dob)
    _insert(con, "persons", person_cols, [
        (int(i), 1, f"P{i}", "", "", "", dob_iso[k], "", "", "x", "", "", "", "", "", "de", "", "", None, None,
         *(b[k] for b in bool_lists), STAMP, STAMP, 1)
        for k, i in enumerate(ids)
    ])
    _insert(con, "nationalities", ["person_id", "country", "since"], [
        (int(i), c, None) for i, c in zip(ids, rng.choice(["TUR", "SYR", "POL", "ITA", "AFG", "XXA", "IRQ", "UKR"], n,
                                                          p=[.2, .2, .1, .1, .15, .01, .14, .1]), strict=True)
    ])

    # residence periods: first entry 1995-2024, never before birth
    adult = dob + 6570
    entry = np.maximum(rng.integers(_d("1995-01-01"), _d("2024-06-30"), n), dob + 1)
    rows: list[tuple] = []
    t1 = entry + rng.integers(200, 1500, n)
    t2 = t1 + rng.integers(200, 2000, n)
    para = rng.choice(PARAGRAPHS_OK, n)
    bad_para = rng.choice(PARAGRAPHS_EXCLUDED, n)
    excluded = rng.random(n) < 0.1
    abroad_len = rng.integers(20, 150, n)
    for k in range(n):
        i, s = int(ids[k]), scenario[k]
        e, a, b = int(entry[k]), int(t1[k]), int(t2[k])
        if s == 0:  # permit → (short stay abroad) → settlement permit
            p = str(bad_para[k] if excluded[k] else para[k])
            rows.append((i, "residence_permit", p, e, a))
            if k % 7 == 0:
                start = a + 1
                start -= max(0, int(np.datetime64(int(start), "D").astype(object).day) - 28)
                rows[-1] = (i, "residence_permit", p, e, start - 1)
                rows.append((i, "abroad", "", start, start + int(abroad_len[k])))
                rows.append((i, "residence_permit", p, start + int(abroad_len[k]) + 1, b))
            else:
                rows.append((i, "residence_permit", p, a + 1, b))
            rows.append((i, "settlement_permit" if not excluded[k] else "residence_permit", "" if not excluded[k] else p,
                         b + 1, None))
        elif s == 1:  # asylum procedure, then protection
            rows.append((i, "gestattung", "", e, a))
            rows.append((i, "residence_permit", "§ 25 Abs. 2 AufenthG", a + 1, None))
        elif s == 2:  # asylum procedure, then Duldung (§ 25b candidates)
            rows.append((i, "gestattung", "", e, a))
            rows.append((i, "duldung_60b" if k % 11 == 0 else "duldung", "", a + 1, None))
        else:  # permit, Duldung gap, permit again
            rows.append((i, "residence_permit", str(para[k]), e, a))
            rows.append((i, "duldung", "", a + 1, a + 120))
            rows.append((i, "residence_permit", str(para[k]), a + 121, None))
    period_rows = _period_rows(rows)
    _insert(con, "residence_periods", ["person_id", "status", "paragraph", "start", "end_date", "document_number"],
            [(*r, "") for r in period_rows])

    # language certificates (0-2), civic tests (0-1)
    levels = np.array(["A1", "A2", "B1", "B2", "C1"])
    has_cert = rng.random(n) < 0.8
    cert_date = np.maximum(entry + rng.integers(300, 3000, n), adult)
    _insert(con, "language_certificates", ["person_id", "level", "issued_on", "kind", "oral_only"], [
        (int(ids[k]), str(lv), d, "", int(o)) for k, lv, d, o in zip(
            np.nonzero(has_cert)[0], rng.choice(levels, n, p=[.05, .25, .45, .15, .1])[has_cert],
            _iso(cert_date[has_cert]), rng.random(n)[has_cert] < 0.1, strict=True)
    ])
    has_test = rng.random(n) < 0.7
    _insert(con, "civic_tests", ["person_id", "kind", "taken_on", "passed", "score"], [
        (int(ids[k]), kind, d, int(p), None) for k, kind, d, p in zip(
            np.nonzero(has_test)[0], rng.choice(["einbuergerungstest", "leben_in_deutschland"], n)[has_test],
            _iso(cert_date[has_test] + 30), rng.random(n)[has_test] < 0.9, strict=True)
    ])
    # convictions: 10 % have one or two
    convicted = np.nonzero(rng.random(n) < 0.10)[0]
    sanctions = rng.choice(["fine", "fine", "fine", "prison", "youth_measure"], len(convicted))
    conv_rows = []
    for k, sanction in zip(convicted, sanctions, strict=True):
        day = _iso(np.array([max(int(adult[k]), int(entry[k])) + 100]))[0]
        if sanction == "fine":
            conv_rows.append((int(ids[k]), day, "fine", int(rng.integers(10, 120)), None, 0, 0, int(rng.random() < .05)))
        elif sanction == "prison":
            conv_rows.append((int(ids[k]), day, "prison", None, int(rng.integers(1, 12)), int(rng.random() < .8),
                              int(rng.random() < .6), 0))
        else:
            conv_rows.append((int(ids[k]), day, "youth_measure", None, None, 0, 0, 0))
    _insert(con, "convictions", ["person_id", "decided_on", "sanction", "daily_rates", "months", "suspended", "remitted",
                                 "inhuman_motive", "intentional", "foreigner_only_offence", "in_germany"],
            [(*r, 1, 0, 1) for r in conv_rows])
    # livelihood for 90 %
    has_lh = np.nonzero(rng.random(n) < 0.9)[0]
    sgb = rng.random(len(has_lh)) < 0.2
    _insert(con, "livelihoods", ["person_id", "assessed_on", "receives_sgb2_sgb12", "responsible_for_benefits",
                                 "full_time_employed", "months_employed_last_24", "secured_by_employment",
                                 "self_supporting", "in_education", "monthly_net_income_cents"], [
        (int(ids[k]), "2025-01-01", int(s), int(rng.random() < .5), int(ft), int(m), int(se), int(not s), int(ed), None)
        for k, s, ft, m, se, ed in zip(has_lh, sgb, rng.random(len(has_lh)) < .6, rng.integers(0, 25, len(has_lh)),
                                       rng.random(len(has_lh)) < .7, rng.random(len(has_lh)) < .05, strict=True)
    ])
    # children: 25 % of adults link to a younger person in the register
    parents = np.nonzero((rng.random(n) < 0.25) & (dob < _d("1995-01-01")))[0]
    young = np.nonzero(dob > _d("2006-01-01"))[0]
    kids = rng.choice(young, len(parents)) if len(young) else np.zeros(0, dtype=int)
    link_rows = []
    for k, c in zip(parents, kids, strict=True):
        if k != c:
            home = int(rng.random() < .8)
            link_rows.append((int(ids[k]), int(ids[c]), "child", home))
            link_rows.append((int(ids[c]), int(ids[k]), "parent", home))
    seen: set[tuple[int, int]] = set()
    link_rows = [r for r in link_rows if (r[0], r[1]) not in seen and not seen.add((r[0], r[1]))]
    _insert(con, "family_links", ["person_id", "relative_id", "relation", "same_household"], link_rows)
    # one case per person with declarations and security checks
    case_type = np.where(scenario == 2, "aufenthg_25b", "stag_10")
    received = np.minimum(np.maximum(entry + rng.integers(1500, 4000, n), dob + 6570), _d("2026-10-31"))
    rec_iso = _iso(received)
    declared = rng.random(n) < 0.85
    case_rows = []
    for k in range(n):
        fam = "residence" if case_type[k] == "aufenthg_25b" else "naturalization"
        d = rec_iso[k] if declared[k] else None
        case_rows.append((int(ids[k]), 1, int(ids[k]), f"B-{ids[k]:07d}", str(case_type[k]), fam, f"P{ids[k]}",
                          "in_review", None, None, rec_iso[k], None, None, "", None, None, d, d,
                          None if k % 5 else int(rng.random() < .9), STAMP, STAMP, 1))
    _insert(con, "cases", ["id", "office_id", "person_id", "file_number", "case_type", "family", "sort_name", "status",
                           "main_case_id", "assigned_to_id", "received_on", "decided_on", "outcome", "outcome_reason",
                           "last_office_action_on", "due_on", "declaration_fdgo_on",
                           "declaration_historic_responsibility_on", "children_school_attendance_proven", "created_at",
                           "updated_at", "version"], case_rows)
    answered = rng.random(n)
    check_rows = []
    for k in range(n):
        i = int(ids[k])
        check_rows.append((i, "bzr", rec_iso[k], rec_iso[k] if answered[k] < .85 else None,
                           "no_findings" if answered[k] < .85 else "pending", ""))
        if answered[k] < .9:
            check_rows.append((i, "regelanfrage", rec_iso[k], rec_iso[k], "findings" if answered[k] < .01 else "no_findings", ""))
    _insert(con, "security_checks", ["case_id", "kind", "requested_on", "answered_on", "result", "remark"], check_rows)
    con.commit()
    counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in (
        "persons", "residence_periods", "language_certificates", "civic_tests", "convictions", "livelihoods",
        "family_links", "cases", "security_checks")}
    con.close()
    return counts


def _period_rows(rows: list[tuple]) -> list[tuple]:
    starts = _iso(np.array([r[3] for r in rows]))
    ends_raw = np.array([-1 if r[4] is None else r[4] for r in rows])
    ends = _iso(np.maximum(ends_raw, 0))
    return [(r[0], r[1], r[2], starts[j], None if ends_raw[j] < 0 else ends[j]) for j, r in enumerate(rows)]


if __name__ == "__main__":
    import argparse
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    parser = argparse.ArgumentParser(description="Create and fill a synthetic SQLite register for the rules bench.")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--persons", type=int, required=True)
    args = parser.parse_args()
    from ebh import create_app
    from ebh.extensions import db

    args.db.unlink(missing_ok=True)
    app = create_app({"ENV": "testing", "DATABASE_URL": f"sqlite:///{args.db}"}, instance_path="/tmp/ebh_bench_inst")
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    print(generate(args.db, args.persons))
