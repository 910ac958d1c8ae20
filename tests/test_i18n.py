"""The English catalogue: complete, consistent with the code and the compiled .mo, and actually used.

The catalogue tests read the files in ebh/translations with babel; the page tests render the real
login page and case list in both languages through the test client.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from tests import factories
from tests.conftest import post_form

TRANSLATIONS = Path(__file__).resolve().parent.parent / "ebh" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
#: Python named placeholders and the literal ``{seq}`` of the file-number pattern message.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|\{\w+\}")
FIX = "run `make translations` (ebh/translations/update.sh) and translate, see docs/i18n.md"


def _read_po() -> Catalog:
    with PO.open("rb") as handle:
        return read_po(handle)


def _strings(message) -> tuple[str, ...]:
    """msgstr forms as a tuple (read_mo gives plurals as lists, read_po as tuples)."""
    return tuple(message.string) if isinstance(message.string, (tuple, list)) else (message.string,)


def _ids(message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, (tuple, list)) else (message.id,)


@pytest.fixture(scope="module")
def po() -> Catalog:
    return _read_po()


def test_no_empty_or_fuzzy_translations(po):
    empty = [m.id for m in po if m.id and not all(_strings(m))]
    fuzzy = [m.id for m in po if m.id and m.fuzzy]
    assert not empty, f"untranslated: {empty}; {FIX}"
    assert not fuzzy, f"fuzzy (check and remove the flag): {fuzzy}; {FIX}"


def test_placeholders_survive_translation(po):
    """Every placeholder of a msgid is in its msgstr and no new one is added (that would raise a KeyError)."""
    wrong = []
    for m in po:
        if not m.id:
            continue
        expected = set().union(*(PLACEHOLDER.findall(i) for i in _ids(m)))
        for string in _strings(m):
            found = set(PLACEHOLDER.findall(string))
            # A singular form may leave out the count ("one case"), never anything else.
            if found - expected or (expected - found) - ({"%(num)s", "%(num)d"} if m.pluralizable else set()):
                wrong.append((m.id, string))
    assert not wrong
    assert not [(m.id, errors) for m, errors in po.check()], "python-format check failed"


def test_compiled_catalogue_matches_po(po):
    """The committed .mo is the compiled .po (a fresh clone needs no compile step)."""
    with MO.open("rb") as handle:
        compiled = read_mo(handle)
    expected = {_ids(m): _strings(m) for m in po if m.id and not m.fuzzy and all(_strings(m))}
    actual = {_ids(m): _strings(m) for m in compiled if m.id}
    assert actual == expected, "messages.mo is stale: run `make translations` (or pybabel compile)"


def test_catalogue_covers_every_string_in_the_code(po, tmp_path):
    """Extract from the current code exactly as the update script does; every msgid must be in the .po."""
    pot = tmp_path / "messages.pot"
    subprocess.run(["sh", str(TRANSLATIONS / "update.sh"), "extract", str(pot)], check=True,
                   env={"BIN": str(Path(sys.executable).parent), "PATH": "/usr/bin:/bin"})
    with pot.open("rb") as handle:
        template = read_po(handle)
    known = {m.id for m in po}
    missing = sorted(str(m.id) for m in template if m.id and m.id not in known)
    assert len(template) > 500  # extraction really ran over the code and templates
    assert not missing, f"not in the English catalogue: {missing}; {FIX}"


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_login_page_is_german_by_default_and_english_with_lang(client):
    german = _text(client.get("/login"))
    assert '<html lang="de">' in german
    assert "<h1>Anmeldung</h1>" in german and ">Benutzername<" in german and ">Anmelden<" in german
    assert 'href="/login?lang=en"' in german  # the language switch

    english = _text(client.get("/login?lang=en"))
    assert '<html lang="en">' in english
    assert "<h1>Login</h1>" in english and ">Username<" in english and ">Log in<" in english
    assert "Anmeldung" not in english
    assert 'href="/login?lang=de"' in english


def test_language_choice_sticks_for_the_browser_session_and_survives_login(client, caseworker):
    person = factories.person(caseworker.office)
    factories.case(person, file_number="KOE-I18N-1")
    client.get("/login?lang=en")
    assert "<h1>Login</h1>" in _text(client.get("/login"))  # no ?lang= any more: still English

    response = post_form(client, "/login", {"username": caseworker.username, "password": factories.PASSWORD})
    assert response.status_code == 302  # login clears the session; the language cookie stays
    english = _text(client.get("/"))
    assert "<h1>Cases</h1>" in english and "1 case" in english
    assert ">File number<" in english and "KOE-I18N-1" in english
    assert "Naturalization § 10 StAG" in english and ">received<" in english  # lazy labels (_l)
    assert ">Log out<" in english

    german = _text(client.get("/?lang=de"))
    assert "<h1>Fälle</h1>" in german
    assert "<h1>Fälle</h1>" in _text(client.get("/"))  # switching back sticks as well


def test_case_list_is_german_by_default_and_english_with_lang(client, login, caseworker):
    person = factories.person(caseworker.office)
    factories.case(person, file_number="KOE-I18N-2")
    factories.case(person, file_number="KOE-I18N-3", case_type="aufenthg_25b")
    login(caseworker)

    german = _text(client.get("/"))
    assert '<html lang="de">' in german
    assert "<h1>Fälle</h1>" in german and "2 Fälle" in german and ">Aktenzeichen<" in german
    assert "Einbürgerung § 10 StAG" in german and ">Abmelden<" in german

    english = _text(client.get("/?lang=en&sort=due"))
    assert '<html lang="en">' in english
    assert "<h1>Cases</h1>" in english and "2 cases" in english and ">File number<" in english
    assert "Residence permit § 25b AufenthG" in english
    assert ">Due date<" in english  # a sort label marked with N_() and translated in the template
    assert "Fälle" not in english and "Aktenzeichen" not in english
    assert 'href="/?sort=due&amp;lang=de"' in english  # the switch keeps the other query parameters


def test_users_locale_column_picks_english(client, login, caseworker):
    caseworker.locale = "en"
    factories.db.session.commit()
    login(caseworker)
    assert "<h1>Cases</h1>" in _text(client.get("/"))
    assert "<h1>Fälle</h1>" in _text(client.get("/?lang=de"))
