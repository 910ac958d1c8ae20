"""The demo generator: offices, households, life courses and cases as row tuples, reproducible by seed."""
from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
import itertools
import random
from collections.abc import Callable
from typing import Any

from ebh.cases import catalog, workflow
from ebh.cases.models import CaseFamily, CaseType
from ebh.cases.names import fold
from ebh.cases.names import tokens as name_tokens
from ebh.cases.raw_facts import RAW_FACTS
from ebh.cases.search import sort_name
from ebh.demo import data
from ebh.extensions import db

#: The tables the generator fills, in foreign-key order. A row is a tuple of the table's column values in
#: the order of its SQLAlchemy metadata (:func:`columns`), so the loader needs no column list of its own.
TABLES: tuple[str, ...] = (
    "persons", "person_aliases", "person_search_tokens", "nationalities", "family_links", "residence_periods",
    "language_certificates", "civic_tests", "convictions", "school_records", "livelihoods", "cases",
    "status_changes", "case_documents", "fees", "security_checks", "notes",
)


def columns(table: str) -> tuple[str, ...]:
    """The columns of ``table`` in metadata order: the layout of its row tuples."""
    return tuple(column.name for column in db.metadata.tables[table].columns)


_PERSON_COLUMNS = columns("persons")


_NAT = CaseFamily.NATURALIZATION
_RES = CaseFamily.RESIDENCE
#: Main path of each family; other statuses branch off it.
_MAIN_PATH = {
    _NAT: ("received", "in_review", "documents_requested", "in_review", "security_checks", "ready_for_decision",
           "granted", "certificate_handed_over"),
    _RES: ("received", "in_review", "documents_requested", "in_review", "ready_for_decision", "granted"),
}
#: Status weights by age of the case (days since receipt): (max age, {status: weight}).
_STATUS_BY_AGE = {
    _NAT: (
        (90, {"received": 60, "in_review": 30, "documents_requested": 8, "withdrawn": 2}),
        (365, {"received": 12, "in_review": 22, "documents_requested": 25, "security_checks": 17,
               "ready_for_decision": 8, "suspended": 2, "granted": 4, "certificate_handed_over": 4, "refused": 2,
               "withdrawn": 4}),
        (730, {"in_review": 8, "documents_requested": 10, "security_checks": 12, "ready_for_decision": 8,
               "suspended": 3, "granted": 8, "certificate_handed_over": 41, "refused": 4, "withdrawn": 6}),
        (10**6, {"certificate_handed_over": 80, "refused": 6, "withdrawn": 8, "granted": 1, "suspended": 2,
                 "in_review": 1, "documents_requested": 2}),
    ),
    _RES: (
        (60, {"received": 65, "in_review": 30, "withdrawn": 5}),
        (300, {"received": 10, "in_review": 25, "documents_requested": 25, "ready_for_decision": 12,
               "granted": 18, "refused": 5, "withdrawn": 5}),
        (10**6, {"in_review": 3, "documents_requested": 3, "ready_for_decision": 2, "granted": 78, "refused": 8,
                 "withdrawn": 6}),
    ),
}
#: Minimal age in days of a case in each status (forced statuses move the receipt date back if needed).
_MIN_AGE = {"received": 0, "in_review": 7, "documents_requested": 30, "security_checks": 60,
            "ready_for_decision": 120, "suspended": 120, "granted": 150, "certificate_handed_over": 200,
            "refused": 150, "withdrawn": 14}
_OUTCOME = {"granted": "granted", "certificate_handed_over": "granted", "refused": "refused",
            "withdrawn": "withdrawn"}
_REASONS = {
    "refused": ("Einbürgerungsvoraussetzungen nicht erfüllt (Lebensunterhalt nicht gesichert).",
                "Erforderliche Sprachkenntnisse nicht nachgewiesen.", "Verurteilung oberhalb der Bagatellgrenze.",
                "Identität nicht geklärt."),
    "withdrawn": ("Antrag durch die antragstellende Person zurückgenommen.", "Wegzug in einen anderen Bezirk."),
    "suspended": ("Ermittlungsverfahren anhängig (§ 12a Abs. 3 StAG).",),
}
_LANG_KINDS = {"A1": ("telc Deutsch A1", "Goethe-Zertifikat A1"), "A2": ("DTZ", "telc Deutsch A2"),
               "B1": ("DTZ", "telc Deutsch B1", "Goethe-Zertifikat B1"), "B2": ("telc Deutsch B2", "Goethe-Zertifikat B2"),
               "C1": ("Goethe-Zertifikat C1", "TestDaF", "telc Deutsch C1 Hochschule")}
_EMPLOYED_SHARE = {"settled": 0.75, "settled_worker": 0.35, "asylum_recognized": 0.6, "duldung": 0.45,
                   "young": 0.3, "student": 0.9, "eu_citizen": 0.8, "spouse_of_german": 0.7, "ukraine_24": 0.35,
                   "no_case": 0.6}



@dataclasses.dataclass
class _Office:
    id: int
    spec: data.OfficeSpec
    caseworkers: list[int]

    @property
    def families(self) -> tuple[CaseFamily, ...]:
        kind = self.spec.kind
        return {"EBH": (_NAT,), "ABH": (_RES,), "BOTH": (_NAT, _RES)}[kind]


@dataclasses.dataclass(eq=False)
class _P:
    """A generated person (only what later rows of the same household need)."""

    id: int
    origin: data.Origin
    sex: str
    family: str
    given: str
    dob: int
    entry: int
    office: _Office
    married: bool = False
    spouse: _P | None = None
    children: list[_P] = dataclasses.field(default_factory=list)
    case_type: CaseType | None = None
    case_received: int | None = None


class Generator:
    """Builds demo rows household by household; ``rows`` collects tuples per table (see :data:`TABLES`)."""

    def __init__(self, seed: int, today: dt.date, offices: list[_Office], next_ids: dict[str, int],
                 counters: dict[tuple[int, str, int], int]) -> None:
        self.rng = random.Random(seed)
        self.random = self.rng.random
        self.today = today.toordinal()
        self.offices = offices
        self.office_cum = list(itertools.accumulate(o.spec.weight for o in offices))
        self.origin_cum = list(itertools.accumulate(o.weight for o in data.ORIGINS))
        self.ids = {table: itertools.count(start) for table, start in next_ids.items()}
        self.counters = counters
        self.rows: dict[str, list[tuple]] = {table: [] for table in TABLES}
        self.persons = 0
        self.cases = 0
        #: ``d(ordinal)`` → ISO date string (None stays None); a dict lookup is the cheapest conversion.
        self.d: Callable[[int | None], str | None] = _ISO_DATES.get
        # The first cases of each family walk through all statuses, so each shows up even in a small demo.
        self.forced = {f: list(reversed([s.key for s in workflow.workflow_for(f).statuses])) for f in CaseFamily}
        self._showcase_types = [CaseType.STAG_8, CaseType.STAG_9, CaseType.AUFENTHG_25A, CaseType.AUFENTHG_25B,
                                CaseType.AUFENTHG_104C]
        self._force_variant: str | None = None
        self._force_stag9 = self._force_case = False

    # -- small helpers -------------------------------------------------------------------------

    def ts(self, ordinal: int, minute: int = 0) -> str:
        """A timestamp in office hours of that day (stored as naive UTC)."""
        return f"{_ISO_DATES[ordinal]} {7 + minute // 60 % 9:02d}:{minute % 60:02d}:00.000000"

    def ri(self, low: int, high: int) -> int:
        """A random integer in [low, high] (faster than ``Random.randint``, same seed → same values)."""
        return low + int(self.random() * (high - low + 1))

    def rr(self, n: int) -> int:
        return int(self.random() * n)

    def pick(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]

    def next_id(self, table: str) -> int:
        return next(self.ids[table])

    def add(self, table: str, row: tuple) -> None:
        self.rows[table].append(row)

    def between(self, start: int, end: int) -> int:
        return start if end <= start else self.ri(start, end)

    def years(self, value: float) -> int:
        return int(value * 365.25)

    def take_rows(self) -> dict[str, list[tuple]]:
        rows, self.rows = self.rows, {table: [] for table in TABLES}
        return rows

    def pending(self) -> int:
        return sum(len(r) for r in self.rows.values())

    # -- households --------------------------------------------------------------------------------

    def household(self, limit: int) -> None:
        """Generate one household of at most ``limit`` persons."""
        rng = self.rng
        office = self.offices[bisect.bisect(self.office_cum, rng.random() * self.office_cum[-1])]
        origin = data.ORIGINS[bisect.bisect(self.origin_cum, rng.random() * self.origin_cum[-1])]
        paths = origin.paths
        path = rng.choices(tuple(paths), tuple(paths.values()))[0]
        if office is self.offices[0] and (self._showcase_types or self.forced[_NAT] or self.forced[_RES]):
            path = self._showcase_path() or path
        getattr(self, f"_path_{path}")(office, origin, limit)

    def _showcase_path(self) -> str | None:
        """The first households of the first office cover the rarer case types and every status."""
        families = self.offices[0].families
        if not self._showcase_types:
            self._force_case = True
            if self.forced[_RES] and _RES in families:
                return "young"
            if self.forced[_NAT] and _NAT in families:
                return "settled"
            self._force_case = False
            return None
        wanted = self._showcase_types.pop()
        self._force_variant = {CaseType.AUFENTHG_104C: "104c", CaseType.AUFENTHG_25B: "25b"}.get(wanted)
        self._force_stag9 = wanted is CaseType.STAG_9
        return {CaseType.STAG_8: "settled_stag8", CaseType.STAG_9: "spouse_of_german", CaseType.AUFENTHG_25A: "young",
                CaseType.AUFENTHG_25B: "duldung", CaseType.AUFENTHG_104C: "duldung"}[wanted]

    def _person(self, office: _Office, origin: data.Origin, sex: str, dob: int, entry: int, *,
                family: str | None = None, birth_name: str = "", married: bool = False,
                born_here: bool = False, facts: dict[str, Any] | None = None) -> _P:
        rng = self.rng
        pid = self.next_id("persons")
        given = self.pick(origin.female if sex == "f" else origin.male)
        if rng.random() < 0.12 and origin.key != "vn":
            second = self.pick(origin.female if sex == "f" else origin.male)
            if second != given and " " not in given:
                given = f"{given} {second}"
        if family is None:
            family = self.pick(origin.family)
            if sex == "f":
                family = data.feminine(origin.key, family)
        place = office.spec.places[self.rr(len(office.spec.places))]
        if born_here:
            place_of_birth, country_of_birth = place.city, "DEU"
        else:
            place_of_birth, country_of_birth = self.pick(origin.places), origin.country
            for other, share in origin.born_elsewhere:
                if rng.random() < share:
                    country_of_birth, place_of_birth = other, ""
                    break
        age = (self.today - dob) // 365
        marital = "verheiratet" if married else ("ledig" if age < 30 or rng.random() < 0.7 else
                                                 self.pick(("geschieden", "verwitwet")))
        language = "de" if (born_here or rng.random() < 0.3) else self.pick(origin.languages)
        email = phone = ""
        if age >= 18 and rng.random() < 0.25:
            email = f"{_fold(given).split()[0]}.{_fold(family).replace(' ', '')}{self.rr(100)}@example.org"
        if age >= 18 and rng.random() < 0.3:
            phone = f"+49 30 23125 {self.rr(1000):03d}"  # range reserved for fiction (BNetzA)
        facts = facts or {}
        street = f"{self.pick(data.STREETS)} {self.ri(1, 180)}{self.pick(('', '', '', 'a', 'b'))}"
        self.add("persons", tuple(map({
            "id": pid, "office_id": office.id, "family_name": family, "given_names": given,
            "birth_name": birth_name, "native_name": "", "date_of_birth": self.d(dob),
            "place_of_birth": place_of_birth, "country_of_birth": country_of_birth, "sex": sex,
            "marital_status": marital, "street": street, "postcode": str(self.ri(*place.postcodes)),
            "city": place.city, "district": self.pick(place.districts) if place.districts else "",
            "preferred_language": language, "email": email, "phone": phone, "entry_date": self.d(entry),
            # The raw facts: what the household's path set, else the fact's own demo value.
            **{fact.name: facts[fact.name] if fact.name in facts else fact.demo(rng, age) for fact in RAW_FACTS},
            "created_at": self.ts(min(self.today, max(entry, dob)), self.rr(540)),
            "updated_at": self.ts(self.today - self.rr(30), self.rr(540)), "version": 1,
        }.get, _PERSON_COLUMNS)))
        nat = origin.country
        if country_of_birth == "XXA" or (origin.key == "sy" and rng.random() < 0.04):
            nat = "XXA"  # stateless (e.g. Palestinians or Ajanib Kurds from Syria)
        self.add("nationalities", (self.next_id("nationalities"), pid, nat, self.d(dob)))
        if origin.key == "xk" and dob < dt.date(1990, 1, 1).toordinal() and rng.random() < 0.2:
            self.add("nationalities", (self.next_id("nationalities"), pid, "SRB", self.d(dob)))
        aliases = self._aliases(origin, family, given)
        token_names = [family, given, birth_name]
        for alias_family, alias_given, kind in aliases:
            self.add("person_aliases", (self.next_id("person_aliases"), pid, alias_family, alias_given, kind))
            token_names.append(f"{alias_family} {alias_given}")
        for token in _tokens(tuple(token_names)):
            self.add("person_search_tokens", (self.next_id("person_search_tokens"), pid, office.id, token))
        self.persons += 1
        return _P(pid, origin, sex, family, given, dob, entry, office, married=married)

    def _aliases(self, origin: data.Origin, family: str, given: str) -> list[tuple[str, str, str]]:
        rng = self.rng
        fam_variants = _variants(origin.key, family)
        given_variants = _variants(origin.key, given)
        if not fam_variants and not given_variants or rng.random() < 0.45:
            return []
        result = []
        for _ in range(1 if rng.random() < 0.8 else 2):
            new_family, kind_f = self.pick(fam_variants) if fam_variants else (family, "")
            new_given, kind_g = self.pick(given_variants) if given_variants and rng.random() < 0.6 else (given, "")
            alias = (new_family, new_given, kind_f or kind_g or "spelling")
            if (new_family, new_given) != (family, given) and alias not in result:
                result.append(alias)
        return result

    # -- household paths ---------------------------------------------------------------------------

    def _couple_and_children(self, office: _Office, origin: data.Origin, main_sex: str, dob: int,
                             entry: int, limit: int, *, couple_share: float, max_children: int,
                             facts: dict[str, Any] | None = None) -> _P:
        """The main person, maybe a spouse (same origin) and children; returns the main person."""
        rng = self.rng
        couple = limit > 1 and rng.random() < couple_share
        main = self._person(office, origin, main_sex, dob, entry, married=couple, facts=facts)
        members = [main]
        mother_dob = dob
        if couple:
            spouse_sex = "f" if main_sex == "m" else "m"
            gap = self.ri(-2, 7) if spouse_sex == "f" else self.ri(-7, 2)
            spouse_dob = min(dob + self.years(gap), self.today - self.years(18))
            family = birth = None
            if spouse_sex == "f" and origin.wife_takes_name:
                family = data.feminine(origin.key, main.family)
                birth = data.feminine(origin.key, self.pick(origin.family))
            spouse_entry = min(max(entry + self.ri(0, 400), spouse_dob + 1), self.today - 1)
            spouse = self._person(office, origin, spouse_sex, spouse_dob, spouse_entry, family=family,
                                  birth_name=birth or "", married=True)
            self._link(main, spouse, "spouse", "spouse", True)
            members.append(spouse)
            main.spouse = spouse
            if spouse_sex == "f":
                mother_dob = spouse_dob
        father = main if main_sex == "m" else main.spouse
        n_children = min(limit - len(members), self.ri(0, max_children)) if limit > len(members) else 0
        for _ in range(n_children):
            born = mother_dob + self.ri(self.years(19), self.years(40))
            if born > self.today - 30:
                continue
            born_here = born >= entry
            child_entry = born if born_here else entry
            sex = self.pick("fm")
            if origin.patronymic and father is not None:
                family = father.given.split()[0]
            elif father is not None:
                family = data.feminine(origin.key, father.family) if sex == "f" else father.family
            else:
                family = main.family
            child = self._person(office, origin, sex, born, child_entry, family=family,
                                 born_here=born_here)
            for parent in members[:2]:
                adult_away = (self.today - born) > self.years(25) and rng.random() < 0.6
                self._link(parent, child, "child", "parent", not adult_away)
            main.children.append(child)
        return main

    def _link(self, a: _P, b: _P, a_to_b: str, b_to_a: str, same_household: bool) -> None:
        """Store a family relation and its reciprocal link (as the services do)."""
        self.add("family_links", (self.next_id("family_links"), a.id, b.id, a_to_b, same_household))
        self.add("family_links", (self.next_id("family_links"), b.id, a.id, b_to_a, same_household))

    def _members(self, main: _P) -> list[_P]:
        return [main] + ([main.spouse] if main.spouse else []) + main.children

    def _adult_dob(self, earliest_year: int, latest_year: int) -> int:
        return self.ri(dt.date(earliest_year, 1, 1).toordinal(), dt.date(latest_year, 12, 31).toordinal())

    def _entry(self, dob: int, earliest: int, latest: int, min_age: float = 0) -> int:
        return self.between(max(earliest, dob + self.years(min_age)), min(latest, self.today - 30))

    def _path_settled(self, office: _Office, origin: data.Origin, limit: int, *, stag8: bool = False) -> None:
        rng = self.rng
        dob = self._adult_dob(1955, 1998)
        entry = self._entry(dob, dt.date(1975, 1, 1).toordinal(), self.today - self.years(6))
        main = self._couple_and_children(office, origin, self.pick("fm"), dob, entry, limit,
                                         couple_share=0.6, max_children=3)
        for p in self._members(main):
            child_age = (p.entry - p.dob) / 365.25
            first = ("residence_permit", "§ 32 AufenthG" if child_age < 16 else "§ 30 AufenthG")
            switch = p.entry + self.ri(self.years(3), self.years(8))
            self._periods(p, [(p.entry, *first), (switch, self.pick(("settlement_permit", "settlement_permit",
                                                                         "eu_long_term")), "")], valid=False)
        self._naturalization(main, 1.0 if stag8 else 0.6,
                             CaseType.STAG_8 if stag8 or rng.random() < 0.08 else CaseType.STAG_10)
        self._records(main, "settled")

    def _path_settled_stag8(self, office: _Office, origin: data.Origin, limit: int) -> None:
        self._path_settled(office, origin, limit, stag8=True)

    def _path_no_case(self, office: _Office, origin: data.Origin, limit: int) -> None:
        dob = self._adult_dob(1950, 2002)
        entry = self._entry(dob, dt.date(1980, 1, 1).toordinal(), self.today - 400, min_age=16)
        main = self._couple_and_children(office, origin, self.pick("fm"), dob, entry, limit,
                                         couple_share=0.5, max_children=3)
        status = "eu_free_movement" if origin.country in ("POL", "ROU", "BGR", "ITA", "GRC") else "residence_permit"
        for p in self._members(main):
            self._periods(p, [(p.entry, status, "§ 2 Abs. 2 FreizügG/EU" if status != "residence_permit"
                               else "§ 7 Abs. 1 S. 3 AufenthG")], valid=True)
        self._records(main, "no_case")

    def _path_settled_worker(self, office: _Office, origin: data.Origin, limit: int) -> None:
        """Recruited guest workers (entry by 30.06.1974) and DDR contract workers (by 13.06.1990)."""
        rng = self.rng
        contract = origin.key == "vn"
        dob = self._adult_dob(1938, 1968 if contract else 1954)
        latest = dt.date(1990, 6, 13 if contract else 30).toordinal() if contract else dt.date(1974, 6, 30).toordinal()
        entry = self._entry(dob, dt.date(1980 if contract else 1961, 1, 1).toordinal(), latest, min_age=18)
        facts = {"guest_worker": True}
        main = self._couple_and_children(office, origin, "m" if rng.random() < 0.8 else "f", dob,
                                         entry, limit, couple_share=0.8, max_children=4, facts=facts)
        eu = origin.country in ("ITA", "GRC")
        for p in self._members(main):
            steps = [(p.entry, "residence_permit", "AuslG 1965")]
            if eu:
                steps.append((max(p.entry + 1, dt.date(1988, 1, 1).toordinal()), "eu_free_movement",
                              "§ 2 Abs. 2 FreizügG/EU"))
            else:
                steps.append((p.entry + self.ri(self.years(5), self.years(10)), "settlement_permit", "§ 9 AufenthG"))
            self._periods(p, steps, valid=False)
        self._naturalization(main, 0.4, CaseType.STAG_10)
        self._records(main, "settled_worker")

    def _path_asylum_recognized(self, office: _Office, origin: data.Origin, limit: int) -> None:
        rng = self.rng
        dob = self._adult_dob(1960, 2003)
        entry = self._entry(dob, dt.date(2013, 1, 1).toordinal(), dt.date(2020, 12, 31).toordinal(), min_age=16)
        main = self._couple_and_children(office, origin, "m" if rng.random() < 0.65 else "f",
                                         dob, entry, limit, couple_share=0.55, max_children=4)
        protection = rng.choices(("§ 25 Abs. 2 S. 1 Alt. 1 AufenthG", "§ 25 Abs. 2 S. 1 Alt. 2 AufenthG",
                                  "§ 25 Abs. 1 AufenthG", "§ 25 Abs. 3 AufenthG"), (55, 30, 3, 12))[0]
        granted = entry + self.ri(120, 600)
        settled = granted + self.ri(self.years(3), self.years(5.5))
        for p in self._members(main):
            if p.entry > granted:
                steps = [(p.entry, "residence_permit", "§ 26 Abs. 1 AufenthG")]  # born after recognition
            else:
                steps = [(p.entry, "gestattung", "§ 55 AsylG"), (granted, "residence_permit", protection)]
            steps.append((max(settled, p.entry + 1), "settlement_permit", "§ 26 Abs. 3 AufenthG"))
            self._periods(p, steps, valid=True)
        self._naturalization(main, 0.65, CaseType.STAG_10, earliest=entry + self.years(5))
        self._records(main, "asylum_recognized")

    def _path_duldung(self, office: _Office, origin: data.Origin, limit: int) -> None:
        """Rejected asylum seekers: Duldung, then § 104c / § 25b, § 60b (identity unclear) or § 60d."""
        rng = self.rng
        dob = self._adult_dob(1965, 2004)
        entry = self._entry(dob, dt.date(2012, 1, 1).toordinal(), dt.date(2019, 12, 31).toordinal(), min_age=16)
        variant = rng.choices(("104c", "25b", "60b", "60d", "plain"), (30, 30, 15, 10, 15))[0]
        if self._force_variant:
            variant, self._force_variant = self._force_variant, None
            entry = min(entry, dt.date(2016, 6, 1).toordinal())  # § 104c: 5 years by 31.10.2022
        facts: dict[str, Any] = {}
        if variant == "60b":
            facts = {"identity_clarified": False, "removal_prevented_by_own_deception": rng.random() < 0.5}
        main = self._couple_and_children(office, origin, "m" if rng.random() < 0.7 else "f", dob, entry,
                                         limit, couple_share=0.5, max_children=4, facts=facts)
        duldung_from = entry + self.ri(180, 900)
        members = self._members(main)
        timeline: list[tuple] = [(entry, "gestattung", "§ 55 AsylG"),
                                 (duldung_from, "duldung", "§ 60a Abs. 2 S. 1 AufenthG")]
        if variant == "60b":
            timeline.append((duldung_from + self.ri(200, 1500), "duldung_60b", "§ 60b AufenthG"))
        elif variant == "60d":
            timeline.append((max(dt.date(2020, 1, 1).toordinal(), duldung_from + 400), "duldung_60d",
                             "§ 60d AufenthG"))
        elif variant == "104c" and entry <= dt.date(2017, 10, 30).toordinal():
            case = self._case(main, CaseType.AUFENTHG_104C, dt.date(2023, 1, 2).toordinal(),
                              dt.date(2024, 6, 30).toordinal(), co=[p for p in members[1:] if self._minor(p, 0)])
            if case and case.outcome == "granted":
                timeline.append((case.decided + 1, "residence_permit", "§ 104c AufenthG"))
                expiry = case.decided + 548  # 18 months, not extendable
                follow = self._case(main, CaseType.AUFENTHG_25B, expiry - 240, min(expiry - 30, self.today - 1),
                                    co=[p for p in members[1:] if self._minor(p, 0)])
                if follow and follow.outcome == "granted":
                    timeline.append((follow.decided + 1, "residence_permit", "§ 25b Abs. 1 AufenthG"))
                elif follow and follow.outcome is None and expiry < self.today:
                    timeline.append((expiry, "fiktion", "§ 81 Abs. 4 AufenthG"))
                elif expiry < self.today:
                    timeline.append((expiry, "duldung", "§ 60a Abs. 2 S. 1 AufenthG"))
        elif variant == "25b":
            earliest = entry + self.years(4 if main.children else 6)
            case = self._case(main, CaseType.AUFENTHG_25B, earliest, self.today,
                              co=[p for p in members[1:] if self._minor(p, 0) or p is main.spouse])
            if case and case.outcome == "granted":
                timeline.append((case.decided + 1, "residence_permit", "§ 25b Abs. 1 AufenthG"))
        for p in members:
            steps = [(max(start, p.entry), status, paragraph) for start, status, paragraph in timeline
                     if start < self.today]
            if p.entry >= duldung_from:  # born here: Duldung from birth
                steps = [(p.entry, "duldung", "§ 60a Abs. 2 S. 1 AufenthG")] + [s for s in steps[2:] if s[0] > p.entry]
            self._periods(p, steps, valid=True)
        for child in main.children:
            if 14 <= (self.today - child.dob) / 365.25 <= 27 and child.entry < self.today - self.years(3):
                if rng.random() < 0.4:
                    self._case(child, CaseType.AUFENTHG_25A, max(child.entry + self.years(3), child.dob + self.years(14)),
                               self.today)
        self._records(main, "duldung")

    def _path_young(self, office: _Office, origin: data.Origin, limit: int) -> None:
        """Young people (§ 25a): came as minors, Duldung, school or training in Germany."""
        rng = self.rng
        dob = self.ri(self.today - self.years(26), self.today - self.years(15))
        entry = self._entry(dob, dob + self.years(4), self.today - self.years(3.2))
        person = self._person(office, origin, "m" if rng.random() < 0.7 else "f", dob, entry)
        duldung_from = entry + self.ri(180, 700)
        case = self._case(person, CaseType.AUFENTHG_25A, max(entry + self.years(3), dob + self.years(14)),
                          min(self.today, dob + self.years(27)))
        steps = [(entry, "gestattung", "§ 55 AsylG"), (duldung_from, "duldung", "§ 60a Abs. 2 S. 1 AufenthG")]
        if case and case.outcome == "granted":
            steps.append((case.decided + 1, "residence_permit", "§ 25a Abs. 1 AufenthG"))
        self._periods(person, [s for s in steps if s[0] < self.today], valid=True)
        self._school(person, vocational=True)
        self._records(person, "young")

    def _path_student(self, office: _Office, origin: data.Origin, limit: int) -> None:
        """Student visa → § 16b → § 18b or Blue Card → § 18c settlement permit → naturalization."""
        dob = self._adult_dob(1975, 2003)
        entry = self._entry(dob, dt.date(2005, 1, 1).toordinal(), self.today - 200, min_age=19)
        main = self._couple_and_children(office, origin, self.pick("fm"), dob, entry, limit,
                                         couple_share=0.3, max_children=2)
        studies_end = entry + self.ri(self.years(3), self.years(6))
        work = self.pick((("residence_permit", "§ 18b AufenthG"), ("blue_card", "§ 18g AufenthG")))
        settled = studies_end + self.ri(self.years(1.8), self.years(4))
        steps = [(entry, "visa", "§ 16b AufenthG"), (entry + 90, "residence_permit", "§ 16b AufenthG"),
                 (studies_end, *work), (settled, "settlement_permit", "§ 18c AufenthG")]
        self._periods(main, [s for s in steps if s[0] < self.today], valid=True)
        for p in self._members(main)[1:]:
            self._periods(p, [(max(p.entry, studies_end), "residence_permit", "§ 30 AufenthG" if p.married
                               else "§ 32 AufenthG")], valid=True)
        self._naturalization(main, 0.6, CaseType.STAG_10, earliest=entry + self.years(5))
        self._records(main, "student")

    def _path_eu_citizen(self, office: _Office, origin: data.Origin, limit: int) -> None:
        dob = self._adult_dob(1955, 2002)
        entry = self._entry(dob, dt.date(1995, 1, 1).toordinal(), self.today - 100, min_age=18)
        main = self._couple_and_children(office, origin, self.pick("fm"), dob, entry, limit,
                                         couple_share=0.55, max_children=3)
        eu_from = dt.date(2007, 1, 1).toordinal() if origin.country in ("ROU", "BGR") else dt.date(2004, 5, 1).toordinal()
        for p in self._members(main):
            steps = []
            if p.entry < eu_from:
                steps.append((p.entry, "residence_permit", "§ 18 AufenthG"))
            steps.append((max(p.entry, eu_from), "eu_free_movement", "§ 2 Abs. 2 FreizügG/EU"))
            self._periods(p, steps, valid=False)
        self._naturalization(main, 0.4, CaseType.STAG_10, earliest=entry + self.years(5))
        self._records(main, "eu_citizen")

    def _path_spouse_of_german(self, office: _Office, origin: data.Origin, limit: int) -> None:
        """Married to a German citizen (the spouse is German and not in the register): § 28, then § 9 StAG."""
        rng = self.rng
        dob = self._adult_dob(1965, 2001)
        entry = self._entry(dob, dt.date(2000, 1, 1).toordinal(), self.today - 200, min_age=20)
        married = entry - self.ri(0, 700)
        person = self._person(office, origin, "f" if rng.random() < 0.6 else "m", dob, entry, married=True,
                              facts={"married_to_german_since": self.d(married)})
        settled = entry + self.ri(self.years(3), self.years(4))
        steps = [(entry, "visa", "§ 6 AufenthG"), (entry + 90, "residence_permit", "§ 28 Abs. 1 S. 1 Nr. 1 AufenthG"),
                 (settled, "settlement_permit", "§ 28 Abs. 2 AufenthG")]
        self._periods(person, [s for s in steps if s[0] < self.today], valid=True)
        self._naturalization(person, 1.0 if self._force_stag9 else 0.6, CaseType.STAG_9,
                             earliest=max(entry + self.years(3), married + self.years(2)))
        self._force_stag9 = False
        self._records(person, "spouse_of_german")

    def _path_ukraine_24(self, office: _Office, origin: data.Origin, limit: int) -> None:
        """Temporary protection (§ 24 AufenthG) since 2022, mostly mothers with children."""
        rng = self.rng
        dob = self._adult_dob(1950, 2004)
        entry = self._entry(dob, dt.date(2022, 2, 24).toordinal(), dt.date(2024, 12, 31).toordinal(), min_age=17)
        main = self._couple_and_children(office, origin, "f" if rng.random() < 0.75 else "m", dob,
                                         entry, limit, couple_share=0.25, max_children=3)
        for p in self._members(main):
            steps = [(p.entry, "residence_permit", "§ 24 AufenthG")]
            if rng.random() < 0.1 and p.entry < self.today - 400:
                steps.append((self.today - self.ri(10, 200), "fiktion", "§ 81 Abs. 4 AufenthG"))
            self._periods(p, steps, valid=True)
        self._records(main, "ukraine_24")

    # -- residence, records ------------------------------------------------------------------------

    def _periods(self, person: _P, steps: list[tuple], *, valid: bool) -> None:
        """Contiguous residence periods from ``(start, status, paragraph)`` steps; the last one is ongoing."""
        steps = sorted({s[0]: s for s in steps if s[0] < self.today}.values())
        for i, (start, status, paragraph) in enumerate(steps):
            end = steps[i + 1][0] - 1 if i + 1 < len(steps) else None
            valid_until = None
            if end is None and status not in ("settlement_permit", "eu_free_movement", "eu_long_term"):
                valid_until = self.today + self.ri(-20, 900) if valid else None
                if status == "residence_permit" and paragraph == "§ 24 AufenthG":
                    valid_until = dt.date(2027, 3, 4).toordinal()
            number = "" if status in ("eu_free_movement", "gestattung") else f"Y{self.rr(10**8):08d}"
            self.add("residence_periods", (self.next_id("residence_periods"), person.id, status, paragraph,
                                           self.d(start), self.d(end), self.d(valid_until), number))
        person.periods = steps

    def _minor(self, person: _P, on: int) -> bool:
        return (self.today - person.dob if not on else on - person.dob) < self.years(18)

    def _records(self, main: _P, path: str) -> None:
        """Language, civic test, livelihood, convictions and school records of a household."""
        rng = self.rng
        for p in self._members(main):
            age = (self.today - p.dob) / 365.25
            if age >= 6 and p is not main and p in main.children:
                self._school(p)
            if age < 16:
                continue
            stay = max(0, self.today - p.entry)
            has_case = p.case_type
            if has_case or (stay > 700 and rng.random() < 0.45):
                level = ("B1" if has_case and has_case.family is _NAT else
                         self.pick(("A1", "A2", "A2", "B1", "B1", "B2", "C1")))
                if has_case and has_case.family is _NAT and rng.random() < 0.2:
                    level = self.pick(("B2", "C1"))
                if has_case and has_case.family is _RES:
                    level = self.pick(("A2", "A2", "B1"))
                issued = self.between(p.entry + 300, (p.case_received or self.today) - 20)
                if issued > p.entry:
                    self.add("language_certificates", (
                        self.next_id("language_certificates"), p.id, level, self.d(issued),
                        self.pick(_LANG_KINDS[level]), level == "A2" and rng.random() < 0.3))
                    if has_case or rng.random() < 0.4:
                        kind = "einbuergerungstest" if not has_case or has_case.family is _NAT else "leben_in_deutschland"
                        if rng.random() < 0.06:
                            self.add("civic_tests", (self.next_id("civic_tests"), p.id, kind,
                                                     self.d(max(p.entry + 1, issued - 200)), False,
                                                     self.ri(9, 16)))
                        self.add("civic_tests", (self.next_id("civic_tests"), p.id, kind, self.d(issued),
                                                 True, self.ri(17, 33)))
            if age >= 18 and (has_case or rng.random() < 0.6):
                employed = rng.random() < _EMPLOYED_SHARE[path]
                in_education = path in ("young", "student") and not employed and rng.random() < 0.6
                benefits = not employed and not in_education and rng.random() < 0.6
                income = self.ri(1600, 4500) * 100 if employed else None
                self.add("livelihoods", (
                    self.next_id("livelihoods"), p.id, self.d(self.today - self.ri(0, 700)), benefits,
                    (rng.random() < 0.2) if benefits else None, employed, self.ri(12, 24) if employed else 0,
                    employed, employed or not benefits, in_education, income))
            if age >= 16 and rng.random() < 0.03:
                self._conviction(p, path)

    def _conviction(self, person: _P, path: str) -> None:
        rng = self.rng
        sanction = rng.choices(("fine", "prison", "youth_measure"), (85, 8, 7))[0]
        months = self.ri(3, 24) if sanction == "prison" else None
        self.add("convictions", (
            self.next_id("convictions"), person.id, self.d(self.between(person.entry + 100, self.today - 30)), sanction,
            self.pick((10, 15, 20, 30, 40, 60, 90, 120)) if sanction == "fine" else None, months,
            sanction == "prison" and rng.random() < 0.8, False, rng.random() < 0.02, True,
            path == "duldung" and rng.random() < 0.3, True))

    def _school(self, person: _P, *, vocational: bool = False) -> None:
        rng = self.rng
        start = max(person.entry, person.dob + self.years(6))
        school_end = person.dob + self.years(self.pick((16, 16, 17, 19)))
        if start >= self.today:
            return
        self.add("school_records", (self.next_id("school_records"), person.id, self.d(start),
                                    self.d(school_end) if school_end < self.today else None, "school", True))
        if vocational and school_end + 30 < self.today:
            end = school_end + self.years(3)
            self.add("school_records", (self.next_id("school_records"), person.id, self.d(school_end + 30),
                                        self.d(end) if end < self.today else None, "vocational_training",
                                        rng.random() < 0.85))

    # -- cases -------------------------------------------------------------------------------------

    def _naturalization(self, main: _P, share: float, case_type: CaseType, *, earliest: int | None = None) -> None:
        """Maybe a naturalization case for the main person, with the spouse and minor children as co-applicants."""
        if not self._force_case and self.rng.random() >= share:
            return
        self._force_case = False
        earliest = max(earliest or main.entry + self.years(6), dt.date(2016, 1, 4).toordinal(),
                       main.dob + self.years(18))
        co = [p for p in self._members(main)[1:] if self.rng.random() < 0.8]
        self._case(main, case_type, earliest, self.today, co=co)

    def _case(self, person: _P, case_type: CaseType, earliest: int, latest: int, *,
              co: list[_P] | tuple = ()) -> _Case | None:
        """A case (and linked co-applicant cases) received between ``earliest`` and ``latest``."""
        family = case_type.family
        office = person.office
        if family not in office.families or earliest > latest:
            return None
        rng = self.rng
        forced = self.forced[family]
        status = forced.pop() if forced else None
        received = self.ri(earliest, latest)
        if status is None:
            age = self.today - received
            for max_age, weights in _STATUS_BY_AGE[family]:
                if age <= max_age:
                    status = rng.choices(tuple(weights), tuple(weights.values()))[0]
                    break
        elif self.today - received < _MIN_AGE[status]:
            received = max(earliest, self.today - _MIN_AGE[status] - self.ri(0, 200))
            received = min(received, self.today - _MIN_AGE[status])
        history = self._history(family, status, received)
        caseworker = self.pick(office.caseworkers)
        main = self._case_row(person, case_type, status, received, history, caseworker, None)
        for member in co:
            if member.dob + self.years(18) > received or member.married:
                co_type = catalog.co_applicant_case_type(case_type)
                self._case_row(member, co_type, status, received, history, caseworker, main)
        return main

    def _history(self, family: CaseFamily, target: str, received: int) -> list[tuple[str, int]]:
        """Status path ``[(status, day), ...]`` from receipt to ``target`` along the state machine."""
        rng = self.rng
        main_path = _MAIN_PATH[family]
        if rng.random() < 0.5:  # no documents had to be requested
            main_path = main_path[:2] + main_path[4:]
        if target in main_path:
            path = list(main_path[: main_path.index(target) + 1])
        else:
            options = [i for i, s in enumerate(main_path) if target in _transitions(family, s)]
            path = list(main_path[: self.pick(options) + 1]) + [target]
        span = max(1, self.today - received)
        days = sorted(self.ri(received, received + min(span, 900)) for _ in range(len(path) - 1))
        days = [min(day, self.today) for day in days]
        return [(path[0], received)] + list(zip(path[1:], days))

    def _case_row(self, person: _P, case_type: CaseType, status: str, received: int, history: list[tuple[str, int]],
                  caseworker: int, main: _Case | None) -> _Case:
        rng = self.rng
        office = person.office
        family = case_type.family
        case_id = self.next_id("cases")
        prefix = catalog.FILE_NUMBER_PREFIX[family]
        year = dt.date.fromordinal(received).year
        key = (office.id, prefix, year)
        seq = self.counters.get(key, 0) + 1
        self.counters[key] = seq
        file_number = office.spec.pattern.format(office=office.spec.code, prefix=prefix, year=year, seq=seq)
        outcome = _OUTCOME.get(status)
        decided = None
        if outcome:
            decided_status = "granted" if status == "certificate_handed_over" else status
            decided = next(day for s, day in history if s == decided_status)
        last_action = history[-1][1]
        age = (received - person.dob) / 365.25
        minor = age < 18
        open_case = workflow.is_open(family, status)
        # Documents: submitted with the application, requested later, or still missing.
        docs_requested_on = next((day for s, day in history if s == "documents_requested"), None)
        due = None
        married = person.married
        for doc_type in catalog.required_documents(case_type, minor=minor, married=married):
            requested_on = deadline = received_on = issued = valid_until = None
            if status == "received" and rng.random() < 0.5 or status == "withdrawn" and rng.random() < 0.3:
                pass  # not yet looked at / never submitted
            elif status == "documents_requested" and rng.random() < 0.3:
                requested_on = docs_requested_on
                deadline = requested_on + self.pick((14, 28, 30, 42, 60))
                due = deadline if due is None else min(due, deadline)
            else:
                received_on = self.between(received, docs_requested_on or received)
                if docs_requested_on and rng.random() < 0.2:
                    requested_on = docs_requested_on
                    deadline = requested_on + 30
                    received_on = self.between(requested_on, min(self.today, deadline + 20))
                if doc_type == "passport":
                    issued = received_on - self.ri(30, 3000)
                    valid_until = issued + (self.years(6) if minor else self.years(10))
                elif doc_type in ("proof_of_income", "registration_certificate", "pension_insurance"):
                    issued = received_on - self.ri(1, 60)
            self.add("case_documents", (self.next_id("case_documents"), case_id, doc_type, True, self.d(requested_on),
                                        self.d(deadline), self.d(received_on), self.d(issued), self.d(valid_until), ""))
        if family is _NAT:
            fee = catalog.naturalization_fee(minor=minor, with_parent=main is not None, own_income=False)
            reduction, reason = 0, ""
            if rng.random() < 0.05:
                reduction = fee.amount_cents // 2
                reason = "Billigkeit: geringes Einkommen (§ 38 Abs. 4 StAG)"
            paid = received + self.ri(3, 40) if status != "received" and rng.random() < 0.9 else None
            self.add("fees", (self.next_id("fees"), case_id, fee.legal_basis, fee.amount_cents, reduction, reason,
                              self.d(received + 14), self.d(paid if paid and paid <= self.today else None)))
        checks_from = next((day for s, day in history if s in ("security_checks", "ready_for_decision")), None)
        if checks_from is not None or (family is _RES and status not in ("received", "withdrawn")):
            requested = checks_from or history[1][1]
            for kind in catalog.required_security_checks(case_type, int(age)):
                answered = None
                if status != "security_checks" or rng.random() < 0.5:
                    answered = min(self.today, requested + self.ri(10, 120))
                result = "pending" if answered is None else ("findings" if rng.random() < 0.02 else "no_findings")
                self.add("security_checks", (self.next_id("security_checks"), case_id, kind, self.d(requested),
                                             self.d(answered), result, ""))
        for _ in range(self.pick((0, 0, 1, 1, 2))):
            self.add("notes", (self.next_id("notes"), case_id, caseworker,
                               self.ts(self.between(received, last_action), self.rr(540)),
                               self.pick(data.NOTE_TEXTS)))
        previous = None
        for step, (step_status, day) in enumerate(history):
            reason = "Antrag eingegangen" if previous is None else ""
            if step_status in _REASONS:
                reason = self.pick(_REASONS[step_status])
            self.add("status_changes", (self.next_id("status_changes"), case_id, previous, step_status,
                                        self.ts(day, 10 + step * 7), caseworker, reason))
            previous = step_status
        if due is None and open_case and status != "received" and rng.random() < 0.5:
            due = last_action + self.ri(14, 120)  # Wiedervorlage
        declared = None
        if family is _NAT and not minor and status not in ("received", "withdrawn"):
            declared = received
        pending = status == "suspended"
        assigned = caseworker if status != "received" or rng.random() < 0.5 else None
        self.add("cases", (
            case_id, office.id, person.id, file_number, case_type.value, family.value,
            _sort_name(person.family, person.given), status, main.id if main else None, assigned,
            self.d(received), self.d(decided), outcome, self.pick(_REASONS[status]) if status in _REASONS else "",
            self.d(last_action), self.d(due), self.d(declared),
            self.d(declared if declared and declared >= dt.date(2024, 6, 27).toordinal() else None),
            (rng.random() < 0.9) if case_type is CaseType.AUFENTHG_25B and person.children else None,
            self.ts(received, 5), self.ts(last_action, 60 + len(history) * 7), 1,
        ))
        if pending:
            self._patch_person(person.id, "pending_investigation", True)
        self.cases += 1
        person.case_type = case_type
        person.case_received = received
        return _Case(case_id, outcome, decided)

    def _patch_person(self, person_id: int, column: str, value: Any) -> None:
        """Change a column of a person row that is still buffered (persons are written before cases)."""
        rows = self.rows["persons"]
        index = _PERSON_COLUMNS.index("id")
        position = _PERSON_COLUMNS.index(column)
        for i in range(len(rows) - 1, -1, -1):
            if rows[i][index] == person_id:
                row = list(rows[i])
                row[position] = value
                rows[i] = tuple(row)
                return


@dataclasses.dataclass
class _Case:
    id: int
    outcome: str | None
    decided: int | None


@functools.cache
def _transitions(family: CaseFamily, status: str) -> tuple[str, ...]:
    return workflow.workflow_for(family).transitions.get(status, ())


def _tokens(names: tuple[str, ...]) -> list[str]:
    """The search tokens of a person's names, as :func:`ebh.cases.service` stores them."""
    result: set[str] = set()
    for name in names:
        if name:
            result.update(_name_tokens(name))
    return sorted(result)


@functools.lru_cache(maxsize=100_000)
def _name_tokens(name: str) -> tuple[str, ...]:
    return tuple(t[:100] for t in name_tokens(name))


_fold = functools.lru_cache(maxsize=50_000)(fold)
_sort_name = functools.lru_cache(maxsize=100_000)(sort_name)


@functools.lru_cache(maxsize=50_000)
def _variants(origin_key: str, name: str) -> tuple[tuple[str, str], ...]:
    """Spelling variants of a (possibly multi-word) name with their alias kind."""
    origin = _ORIGINS[origin_key]
    found: list[tuple[str, str]] = []
    whole = origin.variants.get(name)
    if whole:
        found.extend((v, "transliteration") for v in whole)
    words = name.split(" ")
    if len(words) > 1:
        for i, word in enumerate(words):
            for v in origin.variants.get(word, ()):
                found.append((" ".join(words[:i] + [v] + words[i + 1:]), "transliteration"))
    if origin.cyrillic:
        german = data.duden(name)
        if german != name:
            found.append((german, "transliteration"))
    plain = data.ascii_spelling(name)
    if plain != name:
        found.append((plain, "spelling"))
        umlauts = data.german_umlaut_spelling(name)
        if umlauts != plain:
            found.append((umlauts, "spelling"))
    return tuple(dict.fromkeys(found))


_ORIGINS = {o.key: o for o in data.ORIGINS}
_ISO_DATES = {o: dt.date.fromordinal(o).isoformat()
              for o in range(dt.date(1900, 1, 1).toordinal(), dt.date(2101, 1, 1).toordinal())}

