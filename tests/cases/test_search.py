"""Case list search: folding, file number, date of birth, filters, sorting, pagination, office scope."""
from __future__ import annotations

import datetime as dt

import pytest

from ebh.cases import service
from ebh.cases.search import CaseQuery, SearchError, parse_query, search_cases, search_persons
from ebh.extensions import db as _db
from tests import factories

TODAY = dt.date.today()


def _case(actor, family, given, dob=dt.date(1990, 5, 17), case_type="stag_10", received=None, **person):
    p = service.create_person(actor, {"family_name": family, "given_names": given, "date_of_birth": dob, **person})
    case = service.create_case(actor, p.id, case_type, received_on=received or TODAY - dt.timedelta(days=10))
    _db.session.commit()
    return case


def _numbers(actor, **query) -> list[str]:
    return [c.file_number for c in search_cases(actor, CaseQuery(**query)).items]


def _names(actor, **query) -> list[str]:
    return [c.person.family_name for c in search_cases(actor, CaseQuery(**query)).items]


@pytest.mark.parametrize(("stored", "typed"), [
    ("Müller", "Mueller"), ("Mueller", "Müller"), ("Müller", "MULLER"), ("Yılmaz", "Yilmaz"), ("Yilmaz", "yılmaz"),
    ("Çelik", "Celik"), ("Şahin", "sahin"), ("Öztürk", "Oeztuerk"), ("Al-Hassan", "al hassan"),
])
def test_name_search_is_accent_and_transliteration_tolerant(db, caseworker, stored, typed):
    _case(caseworker, stored, "Test")
    _case(caseworker, "Schmidt", "Anna")
    assert _names(caseworker, q=typed) == [stored]


def test_prefix_given_name_and_alias_search(db, caseworker):
    _case(caseworker, "Yılmaz", "Ayşe", aliases=[("Jilmas", "Aische", "transliteration")])
    _case(caseworker, "Yılmaz", "Mehmet")
    _case(caseworker, "Kaya", "Ayşe")
    assert sorted(_names(caseworker, q="yil")) == ["Yılmaz", "Yılmaz"]
    assert _names(caseworker, q="Yilmaz Ayse") == ["Yılmaz"]
    assert _names(caseworker, q="jilmas") == ["Yılmaz"]
    assert _names(caseworker, q="ayse kaya") == ["Kaya"]
    assert _names(caseworker, q="zzz") == []


def test_search_by_date_of_birth_and_file_number(db, caseworker):
    first = _case(caseworker, "Haddad", "Omar", dob=dt.date(1990, 5, 17))
    _case(caseworker, "Haddad", "Lina", dob=dt.date(1992, 1, 3))
    assert _numbers(caseworker, q="17.05.1990") == [first.file_number]
    assert _numbers(caseworker, q="Haddad 3.1.1992") != [first.file_number]
    assert len(_numbers(caseworker, q="haddad")) == 2
    assert _numbers(caseworker, q=first.file_number.lower()) == [first.file_number]
    assert len(_numbers(caseworker, q=first.file_number[:8])) == 2
    with pytest.raises(SearchError, match="kein gültiges Datum"):
        search_cases(caseworker, CaseQuery(q="31.02.1990"))


def test_parse_query_splits_names_dates_and_file_numbers():
    parsed = parse_query("Müller 17.05.1990 koe-eb-2026")
    assert parsed.name_tokens == ["muller"]
    assert parsed.date_of_birth == dt.date(1990, 5, 17)
    assert parsed.file_number == "KOE-EB-2026"


def test_filters_status_type_caseworker_overdue(db, office, caseworker):
    other_worker = factories.user(office, "sb2")
    a = _case(caseworker, "Aydin", "A")
    b = _case(caseworker, "Berisha", "B", case_type="aufenthg_25b")
    c = _case(caseworker, "Celik", "C")
    service.change_status(caseworker, a.id, "in_review")
    service.assign_case(caseworker, b.id, other_worker.id)
    service.request_document(caseworker, c.documents[0].id, TODAY)
    _db.session.commit()
    c.documents[0].deadline = TODAY - dt.timedelta(days=1)  # a deadline that has passed since
    c.due_on = TODAY - dt.timedelta(days=1)
    _db.session.commit()
    assert _names(caseworker, status="in_review") == ["Aydin"]
    assert _names(caseworker, case_type="aufenthg_25b") == ["Berisha"]
    assert _names(caseworker, assigned_to=str(other_worker.id)) == ["Berisha"]
    assert sorted(_names(caseworker, assigned_to="none")) == ["Aydin", "Celik"]
    assert _names(caseworker, overdue=True) == ["Celik"]
    service.change_status(caseworker, c.id, "withdrawn")
    _db.session.commit()
    assert _names(caseworker, overdue=True) == []


def test_sorting_and_pagination(db, caseworker):
    names = ["Zeller", "Ahmadi", "Müller", "Babic", "Nowak"]
    for i, name in enumerate(names):
        _case(caseworker, name, "X", received=TODAY - dt.timedelta(days=30 - i))
    assert _names(caseworker, sort="name") == ["Ahmadi", "Babic", "Müller", "Nowak", "Zeller"]
    assert _names(caseworker, sort="name", direction="desc")[0] == "Zeller"
    assert _names(caseworker)[0] == "Nowak"  # newest receipt first
    assert _names(caseworker, sort="received", direction="asc")[0] == "Zeller"
    numbers = _numbers(caseworker, sort="file_number")
    assert numbers == sorted(numbers)
    first = search_cases(caseworker, CaseQuery(sort="name", per_page=2))
    assert first.has_next and first.total == 5 and first.pages == 3
    third = search_cases(caseworker, CaseQuery(sort="name", per_page=2, page=3))
    assert [c.person.family_name for c in third.items] == ["Zeller"] and not third.has_next
    assert _names(caseworker, sort="due")  # no due dates: still listed
    with pytest.raises(SearchError):
        search_cases(caseworker, CaseQuery(sort="evil"))


def test_name_sort_follows_renames(db, caseworker):
    case = _case(caseworker, "Zeller", "X")
    _case(caseworker, "Meyer", "X")
    service.update_person(caseworker, case.person_id, {"family_name": "Abel"})
    _db.session.commit()
    assert _names(caseworker, sort="name") == ["Abel", "Meyer"]


def test_search_stays_in_the_own_office(db, office, other_office, caseworker):
    stranger = factories.user(other_office, "fremd")
    _case(caseworker, "Yılmaz", "Ayşe")
    _case(stranger, "Yılmaz", "Fatma")
    assert [c.person.given_names for c in search_cases(caseworker, CaseQuery(q="yilmaz")).items] == ["Ayşe"]
    assert [p.given_names for p in search_persons(stranger, "yilmaz")] == ["Fatma"]


def test_due_sort_puts_undated_cases_last_across_pages(db, caseworker):
    cases = [_case(caseworker, name, "X") for name in ("Arik", "Bora", "Cem", "Deniz", "Ece")]
    for case, days in zip(cases, (9, 3, 6, None, None), strict=True):
        case.due_on = TODAY + dt.timedelta(days=days) if days else None  # as the deadlines domain sets it
    _db.session.commit()
    assert _names(caseworker, sort="due") == ["Bora", "Cem", "Arik", "Ece", "Deniz"]
    pages = [_names(caseworker, sort="due", per_page=2, page=n) for n in (1, 2, 3)]
    assert pages == [["Bora", "Cem"], ["Arik", "Ece"], ["Deniz"]]
    assert _names(caseworker, sort="due", direction="desc")[:3] == ["Arik", "Cem", "Bora"]


def test_common_names_use_the_sorted_scan_and_give_the_same_result(db, caseworker, monkeypatch):
    from ebh.cases import search

    for i in range(6):
        _case(caseworker, "Yılmaz", f"K{i}", received=TODAY - dt.timedelta(days=i))
    _case(caseworker, "Kaya", "Z")
    expected = _numbers(caseworker, q="yilmaz")
    monkeypatch.setattr(search, "FEW_PERSONS", 2)
    assert _numbers(caseworker, q="yilmaz") == expected and len(expected) == 6
    assert _numbers(caseworker, q="yilmaz", sort="name", per_page=4, page=2) == sorted(expected)[:0] + _numbers(
        caseworker, q="yilmaz", sort="name")[4:]


@pytest.mark.parametrize(("few", "range_cap"), [(1000, 12000), (1, 12000), (1, 1), (1000, 1)])
def test_name_search_plans_give_the_same_result(db, caseworker, monkeypatch, few, range_cap):
    """Few or many persons (ids vs. sorted scan), intersected or checked per person: same cases, same count."""
    from ebh.cases import search

    for i, given in enumerate(("Ali", "Ali Hasan", "Alina", "Hasan", "Ali")):
        _case(caseworker, "Hussein" if i % 2 else "Yılmaz", given, received=TODAY - dt.timedelta(days=i))
    monkeypatch.setattr(search, "FEW_PERSONS", few)
    monkeypatch.setattr(search, "RANGE_CAP", range_cap)
    assert [c.person.given_names for c in search_cases(caseworker, CaseQuery(q="ali hussein")).items] == ["Ali Hasan"]
    assert [p.given_names for p in search_persons(caseworker, "yilmaz ali")] == ["Ali", "Ali", "Alina"]
    page = search_cases(caseworker, CaseQuery(q="ali", per_page=2, page=2))
    assert (len(page.items), page.total, page.total_capped) == (2, 4, False)
