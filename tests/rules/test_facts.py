"""Fact derivation from raw records: residence counting, certificates, convictions, family, unknowns;
record validation errors name the field."""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from ebh.rules.facts import CATALOGUE, FACT_TYPES, Batch, derive, derive_record, parse_paragraph, scalar_facts
from ebh.rules.record import RecordError, parse_record

D = dt.date
AS_OF = D(2025, 6, 1)


def facts(as_of: dt.date = AS_OF, **record: Any) -> dict[str, Any]:
    return derive_record(parse_record({"date_of_birth": "1980-01-01", **record}), as_of)


def period(status: str, start: str, end: str | None = None, paragraph: str = "") -> dict[str, Any]:
    return {"status": status, "start": start, "end": end, "paragraph": paragraph}


def test_catalogue_and_derivation_agree() -> None:
    derived = derive(Batch.from_records([parse_record({})]), AS_OF)
    assert set(derived) == set(FACT_TYPES)
    assert len({f.name for f in CATALOGUE}) == len(CATALOGUE)


def test_empty_record_gives_unknown_not_guesses() -> None:
    f = derive_record(parse_record({}), AS_OF)
    for name in ("stag_lawful_now", "stag_residence_since", "german_level", "civic_test_passed", "conviction_count",
                 "receives_sgb2_sgb12", "declaration_fdgo", "security_findings", "current_status", "school_days"):
        assert f[name] is None, name
    # absence of children can be stated: no shortening without a recorded child
    assert f["minor_child_in_household"] is False


def test_duldung_interrupts_lawful_residence() -> None:
    f = facts(residence=[period("residence_permit", "2015-01-01", "2019-12-31", "§ 18b"),
                         period("duldung", "2020-01-01", "2020-03-31"),
                         period("residence_permit", "2020-04-01", None, "§ 18b")])
    assert f["stag_lawful_now"] is True
    assert f["stag_residence_since"] == D(2020, 4, 1)
    assert f["stag_residence_interrupted"] is True
    # for § 25b a Duldung counts: uninterrupted since 2015
    assert f["bleiberecht_residence_since"] == D(2015, 1, 1)


def test_gestattung_counts_only_after_protection() -> None:
    history = [period("gestattung", "2016-01-01", "2018-06-30")]
    protected = facts(residence=history + [period("residence_permit", "2018-07-01", None, "§ 25 Abs. 2 AufenthG")])
    assert protected["stag_residence_since"] == D(2016, 1, 1)
    assert protected["stag_residence_gestattung"] is True
    other = facts(residence=history + [period("residence_permit", "2018-07-01", None, "§ 28 Abs. 1 AufenthG")])
    assert other["stag_residence_since"] == D(2018, 7, 1)
    pending = facts(residence=[period("gestattung", "2016-01-01")])
    assert pending["stag_lawful_now"] is False and pending["stag_residence_since"] is None


def test_stays_abroad_up_to_six_months_do_not_interrupt() -> None:
    short = facts(residence=[period("settlement_permit", "2010-01-01", "2019-12-31"),
                             period("abroad", "2020-01-01", "2020-06-30"),
                             period("settlement_permit", "2020-07-01")])
    assert short["stag_residence_since"] == D(2010, 1, 1)
    long = facts(residence=[period("settlement_permit", "2010-01-01", "2019-12-31"),
                            period("abroad", "2020-01-01", "2020-07-01"),
                            period("settlement_permit", "2020-07-02")])
    assert long["stag_residence_since"] == D(2020, 7, 2)
    # a stay abroad never starts lawful residence
    first = facts(residence=[period("duldung", "2010-01-01", "2019-12-31"), period("abroad", "2020-01-01", "2020-02-28"),
                             period("residence_permit", "2020-02-29", None, "§ 18b")])
    assert first["stag_residence_since"] == D(2020, 2, 29)


def test_a_gap_without_status_interrupts() -> None:
    f = facts(residence=[period("residence_permit", "2010-01-01", "2019-12-30", "§ 18b"),
                         period("residence_permit", "2020-01-01", None, "§ 18b")])
    assert f["stag_residence_since"] == D(2020, 1, 1)


def test_bleiberecht_tolerates_three_months_and_60b_only_for_104c() -> None:
    gap = facts(residence=[period("gestattung", "2015-01-01", "2017-12-31"), period("duldung", "2018-04-01")])
    assert gap["bleiberecht_residence_since"] == D(2015, 1, 1)
    too_long = facts(residence=[period("gestattung", "2015-01-01", "2017-12-31"), period("duldung", "2018-04-02")])
    assert too_long["bleiberecht_residence_since"] == D(2018, 4, 2)
    with_60b = [period("gestattung", "2015-01-01", "2017-12-31"), period("duldung_60b", "2018-01-01", "2022-12-31")]
    plain = facts(residence=with_60b + [period("duldung", "2023-01-01")])
    assert plain["bleiberecht_residence_since"] == D(2023, 1, 1) and plain["had_duldung_60b"] is True
    holder = facts(residence=with_60b + [period("residence_permit", "2023-01-01", None, "§ 104c AufenthG")])
    assert holder["bleiberecht_residence_since"] == D(2015, 1, 1)
    assert holder["chancen_residence_since"] == D(2015, 1, 1)
    assert holder["current_permit_section"] == "104c"


def test_current_status_and_title_paragraph() -> None:
    f = facts(residence=[period("residence_permit", "2020-01-01", None, "§ 25 Abs. 3 AufenthG")])
    assert (f["current_status"], f["current_permit_section"], f["current_permit_subsection"]) == ("residence_permit", "25", 3)
    unreadable = facts(residence=[period("residence_permit", "2020-01-01")])
    assert unreadable["current_status"] == "residence_permit" and unreadable["current_permit_section"] is None
    ended = facts(residence=[period("residence_permit", "2020-01-01", "2021-01-01", "§ 18b")])
    assert ended["current_status"] == "" and ended["stag_lawful_now"] is False


@pytest.mark.parametrize("text, expected", [
    ("§ 25 Abs. 2 AufenthG", ("25", 2)), ("§ 104c AufenthG", ("104c", 0)), ("§ 18b Absatz 2", ("18b", 2)),
    ("25 Abs.5", ("25", 5)), ("", ("", 0)), ("Niederlassungserlaubnis", ("", 0)),
])
def test_parse_paragraph(text: str, expected: tuple[str, int]) -> None:
    assert parse_paragraph(text) == expected


def test_language_levels_by_date_and_oral_only() -> None:
    f = facts(language_certificates=[{"level": "B1", "issued_on": "2025-07-01"},
                                     {"level": "A2", "issued_on": "2020-01-01"},
                                     {"level": "B2", "issued_on": "2021-01-01", "oral_only": True}])
    assert f["german_level"] == 2  # the B1 is issued after the date
    assert f["german_level_oral"] == 4


def test_civic_tests() -> None:
    assert facts(civic_tests=[{"kind": "einbuergerungstest", "taken_on": "2020-01-01", "passed": False}])[
        "civic_test_passed"] is False
    interview = facts(civic_tests=[{"kind": "abh_interview", "taken_on": "2020-01-01", "passed": True}])
    assert interview["civic_test_passed"] is None and interview["basic_knowledge_shown"] is True


def test_conviction_aggregation_section_12a() -> None:
    fines = facts(convictions=[{"decided_on": "2019-01-01", "sanction": "fine", "daily_rates": 60},
                               {"decided_on": "2020-01-01", "sanction": "fine", "daily_rates": 40}])
    assert fines["stag_conviction_days"] == 100 and fines["stag_conviction_excluded"] is False
    prison = facts(convictions=[{"decided_on": "2019-01-01", "sanction": "prison", "months": 3, "suspended": True,
                                 "remitted": True}])
    assert prison["stag_conviction_days"] == 90 and prison["stag_conviction_excluded"] is False
    running = facts(convictions=[{"decided_on": "2019-01-01", "sanction": "prison", "months": 2, "suspended": True}])
    assert running["stag_conviction_excluded"] is True
    motive = facts(convictions=[{"decided_on": "2019-01-01", "sanction": "fine", "daily_rates": 10,
                                 "inhuman_motive": True}])
    assert motive["stag_conviction_excluded"] is True
    youth = facts(convictions=[{"decided_on": "2019-01-01", "sanction": "youth_measure"}])
    assert youth["stag_conviction_days"] == 0 and youth["stag_conviction_excluded"] is False
    assert youth["conviction_count"] == 1
    serious = facts(convictions=[{"decided_on": "2019-01-01", "sanction": "prison", "months": 8, "suspended": True}])
    assert serious["aufenthg_expulsion_interest"] is True
    assert facts(convictions=[])["stag_conviction_days"] == 0
    assert facts()["stag_conviction_days"] is None


def test_children_and_spouse() -> None:
    f = facts(children=[{"date_of_birth": "2007-06-02", "same_household": True},
                        {"date_of_birth": "2015-01-01", "same_household": False}])
    assert f["minor_child_in_household"] is True and f["school_age_child_in_household"] is True
    grown = facts(children=[{"date_of_birth": "2007-06-01"}], as_of=D(2025, 6, 1))
    assert grown["minor_child_in_household"] is False
    unknown = facts(children=[{"same_household": True}])
    assert unknown["minor_child_in_household"] is None
    spouse = facts(spouse={"same_household": True, "full_time_employed": True, "months_employed_last_24": 20})
    assert spouse["spouse_full_time_20_of_24"] is True
    assert facts(spouse={"same_household": True})["spouse_full_time_20_of_24"] is None
    assert facts()["spouse_full_time_20_of_24"] is False


def test_case_facts() -> None:
    f = facts(case={"received_on": "2024-01-01", "declaration_fdgo_on": "2024-01-01", "security_check": "pending"})
    assert f["declaration_fdgo"] is True and f["declaration_historic_responsibility"] is False
    assert f["security_findings"] is None and f["application_date"] == D(2024, 1, 1)


@pytest.mark.parametrize("record, message", [
    ({"residence": [period("duldung", "1979-12-31")]}, "residence[0].start: Beginn 1979-12-31 liegt vor dem Geburtsdatum"),
    ({"residence": [period("duldung", "2000-01-01", "2005-01-01"), period("duldung", "2004-12-31")]},
     "residence[1]: überschneidet sich mit residence[0]"),
    ({"residence": [period("duldung", "2000-02-30")]}, "residence[0].start: '2000-02-30' ist kein gültiges Datum"),
    ({"residence": [period("tolerated", "2000-01-01")]}, "residence[0].status: 'tolerated' ist nicht erlaubt"),
    ({"identity_clarified": "yes"}, "identity_clarified: true oder false erwartet"),
    ({"identity_clarifed": True}, "identity_clarifed: unbekanntes Feld (meinten Sie 'identity_clarified'?)"),
    ({"livelihood": {"months_employed_last_24": -1}}, "livelihood.months_employed_last_24: ganze Zahl"),
    ({"convictions": [{"decided_on": "2010-01-01", "sanction": "fine"}]}, "convictions[0].daily_rates"),
    ({"language_certificates": [{"level": "B3", "issued_on": "2010-01-01"}]}, "language_certificates[0].level"),
    ({"residence": "none"}, "residence: Liste erwartet"),
    ({"case": {"security_check": "ok"}}, "case.security_check"),
])
def test_bad_records_name_the_field(record: dict[str, Any], message: str) -> None:
    with pytest.raises(RecordError) as info:
        parse_record({"date_of_birth": "1980-01-01", **record})
    assert any(message in error for error in info.value.errors), info.value.errors


def test_batch_of_many_equals_each_alone() -> None:
    records = [
        parse_record({"date_of_birth": "1980-01-01", "residence": [period("gestattung", "2016-01-01", "2018-06-30"),
                                                                   period("residence_permit", "2018-07-01", None, "§ 25 Abs. 2")]}),
        parse_record({}),
        parse_record({"date_of_birth": "2000-02-29", "residence": [period("duldung", "2015-01-01")],
                      "convictions": [], "children": [{"date_of_birth": "2020-01-01"}]}),
        parse_record({"residence": [period("settlement_permit", "2001-01-01", "2010-01-01"), period("abroad", "2010-01-02", "2010-03-01"),
                                    period("settlement_permit", "2010-03-02")],
                      "language_certificates": [{"level": "C1", "issued_on": "2012-01-01"}]}),
    ]
    together = derive(Batch.from_records(records), AS_OF)
    for i, record in enumerate(records):
        assert scalar_facts(together, i) == derive_record(record, AS_OF)


def test_batch_arrays_have_full_length() -> None:
    derived = derive(Batch.from_records([parse_record({}) for _ in range(3)]), AS_OF)
    for name, (values, known) in derived.items():
        assert np.shape(values) == (3,) and np.shape(known) == (3,), name
