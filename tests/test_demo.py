"""``ebh demo``: a small load on the real database, checked for completeness and consistency."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from ebh.demo import data as demo_data
from ebh.demo import generator, load
from ebh.audit.models import AuditEvent
from ebh.auth.models import Office, User
from ebh.cases import workflow
from ebh.cases.models import (
    Case, CaseFamily, CaseType, FamilyLink, FileNumberCounter, Person, PersonAlias, PersonSearchToken,
    ResidencePeriod, StatusChange,
)
from ebh.cases.names import tokens
from ebh.db import transaction
from tests import factories
from tests.conftest import post_form

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def loaded(db):
    with transaction():
        result = load.load_demo(200, seed=7, offices=5, today=TODAY)
    db.session.remove()
    return result


def _pattern_regex(office: Office) -> re.Pattern:
    regex = re.escape(office.file_number_pattern)
    regex = regex.replace(re.escape("{office}"), re.escape(office.code)).replace(re.escape("{prefix}"), "(?P<prefix>EB|AE)")
    regex = regex.replace(re.escape("{year}"), r"(?P<year>\d{4})")
    regex = re.sub(r"\\\{seq(:0(\d)d)?\\\}", lambda m: rf"(?P<seq>\d{{{m.group(2) or 1},}})", regex)
    return re.compile(f"^{regex}$")


def test_small_load_has_every_case_type_and_status(loaded, db):
    assert loaded.persons == 200
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 200
    assert db.session.scalar(sa.select(sa.func.count(Case.id))) == loaded.cases > 0
    for table, count in loaded.rows.items():
        assert db.session.scalar(sa.text(f"SELECT count(*) FROM {table}")) == count, table
    assert {c for c in db.session.scalars(sa.select(Case.case_type).distinct())} == set(CaseType)
    for family, wf in workflow.WORKFLOWS.items():
        present = set(db.session.scalars(sa.select(Case.status).where(Case.family == family).distinct()))
        assert present == {s.key for s in wf.statuses}, family
    kinds = {o.kind.value for o in db.session.scalars(sa.select(Office))}
    assert kinds == {"EBH", "ABH", "BOTH"}
    # Cases only where the office may work them: no naturalization at an ABH, no residence case at an EBH.
    for office in db.session.scalars(sa.select(Office)):
        families = set(db.session.scalars(sa.select(Case.family).where(Case.office_id == office.id).distinct()))
        allowed = {"EBH": {CaseFamily.NATURALIZATION}, "ABH": {CaseFamily.RESIDENCE}}.get(office.kind.value,
                                                                                         set(CaseFamily))
        assert families <= allowed, office.code


def test_file_numbers_follow_the_office_pattern_and_counters(loaded, db):
    offices = {o.id: o for o in db.session.scalars(sa.select(Office))}
    seen = set()
    highest: dict[tuple[int, str, int], int] = {}
    for office_id, number, received in db.session.execute(sa.select(Case.office_id, Case.file_number,
                                                                     Case.received_on)):
        assert (office_id, number) not in seen
        seen.add((office_id, number))
        match = _pattern_regex(offices[office_id]).match(number)
        assert match, (offices[office_id].file_number_pattern, number)
        prefix, year, seq = match["prefix"], int(match["year"]), int(match["seq"])
        assert year == received.year
        highest[(office_id, prefix, year)] = max(highest.get((office_id, prefix, year), 0), seq)
    counters = {(c.office_id, c.prefix, c.year): c.last_value for c in db.session.scalars(sa.select(FileNumberCounter))}
    assert counters == highest


def test_search_tokens_cover_names_and_spelling_variants(loaded, db):
    persons = db.session.scalars(sa.select(Person).order_by(Person.id)).all()
    stored: dict[int, set[str]] = {}
    for person_id, token in db.session.execute(sa.select(PersonSearchToken.person_id, PersonSearchToken.token)):
        stored.setdefault(person_id, set()).add(token)
    for person in persons:
        expected = tokens(person.family_name, person.given_names, person.birth_name, person.native_name,
                          *(f"{a.family_name} {a.given_names}" for a in person.aliases))
        assert stored[person.id] == expected, person.id
    assert db.session.scalar(sa.select(sa.func.count(PersonAlias.id))) > 0
    # Non-ASCII names are stored as written (Turkish, Polish, Vietnamese letters ...).
    assert any(not p.family_name.isascii() for p in persons)


def test_data_is_consistent(loaded, db):
    links = set(db.session.execute(sa.select(FamilyLink.person_id, FamilyLink.relative_id, FamilyLink.relation)))
    reciprocal = {"spouse": "spouse", "child": "parent", "parent": "child"}
    for person_id, relative_id, relation in links:
        assert (relative_id, person_id, reciprocal[relation.value]) in links
    cases = {c.id: c for c in db.session.scalars(sa.select(Case))}
    for case in cases.values():
        wf = workflow.workflow_for(case.family)
        history = db.session.scalars(sa.select(StatusChange).where(StatusChange.case_id == case.id)
                                     .order_by(StatusChange.id)).all()
        assert history[0].from_status is None and history[0].to_status == wf.initial
        for change in history[1:]:
            wf.check(change.from_status, change.to_status)  # raises on an edge the state machine lacks
        assert history[-1].to_status == case.status
        outcome = {s.key: s.outcome for s in wf.statuses}
        if case.status == "certificate_handed_over":
            assert case.outcome.value == "granted" and case.decided_on
        else:
            assert (case.outcome) == outcome[case.status]
            assert (case.decided_on is not None) == (outcome[case.status] is not None)
        assert case.received_on <= TODAY and (case.decided_on is None or case.received_on <= case.decided_on <= TODAY)
        if case.main_case_id:
            main = cases[case.main_case_id]
            assert main.office_id == case.office_id and main.person_id != case.person_id
    for person_id in db.session.scalars(sa.select(ResidencePeriod.person_id).distinct()):
        periods = db.session.scalars(sa.select(ResidencePeriod).where(ResidencePeriod.person_id == person_id)
                                     .order_by(ResidencePeriod.start)).all()
        for earlier, later in zip(periods, periods[1:]):
            assert earlier.end_date is not None and earlier.end_date < later.start
        assert periods[-1].end_date is None
    for person in db.session.scalars(sa.select(Person)):
        assert person.date_of_birth <= (person.entry_date or TODAY) <= TODAY, person.id
        assert person.married_to_german_since is None or person.date_of_birth < person.married_to_german_since
    demo_events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity == "demo")).all()
    assert len(demo_events) == 1 and "200 Personen" in demo_events[0].summary


def test_demo_users_can_log_in(loaded, client, db):
    users = db.session.scalars(sa.select(User)).all()
    assert {u.role.value for u in users} == {"caseworker", "campaign", "supervisor", "admin"}
    assert len({u.office_id for u in users}) == 5
    response = post_form(client, "/login", {"username": "koe.sb1", "password": load.DEMO_PASSWORD})
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    first_case = db.session.scalar(sa.select(Case).join(Office, Case.office_id == Office.id)
                                   .where(Office.code == "KOE").order_by(Case.id).limit(1))
    assert first_case.file_number in client.get(f"/?q={first_case.file_number}").get_data(as_text=True)
    assert client.get(f"/cases/{first_case.id}").status_code == 200


def test_cli_if_empty_loads_once(app, runner, db):
    first = runner.invoke(args=["demo", "--persons", "40", "--if-empty", "--offices", "2"])
    assert first.exit_code == 0, first.output
    assert "Demo-Zugänge" in first.output and load.DEMO_PASSWORD in first.output
    db.session.remove()
    count = db.session.scalar(sa.select(sa.func.count(Person.id)))
    assert count == 40
    second = runner.invoke(args=["demo", "--persons", "40", "--if-empty", "--offices", "2"])
    assert second.exit_code == 0, second.output
    assert "keine Demodaten geladen" in second.output and "koe.sb1" in second.output
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == count
    # Without --if-empty a second load adds to the data and keeps file numbers unique.
    third = runner.invoke(args=["demo", "--persons", "30", "--offices", "2", "--seed", "2"])
    assert third.exit_code == 0, third.output
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 70
    numbers = db.session.execute(sa.select(Case.office_id, Case.file_number)).all()
    assert len(numbers) == len(set(numbers))


def test_large_load_path_rebuilds_indexes_and_foreign_keys(db, monkeypatch):
    """Loads into empty tables above the threshold drop and rebuild indexes (and FKs on PostgreSQL)."""
    monkeypatch.setattr(load, "REBUILD_INDEXES_FROM", 10)
    with transaction():
        result = load.load_demo(60, seed=3, offices=2, today=TODAY)
    assert result.timings["indexes"] > 0
    inspector = sa.inspect(db.engine)
    for table in generator.TABLES:
        expected = {index.name for index in db.metadata.tables[table].indexes}
        assert expected <= {index["name"] for index in inspector.get_indexes(table)}, table
        fks = inspector.get_foreign_keys(table)
        assert len(fks) == len(db.metadata.tables[table].foreign_key_constraints), table
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 60
    assert load.vacuum_after_load() >= 0  # PostgreSQL: VACUUM ANALYZE outside the load's transaction
    # New rows after the demo get fresh ids (PostgreSQL sequences were moved past the explicit ids).
    office = db.session.scalar(sa.select(Office).where(Office.code == "KOE"))
    assert factories.person(office).id == result.persons + 1
    with transaction():
        again = load.load_demo(5, seed=4, offices=2, today=TODAY)
    assert again.persons == 5
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 66


def _generate(seed: int) -> dict[str, list[tuple]]:
    offices = [generator._Office(i + 1, spec, [1, 2]) for i, spec in enumerate(demo_data.OFFICES[:5])]
    demo_gen = generator.Generator(seed, TODAY, offices, dict.fromkeys(generator.TABLES, 1), {})
    while demo_gen.persons < 300:
        demo_gen.household(300 - demo_gen.persons)
    return demo_gen.take_rows()


def test_same_seed_gives_same_data():
    first, again, other = _generate(11), _generate(11), _generate(12)
    assert first == again
    assert first["persons"] != other["persons"]


def test_generator_process_sends_the_same_rows():
    """Large loads generate in a child process; the rows must be exactly those of an in-process run."""
    offices = [generator._Office(i + 1, spec, [1, 2]) for i, spec in enumerate(demo_data.OFFICES[:3])]
    params = load._GeneratorParams(5, TODAY, offices, dict.fromkeys(generator.TABLES, 1), {}, 400)
    assert list(load._chunks_from_child(params)) == list(load._chunks_in_process(params))


def test_names_and_transliterations():
    assert demo_data.duden("Shevchenko") == "Schewtschenko"
    assert demo_data.duden("Zhuravskyi") == "Schurawskyj"
    assert demo_data.ascii_spelling("Yılmaz Đorđević") == "Yilmaz Djordjevic"
    assert demo_data.german_umlaut_spelling("Öztürk") == "Oeztuerk"
    assert demo_data.feminine("pl", "Kowalski") == "Kowalska"
    assert demo_data.feminine("ru", "Ivanov") == "Ivanova"
    variants = dict(generator._variants("tr", "Yıldırım"))
    assert "Yildirim" in variants
    assert "Schewtschenko" in dict(generator._variants("ua", "Shevchenko"))
