"""The fact catalogue and the derivation of facts from raw data, for one person or a million.

There is one derivation, written over columns (:class:`Batch`): a single record is a batch of one
(:func:`derive_record`), the register is a batch of many (:mod:`ebh.rules.bulk`). So the facts a
caseworker sees and the facts a law-change run counts can never differ.

Every fact is a pair ``(values, known)`` of arrays. Dates are day numbers (:mod:`ebh.rules.dates`).
The catalogue (:data:`CATALOGUE`) documents every fact; ``docs/facts.md`` is generated from it by
``ebh rules facts-doc``.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from ebh.cases import raw_facts
from ebh.cases.raw_facts import RAW_FACTS
from ebh.rules import dates
from ebh.rules.dates import OPEN_END
from ebh.rules.expr import BOOL, DATE, INT, STR
from ebh.rules.record import CEFR, CIVIC_KINDS, PERSON_BOOLS, PERSON_DATES, SANCTIONS, SCHOOL_KINDS, STATUSES


@dataclasses.dataclass(frozen=True)
class FactDef:
    name: str
    type: str
    meaning: str
    derivation: str
    source: str


def _f(name: str, typ: str, meaning: str, derivation: str, source: str) -> FactDef:
    return FactDef(name, typ, meaning, derivation, source)



CATALOGUE: tuple[FactDef, ...] = (
    *(_f(fact.name, BOOL, fact.meaning, "unverändert übernommen", f"Person.{fact.name}")
      for fact in RAW_FACTS if fact.kind == raw_facts.BOOL),
    _f("date_of_birth", DATE, "Geburtsdatum", "unverändert; Alter über add_years(date_of_birth, n) <= as_of",
       "Person.date_of_birth"),
    _f("entry_date", DATE, "Einreisedatum (erster Tag des jetzigen Aufenthalts)", "unverändert", "Person.entry_date"),
    *(_f(fact.name, DATE, fact.meaning, "unverändert", f"Person.{fact.name}")
      for fact in RAW_FACTS if fact.kind == raw_facts.DATE),
    _f("eu_or_swiss_national", BOOL, "besitzt die Staatsangehörigkeit eines EU-Staats oder der Schweiz",
       "eine der Staatsangehörigkeiten ist EU-27 oder CHE; unbekannt ohne erfasste Staatsangehörigkeit",
       "Nationality.country"),
    _f("stateless", BOOL, "staatenlos", "Staatsangehörigkeit XXA erfasst; unbekannt ohne Angabe", "Nationality.country"),
    # residence
    _f("current_status", STR, "Aufenthaltsstatus am Stichtag (Wert von ResidenceStatus, \"\" = keiner)",
       "Status des Zeitraums, der as_of enthält; unbekannt, wenn gar kein Zeitraum erfasst ist",
       "ResidencePeriod.status"),
    _f("current_permit_section", STR, "Paragraf des Titels am Stichtag ohne Absatz, z. B. \"25\", \"16b\", \"104c\"",
       "aus ResidencePeriod.paragraph gelesen (\"§ 25 Abs. 2 AufenthG\" → \"25\"); \"\" ohne Titel; unbekannt, wenn "
       "ein Titel ohne lesbaren Paragrafen erfasst ist", "ResidencePeriod.paragraph"),
    _f("current_permit_subsection", INT, "Absatz des Titels am Stichtag (0 = ohne Absatz)",
       "wie current_permit_section (\"§ 25 Abs. 2\" → 2)", "ResidencePeriod.paragraph"),
    _f("stag_lawful_now", BOOL, "am Stichtag rechtmäßiger gewöhnlicher Aufenthalt im Sinne des StAG",
       "zählen: Aufenthaltserlaubnis, Blaue Karte, Niederlassungserlaubnis, Daueraufenthalt-EU, Freizügigkeit, "
       "Fiktionsbescheinigung, Visum; Gestattung nur, wenn später Schutz (§ 25 Abs. 1/2) gewährt wurde; "
       "Auslandsaufenthalte bis 6 Monate unterbrechen nicht (§ 12b Abs. 1), zählen aber nur zwischen "
       "zählenden Zeiten; Duldung, unerlaubter Aufenthalt, längere Auslandsaufenthalte und Lücken unterbrechen",
       "ResidencePeriod"),
    _f("stag_residence_since", DATE, "erster Tag des ununterbrochenen rechtmäßigen Aufenthalts (StAG), der bis zum "
       "Stichtag andauert", "Beginn der letzten zusammenhängenden Strecke zählender Zeiten (siehe stag_lawful_now); "
       "unbekannt, wenn am Stichtag kein rechtmäßiger Aufenthalt besteht", "ResidencePeriod"),
    _f("stag_residence_interrupted", BOOL, "früherer rechtmäßiger Aufenthalt wurde unterbrochen",
       "es gibt vor der jetzigen Strecke eine weitere Strecke zählender Zeiten (§ 12b Abs. 2/3 StAG prüfen)",
       "ResidencePeriod"),
    _f("stag_residence_gestattung", BOOL, "die jetzige StAG-Strecke enthält Zeiten mit Aufenthaltsgestattung",
       "Gestattung innerhalb der Strecke (nur nach späterer Schutzgewährung angerechnet)", "ResidencePeriod"),
    _f("bleiberecht_residence_now", BOOL, "am Stichtag geduldet, gestattet oder mit Aufenthaltserlaubnis "
       "(Zählweise §§ 25a, 25b AufenthG)", "zählen: Duldung, Beschäftigungsduldung, Gestattung, Aufenthaltserlaubnis, "
       "Fiktionsbescheinigung; § 60b-Duldung nur für Inhaber eines § 104c-Titels (§ 25b Abs. 7); "
       "Unterbrechungen bis 3 Monate sind unschädlich (BMI-Anwendungshinweise)", "ResidencePeriod"),
    _f("bleiberecht_residence_since", DATE, "erster Tag des ununterbrochenen Aufenthalts nach §§ 25a/25b",
       "Beginn der letzten Strecke nach bleiberecht_residence_now; unbekannt ohne Strecke am Stichtag",
       "ResidencePeriod"),
    _f("chancen_residence_now", BOOL, "am Stichtag geduldet, gestattet oder erlaubt (Zählweise § 104c, "
       "§ 60b-Zeiten zählen)", "wie bleiberecht_residence_now, § 60b-Duldung zählt immer", "ResidencePeriod"),
    _f("chancen_residence_since", DATE, "erster Tag des ununterbrochenen Aufenthalts nach § 104c",
       "wie bleiberecht_residence_since mit § 60b-Zeiten", "ResidencePeriod"),
    _f("duldung_since", DATE, "seit wann ununterbrochen geduldet (Duldung, Beschäftigungsduldung; ohne § 60b)",
       "Beginn der jetzigen Duldungsstrecke; unbekannt, wenn am Stichtag nicht geduldet", "ResidencePeriod"),
    _f("had_duldung_60b", BOOL, "es gab bis zum Stichtag eine Duldung nach § 60b", "irgendein § 60b-Zeitraum",
       "ResidencePeriod"),
    # language, knowledge
    _f("german_level", INT, "höchstes nachgewiesenes Deutschniveau (0 = keins, 1 = A1 … 3 = B1 … 6 = C2)",
       "Maximum der bis zum Stichtag ausgestellten Nachweise, die nicht nur mündlich sind; unbekannt, wenn kein "
       "Nachweis erfasst ist", "LanguageCertificate"),
    _f("german_level_oral", INT, "höchstes nachgewiesenes mündliches Deutschniveau (0–6)",
       "wie german_level, auch rein mündliche Nachweise", "LanguageCertificate"),
    _f("civic_test_passed", BOOL, "Einbürgerungstest (oder Test Leben in Deutschland, deutscher Schulabschluss) "
       "bestanden", "bestandener Test bis zum Stichtag; falsch, wenn nur nicht bestandene; unbekannt ohne Eintrag",
       "CivicTest"),
    _f("basic_knowledge_shown", BOOL, "Grundkenntnisse der Rechts- und Gesellschaftsordnung nachgewiesen "
       "(§ 25b Abs. 1 Nr. 2)", "irgendein bestandener Test einschließlich Gespräch in der ABH (abh_interview); "
       "unbekannt ohne Eintrag", "CivicTest"),
    # convictions
    _f("conviction_count", INT, "Zahl der Verurteilungen bis zum Stichtag", "unbekannt, wenn das BZR nicht "
       "abgefragt ist (record.convictions = null)", "Conviction, SecurityCheck(bzr)"),
    _f("stag_conviction_days", INT, "Summe nach § 12a Abs. 1 S. 3 StAG: Tagessätze der Geldstrafen plus 30 Tage je "
       "Monat zur Bewährung ausgesetzter und erlassener Freiheitsstrafen bis 3 Monate",
       "Erziehungsmaßregeln/Zuchtmittel zählen nicht", "Conviction"),
    _f("stag_conviction_excluded", BOOL, "eine Verurteilung fällt nicht unter die Bagatellgrenzen des § 12a",
       "Freiheitsstrafe ohne Bewährung, nicht erlassen oder über 3 Monate; Jugendstrafe; Maßregel; oder "
       "festgestellter antisemitischer, rassistischer oder sonst menschenverachtender Beweggrund (§ 12a Abs. 1 S. 2)",
       "Conviction"),
    _f("aufenthg_expulsion_interest", BOOL, "schwerwiegendes Ausweisungsinteresse nach § 54 Abs. 1 oder Abs. 2 "
       "Nr. 1–2 AufenthG", "vorsätzlich: Freiheitsstrafe ab 6 Monaten oder Jugendstrafe ab 1 Jahr ohne Bewährung",
       "Conviction"),
    _f("chancen_fine_days", INT, "Tagessätze vorsätzlicher Taten in Deutschland (ohne ausländerrechtliche Delikte)",
       "Summe der Geldstrafen", "Conviction"),
    _f("chancen_fine_days_foreigner_only", INT, "Tagessätze für Taten, die nur Ausländer begehen können",
       "Summe der Geldstrafen mit foreigner_only_offence", "Conviction"),
    _f("chancen_excluded_conviction", BOOL, "Verurteilung wegen einer vorsätzlichen Tat in Deutschland zu Freiheits- "
       "oder Jugendstrafe (§ 104c Abs. 1 Nr. 2)", "irgendeine solche Verurteilung", "Conviction"),
    # school
    _f("school_days", INT, "Tage erfolgreichen Schul- oder Ausbildungsbesuchs in Deutschland bis zum Stichtag",
       "Summe der Dauer (Schule, Berufsausbildung; laufende bis Stichtag); unbekannt ohne Eintrag", "SchoolRecord"),
    _f("school_qualification", BOOL, "anerkannter Schul- oder Berufsabschluss", "SchoolRecord kind qualification; "
       "unbekannt ohne Eintrag", "SchoolRecord"),
    # livelihood
    _f("receives_sgb2_sgb12", BOOL, "bezieht Leistungen nach SGB II oder XII (für sich oder Angehörige)",
       "unverändert; unbekannt ohne Erfassung", "Livelihood.receives_sgb2_sgb12"),
    _f("responsible_for_benefits", BOOL, "hat den Leistungsbezug zu vertreten", "unverändert",
       "Livelihood.responsible_for_benefits"),
    _f("full_time_employed", BOOL, "derzeit in Vollzeit erwerbstätig", "unverändert", "Livelihood.full_time_employed"),
    _f("months_employed_last_24", INT, "Monate Vollzeit in den letzten 24 Monaten", "unverändert",
       "Livelihood.months_employed_last_24"),
    _f("secured_by_employment", BOOL, "Lebensunterhalt überwiegend durch Erwerbstätigkeit gesichert (§ 25b Nr. 3)",
       "unverändert", "Livelihood.secured_by_employment"),
    _f("self_supporting", BOOL, "kann sich und Angehörige ernähren (§ 8 Abs. 1 Nr. 4 StAG)", "unverändert",
       "Livelihood.self_supporting"),
    _f("in_education", BOOL, "in Schule, Ausbildung oder Studium", "unverändert", "Livelihood.in_education"),
    # family
    _f("minor_child_in_household", BOOL, "lebt mit einem minderjährigen Kind in häuslicher Gemeinschaft",
       "Kind (FamilyLink child, same_household) unter 18 am Stichtag; falsch ohne erfasste Kinder; unbekannt bei "
       "Kind ohne Geburtsdatum", "FamilyLink, Person.date_of_birth des Kindes"),
    _f("school_age_child_in_household", BOOL, "Kind im schulpflichtigen Alter (6 bis 17) im Haushalt",
       "wie minor_child_in_household, Alter 6–17", "FamilyLink"),
    _f("spouse_full_time_20_of_24", BOOL, "Ehegatte im Haushalt ist in Vollzeit erwerbstätig, mindestens 20 der "
       "letzten 24 Monate (§ 10 Abs. 1 Nr. 3 c StAG)", "falsch ohne Ehegatten im Haushalt", "FamilyLink, Livelihood "
       "des Ehegatten"),
    # case
    _f("application_date", DATE, "Tag des Antragseingangs", "unbekannt ohne Fall", "Case.received_on"),
    _f("declaration_fdgo", BOOL, "Bekenntnis zur freiheitlichen demokratischen Grundordnung abgegeben",
       "Case.declaration_fdgo_on bis zum Stichtag; unbekannt ohne Fall", "Case.declaration_fdgo_on"),
    _f("declaration_historic_responsibility", BOOL, "Bekenntnis zur historischen Verantwortung abgegeben "
       "(§ 10 Abs. 1 S. 1 Nr. 1a StAG)", "wie declaration_fdgo", "Case.declaration_historic_responsibility_on"),
    _f("children_school_attendance_proven", BOOL, "Schulbesuch der schulpflichtigen Kinder nachgewiesen",
       "unverändert; unbekannt ohne Fall", "Case.children_school_attendance_proven"),
    _f("security_findings", BOOL, "Regelanfrage (§ 37 Abs. 2 StAG) ergab Erkenntnisse", "letzte Regelanfrage: "
       "findings → wahr, no_findings → falsch; ausstehend oder keine → unbekannt", "SecurityCheck(regelanfrage)"),
    _f("has_main_applicant", BOOL, "der Fall ist Miteinbürgerung/Mitantrag zu einem Hauptfall", "Case.main_case_id "
       "gesetzt; unbekannt ohne Fall", "Case.main_case_id"),
)

FACT_TYPES: dict[str, str] = {f.name: f.type for f in CATALOGUE}

STATUS_CODE = {name: i for i, name in enumerate(STATUSES)}
_STATUS_NAMES = np.array(list(STATUSES) + [""])
CEFR_CODE = {level: i + 1 for i, level in enumerate(CEFR)}
CIVIC_CODE = {kind: i for i, kind in enumerate(CIVIC_KINDS)}
SANCTION_CODE = {name: i for i, name in enumerate(SANCTIONS)}
SCHOOL_CODE = {name: i for i, name in enumerate(SCHOOL_KINDS)}
SECURITY_CODE = {"no_findings": 0, "findings": 1}
EU_OR_CH = frozenset(
    ["AUT", "BEL", "BGR", "HRV", "CYP", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "IRL", "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE", "CHE"]
)
_PARAGRAPH = re.compile(r"(\d+\s*[a-z]?)\b(?:\s*(?:Abs\.?|Absatz)\s*(\d+))?", re.IGNORECASE)


def parse_paragraph(text: str) -> tuple[str, int]:
    """``"§ 25 Abs. 2 AufenthG"`` → ``("25", 2)``; ``"§ 104c"`` → ``("104c", 0)``; unreadable → ``("", 0)``."""
    match = _PARAGRAPH.search(text or "")
    if not match:
        return "", 0
    return match.group(1).replace(" ", "").lower(), int(match.group(2) or 0)


# ------------------------------------------------------------------------------------------------ batch
def _col(values: Any, dtype: Any) -> np.ndarray:
    return np.asarray(values, dtype=dtype)


@dataclasses.dataclass
class Batch:
    """Raw data of ``n`` persons as columns. Child tables carry ``pidx`` (0..n-1), sorted by person."""

    n: int
    #: Person-level columns: name -> (values, known).
    person: dict[str, tuple[np.ndarray, np.ndarray]]
    periods: dict[str, np.ndarray]
    certs: dict[str, np.ndarray]
    tests: dict[str, np.ndarray]
    convictions: dict[str, np.ndarray]
    school: dict[str, np.ndarray]
    children: dict[str, np.ndarray]

    def __post_init__(self) -> None:
        p = self.periods
        order = np.lexsort((p["start"], p["pidx"]))
        if not np.array_equal(order, np.arange(len(order))):
            self.periods = {k: v[order] for k, v in p.items()}

    @classmethod
    def from_records(cls, records: Sequence[dict[str, Any]]) -> Batch:
        """Columns from normalized records (:func:`ebh.rules.record.parse_record`)."""
        n = len(records)
        person: dict[str, tuple[np.ndarray, np.ndarray]] = {}

        def put(name: str, values: list[Any], dtype: Any, fill: Any) -> None:
            known = np.array([v is not None for v in values], dtype=bool)
            person[name] = (np.array([fill if v is None else v for v in values], dtype=dtype), known)

        for key in PERSON_BOOLS:
            put(key, [r[key] for r in records], bool, False)
        for key in PERSON_DATES:
            put(key, [_days(r[key]) for r in records], np.int64, 0)
        nats = [r["nationalities"] for r in records]
        put("eu_or_swiss_national", [any(c in EU_OR_CH for c in ns) if ns else None for ns in nats], bool, False)
        put("stateless", [("XXA" in ns) if ns else None for ns in nats], bool, False)
        convictions_known = [r["convictions"] is not None for r in records]
        person["convictions_known"] = (np.array(convictions_known, dtype=bool), np.ones(n, dtype=bool))
        for key in ("receives_sgb2_sgb12", "responsible_for_benefits", "full_time_employed", "secured_by_employment",
                    "self_supporting", "in_education"):
            put(key, [(r["livelihood"] or {}).get(key) for r in records], bool, False)
        put("months_employed_last_24", [(r["livelihood"] or {}).get("months_employed_last_24") for r in records],
            np.int64, 0)
        spouses = [r["spouse"] for r in records]
        put("spouse_present", [s is not None for s in spouses], bool, False)
        put("spouse_household", [None if s is None else (s["same_household"] is not False) for s in spouses],
            bool, False)
        put("spouse_full_time", [None if s is None else s["full_time_employed"] for s in spouses], bool, False)
        put("spouse_months", [None if s is None else s["months_employed_last_24"] for s in spouses], np.int64, 0)
        cases = [r["case"] for r in records]
        put("case_present", [c is not None for c in cases], bool, False)
        for key, out in (("received_on", "application_date"), ("declaration_fdgo_on", "decl_fdgo"),
                         ("declaration_historic_responsibility_on", "decl_hist")):
            put(out, [None if c is None else _days(c[key]) for c in cases], np.int64, 0)
        put("children_school_attendance_proven",
            [None if c is None else c["children_school_attendance_proven"] for c in cases], bool, False)
        put("security", [None if c is None else SECURITY_CODE.get(c["security_check"] or "") for c in cases],
            np.int8, 0)
        put("has_main_applicant", [None if c is None else bool(c["has_main_applicant"]) for c in cases], bool, False)

        def rows(key: str) -> list[tuple[int, dict[str, Any]]]:
            return [(i, item) for i, r in enumerate(records) for item in (r[key] or [])]

        periods = rows("residence")
        parsed = [parse_paragraph(p["paragraph"] or "") for _, p in periods]
        certs, tests, convs = rows("language_certificates"), rows("civic_tests"), rows("convictions")
        school, children = rows("school_records"), rows("children")
        return cls(
            n=n,
            person=person,
            periods={
                "pidx": _col([i for i, _ in periods], np.int64),
                "status": _col([STATUS_CODE[p["status"]] for _, p in periods], np.int8),
                "section": np.array([s for s, _ in parsed], dtype="U6"),
                "subsection": _col([a for _, a in parsed], np.int16),
                "start": _col([_days(p["start"]) for _, p in periods], np.int64),
                "end": _col([OPEN_END if p["end"] is None else _days(p["end"]) for _, p in periods], np.int64),
            },
            certs={
                "pidx": _col([i for i, _ in certs], np.int64),
                "level": _col([CEFR_CODE[c["level"]] for _, c in certs], np.int8),
                "issued": _col([_days(c["issued_on"]) for _, c in certs], np.int64),
                "oral_only": _col([bool(c["oral_only"]) for _, c in certs], bool),
            },
            tests={
                "pidx": _col([i for i, _ in tests], np.int64),
                "kind": _col([CIVIC_CODE[t["kind"]] for _, t in tests], np.int8),
                "taken": _col([_days(t["taken_on"]) for _, t in tests], np.int64),
                "passed": _col([bool(t["passed"]) for _, t in tests], bool),
            },
            convictions={
                "pidx": _col([i for i, _ in convs], np.int64),
                "decided": _col([_days(c["decided_on"]) for _, c in convs], np.int64),
                "sanction": _col([SANCTION_CODE[c["sanction"]] for _, c in convs], np.int8),
                "rates": _col([c["daily_rates"] or 0 for _, c in convs], np.int64),
                "months": _col([c["months"] or 0 for _, c in convs], np.int64),
                **{key: _col([bool(c[key]) if c[key] is not None else default for _, c in convs], bool)
                   for key, default in (("suspended", False), ("remitted", False), ("inhuman_motive", False),
                                        ("intentional", True), ("foreigner_only_offence", False),
                                        ("in_germany", True))},
            },
            school={
                "pidx": _col([i for i, _ in school], np.int64),
                "start": _col([_days(s["start"]) for _, s in school], np.int64),
                "end": _col([OPEN_END if s["end"] is None else _days(s["end"]) for _, s in school], np.int64),
                "kind": _col([SCHOOL_CODE[s["kind"]] for _, s in school], np.int8),
                "successful": _col([s["successful"] is not False for _, s in school], bool),
            },
            children={
                "pidx": _col([i for i, _ in children], np.int64),
                "dob": _col([_days(c["date_of_birth"]) or 0 for _, c in children], np.int64),
                "dob_known": _col([c["date_of_birth"] is not None for _, c in children], bool),
                "household": _col([c["same_household"] is not False for _, c in children], bool),
            },
        )


def _days(value: dt.date | None) -> int | None:
    return None if value is None else dates.to_days(value)


# ------------------------------------------------------------------------------------------- derivation
Facts = dict[str, tuple[np.ndarray, np.ndarray]]

_S = STATUS_CODE
STAG_LAWFUL = [_S[s] for s in ("residence_permit", "blue_card", "settlement_permit", "eu_long_term",
                               "eu_free_movement", "fiktion", "visa")]
BLEIBERECHT = [_S[s] for s in ("duldung", "duldung_60d", "gestattung", "residence_permit", "fiktion")]
DULDUNG = [_S["duldung"], _S["duldung_60d"]]
PERMITS = [_S[s] for s in ("residence_permit", "blue_card", "settlement_permit", "eu_long_term", "fiktion")]
#: Periods abroad of up to six months do not interrupt lawful residence (§ 12b Abs. 1 S. 1 StAG).
ABROAD_TOLERANCE_MONTHS = 6
#: One interruption of up to three months is harmless for §§ 25a, 25b, 104c (BMI Anwendungshinweise).
BLEIBERECHT_GAP_MONTHS = 3
_KEY = np.int64(1 << 23)  # > any day number used (OPEN_END) – packs (person, day) into one int64


def _any(pidx: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(pidx[mask], minlength=n) > 0


def _sum(pidx: np.ndarray, values: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(pidx[mask], weights=values[mask], minlength=n).astype(np.int64)


def _max(pidx: np.ndarray, values: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, -1, dtype=np.int64)
    np.maximum.at(out, pidx[mask], values[mask].astype(np.int64))
    return out


def _stretch(pidx: np.ndarray, start: np.ndarray, end: np.ndarray, counts: np.ndarray, n: int, as_of: int,
             gap_months: int = 0, bridge_only: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """The uninterrupted stretch of counting periods that reaches ``as_of``, per person.

    Periods must be sorted by person and start and already clipped to ``as_of``. A new stretch begins
    where a period starts after the end of all earlier ones (plus ``gap_months`` of tolerated
    interruption). ``bridge_only`` periods (short stays abroad) may continue a stretch but never start
    one. Returns ``(since, now, stretches, index_of_stretch_start)`` per person.
    """
    idx = np.nonzero(counts)[0]
    while True:
        p, s, e = pidx[idx], start[idx], end[idx]
        m = len(idx)
        cummax = np.maximum.accumulate(p * _KEY + e) if m else np.zeros(0, dtype=np.int64)
        same = np.zeros(m, dtype=bool)
        same[1:] = p[1:] == p[:-1]
        prev_end = np.zeros(m, dtype=np.int64)
        prev_end[1:] = cummax[:-1] - p[1:] * _KEY
        limit = prev_end + 1 if gap_months == 0 else dates.v_add_months(prev_end + 1, gap_months)
        new = ~same | (s > limit)
        if bridge_only is None:
            break
        drop = new & bridge_only[idx]
        if not drop.any():
            break
        idx = idx[~drop]
    first = np.maximum.accumulate(np.where(new, np.arange(m), 0)) if m else np.zeros(0, dtype=np.int64)
    last = np.ones(m, dtype=bool)
    last[:-1] = p[:-1] != p[1:]
    persons = p[last]
    since = np.zeros(n, dtype=np.int64)
    since[persons] = s[first[last]]
    now = np.zeros(n, dtype=bool)
    now[persons] = (cummax[last] - persons * _KEY) >= as_of
    stretches = np.bincount(p[new], minlength=n)
    start_row = np.full(n, -1, dtype=np.int64)
    start_row[persons] = idx[first[last]]
    return since, now, stretches, start_row


def derive(batch: Batch, as_of: dt.date) -> Facts:
    """All catalogued facts for every person of ``batch`` as of ``as_of``."""
    n, D = batch.n, dates.to_days(as_of)
    P = batch.person
    facts: Facts = {}
    yes = np.ones(n, dtype=bool)

    for key in PERSON_BOOLS:
        facts[key] = P[key]
    for key in (*PERSON_DATES, "eu_or_swiss_national", "stateless",
                "receives_sgb2_sgb12", "responsible_for_benefits", "full_time_employed", "months_employed_last_24",
                "secured_by_employment", "self_supporting", "in_education", "application_date",
                "children_school_attendance_proven", "has_main_applicant"):
        facts[key] = P[key]

    # --- residence
    per = batch.periods
    pidx, status, start = per["pidx"], per["status"], per["start"]
    valid = start <= D
    end = np.minimum(per["end"], D)
    has_periods = np.bincount(pidx, minlength=n) > 0
    covering = valid & (per["end"] >= D)
    cur = np.full(n, -1, dtype=np.int64)
    cur[pidx[covering]] = np.nonzero(covering)[0]
    has_cur = cur >= 0
    cur_status = np.where(has_cur, status[np.maximum(cur, 0)] if len(status) else 0, len(STATUSES))
    facts["current_status"] = (_STATUS_NAMES[cur_status] if len(status) else np.full(n, "", dtype="U1"), has_periods)
    cur_is_permit = has_cur & np.isin(cur_status, PERMITS)
    section = per["section"][np.maximum(cur, 0)] if len(status) else np.full(n, "", dtype="U1")
    subsection = per["subsection"][np.maximum(cur, 0)].astype(np.int64) if len(status) else np.zeros(n, np.int64)
    section = np.where(cur_is_permit, section, "")
    subsection = np.where(cur_is_permit, subsection, 0)
    permit_known = has_periods & (~cur_is_permit | (section != ""))
    facts["current_permit_section"] = (section, permit_known)
    facts["current_permit_subsection"] = (subsection, permit_known)

    protected = _any(pidx, valid & (status == _S["residence_permit"]) & (per["section"] == "25")
                     & np.isin(per["subsection"], [1, 2]), n)
    abroad = status == _S["abroad"]
    short_abroad = abroad & (end < dates.v_add_months(start, ABROAD_TOLERANCE_MONTHS))
    gestattung = status == _S["gestattung"]
    counts = valid & (np.isin(status, STAG_LAWFUL) | (gestattung & protected[pidx]) | short_abroad)
    since, now, stretches, first_row = _stretch(pidx, start, end, counts, n, D, bridge_only=short_abroad)
    facts["stag_lawful_now"] = (now, has_periods)
    facts["stag_residence_since"] = (since, now)
    facts["stag_residence_interrupted"] = (stretches > 1, has_periods)
    row_start = np.where(first_row >= 0, start[np.maximum(first_row, 0)] if len(start) else 0, OPEN_END)
    gest_in_stretch = _any(pidx, valid & gestattung & protected[pidx] & (start >= row_start[pidx]), n)
    facts["stag_residence_gestattung"] = (gest_in_stretch & now, has_periods)

    holds_104c = cur_is_permit & (section == "104c") & (cur_status == _S["residence_permit"])
    d60b = status == _S["duldung_60b"]
    counts = valid & (np.isin(status, BLEIBERECHT) | (d60b & holds_104c[pidx]))
    since, now, _, _ = _stretch(pidx, start, end, counts, n, D, gap_months=BLEIBERECHT_GAP_MONTHS)
    facts["bleiberecht_residence_now"] = (now, has_periods)
    facts["bleiberecht_residence_since"] = (since, now)
    counts = valid & (np.isin(status, BLEIBERECHT) | d60b)
    since, now, _, _ = _stretch(pidx, start, end, counts, n, D, gap_months=BLEIBERECHT_GAP_MONTHS)
    facts["chancen_residence_now"] = (now, has_periods)
    facts["chancen_residence_since"] = (since, now)
    since, now, _, _ = _stretch(pidx, start, end, valid & np.isin(status, DULDUNG), n, D)
    facts["duldung_since"] = (since, now)
    facts["had_duldung_60b"] = (_any(pidx, valid & d60b, n), has_periods)

    # --- language and civic knowledge
    c = batch.certs
    issued = c["issued"] <= D
    any_cert = _any(c["pidx"], issued, n)
    facts["german_level"] = (np.maximum(_max(c["pidx"], c["level"], issued & ~c["oral_only"], n), 0), any_cert)
    facts["german_level_oral"] = (np.maximum(_max(c["pidx"], c["level"], issued, n), 0), any_cert)
    t = batch.tests
    taken = t["taken"] <= D
    naturalization_test = np.isin(t["kind"], [CIVIC_CODE[k] for k in
                                              ("einbuergerungstest", "leben_in_deutschland", "school_degree")])
    facts["civic_test_passed"] = (_any(t["pidx"], taken & naturalization_test & t["passed"], n),
                                  _any(t["pidx"], taken & naturalization_test, n))
    facts["basic_knowledge_shown"] = (_any(t["pidx"], taken & t["passed"], n), _any(t["pidx"], taken, n))

    # --- convictions (§ 12a StAG, § 54 AufenthG, § 104c)
    v = batch.convictions
    known = P["convictions_known"][0]
    cp, sanction = v["pidx"], v["sanction"]
    decided = v["decided"] <= D
    fine, prison = sanction == SANCTION_CODE["fine"], sanction == SANCTION_CODE["prison"]
    youth_sentence = sanction == SANCTION_CODE["youth_sentence"]
    minor_prison = prison & v["suspended"] & v["remitted"] & (v["months"] <= 3)
    facts["conviction_count"] = (np.bincount(cp[decided], minlength=n).astype(np.int64), known)
    facts["stag_conviction_days"] = (_sum(cp, np.where(fine, v["rates"], v["months"] * 30), decided
                                          & (fine | minor_prison), n), known)
    excluded = (prison & ~minor_prison) | youth_sentence | (sanction == SANCTION_CODE["measure"]) \
        | (v["inhuman_motive"] & (sanction != SANCTION_CODE["youth_measure"]))
    facts["stag_conviction_excluded"] = (_any(cp, decided & excluded, n), known)
    intentional = decided & v["intentional"]
    facts["aufenthg_expulsion_interest"] = (_any(cp, intentional & ((prison & (v["months"] >= 6)) | (
        youth_sentence & (v["months"] >= 12) & ~v["suspended"])), n), known)
    in_de = intentional & v["in_germany"]
    facts["chancen_fine_days"] = (_sum(cp, v["rates"], in_de & fine & ~v["foreigner_only_offence"], n), known)
    facts["chancen_fine_days_foreigner_only"] = (_sum(cp, v["rates"], in_de & fine & v["foreigner_only_offence"], n),
                                                 known)
    facts["chancen_excluded_conviction"] = (_any(cp, in_de & (prison | youth_sentence), n), known)

    # --- school
    s = batch.school
    begun = s["start"] <= D
    has_school = _any(s["pidx"], begun, n)
    attended = begun & s["successful"] & np.isin(s["kind"], [SCHOOL_CODE["school"], SCHOOL_CODE["vocational_training"]])
    length = np.minimum(s["end"], D) - s["start"] + 1
    facts["school_days"] = (_sum(s["pidx"], length, attended, n), has_school)
    facts["school_qualification"] = (_any(s["pidx"], begun & s["successful"] & (s["kind"] == SCHOOL_CODE["qualification"]),
                                          n), has_school)

    # --- family
    ch = batch.children
    home = ch["household"]
    adult_from = dates.v_add_years(ch["dob"], 18)
    minor = home & ch["dob_known"] & (ch["dob"] <= D) & (D < adult_from)
    unknown_child = home & ~ch["dob_known"]
    found = _any(ch["pidx"], minor, n)
    facts["minor_child_in_household"] = (found, found | ~_any(ch["pidx"], unknown_child, n))
    school_age = minor & (dates.v_add_years(ch["dob"], 6) <= D)
    found = _any(ch["pidx"], school_age, n)
    facts["school_age_child_in_household"] = (found, found | ~_any(ch["pidx"], unknown_child, n))
    present, household = P["spouse_present"][0], P["spouse_household"][0]
    full_time, months = P["spouse_full_time"], P["spouse_months"]
    qualifies = present & household & full_time[0] & full_time[1] & months[1] & (months[0] >= 20)
    ruled_out = ~present | ~household | (full_time[1] & ~full_time[0]) | (months[1] & (months[0] < 20))
    facts["spouse_full_time_20_of_24"] = (qualifies, qualifies | ruled_out)

    # --- case
    case_present = P["case_present"][0]
    for raw, name in (("decl_fdgo", "declaration_fdgo"), ("decl_hist", "declaration_historic_responsibility")):
        values, given = P[raw]
        facts[name] = (given & (values <= D), case_present)
    security, answered = P["security"]
    facts["security_findings"] = (security == 1, answered)

    missing = set(FACT_TYPES) - set(facts)
    assert not missing, f"facts without derivation: {sorted(missing)}"
    return {name: (np.asarray(val), np.asarray(k) & yes) for name, (val, k) in facts.items()}


def scalar_facts(facts: Facts, i: int = 0) -> dict[str, Any]:
    """Person ``i`` of derived facts as Python values (``None`` = unknown; dates as ``datetime.date``)."""
    out: dict[str, Any] = {}
    for name, (values, known) in facts.items():
        if not known[i]:
            out[name] = None
            continue
        typ = FACT_TYPES[name]
        value = values[i]
        out[name] = (dates.from_days(int(value)) if typ == DATE else bool(value) if typ == BOOL
                     else int(value) if typ == INT else str(value))
    return out


def derive_record(record: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """The facts of one normalized record as Python values."""
    return scalar_facts(derive(Batch.from_records([record]), as_of))


def facts_json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in sorted(values.items())}
