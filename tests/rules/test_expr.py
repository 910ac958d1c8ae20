"""The expression language: whitelist, type checks, suggestions, three-valued logic, scalar == vector."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ebh.rules import dates
from ebh.rules.expr import BOOL, DATE, INT, STR, ExprError, Scope, SEnv, VEnv, compile_expr, compile_template

SCOPE = Scope({"flag": BOOL, "other": BOOL, "level": INT, "since": DATE, "status": STR, "identity_clarified": BOOL})


@pytest.mark.parametrize("source, message", [
    ("since.year > 2000", "Attributzugriff"),
    ("flag.__class__", "Attributzugriff"),
    ("__import__('os')", "Funktion '__import__' ist nicht erlaubt"),
    ("__builtins__", "Unterstrich"),
    ("open('x') == 'y'", "Funktion 'open' ist nicht erlaubt"),
    ("eval('1') == 1", "Funktion 'eval' ist nicht erlaubt"),
    ("(lambda: True)()", "nur direkte Aufrufe"),
    ("lambda: True", "lambda"),
    ("[x for x in (1, 2)] == 1", "Listen-Abstraktion"),
    ("status[0] == 'a'", "Indexzugriff"),
    ("f'{level}' == '1'", "f-String"),
    ("(level := 3) > 1", "Zuweisung"),
    ("add_years(since, n=2) <= as_of", "ohne Namen"),
    ("level ** 2 > 1", "nur + - *"),
    ("level / 2 > 1", "nur + - *"),
    ("flag is None", "Vergleich Is"),
    ("flag == None", "None ist nicht erlaubt"),
    ("1.5 > level", "Konstante vom Typ float"),
])
def test_whitelist_rejects(source: str, message: str) -> None:
    with pytest.raises(ExprError) as info:
        compile_expr(source, SCOPE)
    assert message in str(info.value)


@pytest.mark.parametrize("source, message", [
    ("level + since > 3", "Rechnen geht nur mit ganzen Zahlen"),
    ("since < 3", "Vergleich < zwischen date und int"),
    ("level and flag", "Wahrheitswerte, nicht int"),
    ("add_years(level, 2) <= as_of", "Argument hat den Typ int, erwartet wird date"),
    ("status < 'b'", "geht nur mit Zahlen und Daten"),
    ("status in (1, 2)", "'in' vergleicht str mit int"),
    ("level", "erwartet wird bool"),
    ("(1 if flag else 'a') == 1", "denselben Typ"),
    ("date('2023-02-30') <= as_of", "kein gültiges Datum"),
    ("min(level) > 1", "erwartet 2 oder mehr Argumente"),
    ("flag or", "Syntaxfehler"),
])
def test_type_and_syntax_errors(source: str, message: str) -> None:
    with pytest.raises(ExprError) as info:
        compile_expr(source, SCOPE)
    assert message in str(info.value)


def test_misspelled_fact_gets_a_suggestion() -> None:
    with pytest.raises(ExprError) as info:
        compile_expr("identiy_clarified", SCOPE)
    assert "unbekannter Fakt 'identiy_clarified'" in str(info.value)
    assert "meinten Sie 'identity_clarified'?" in str(info.value)


def test_misspelled_function_gets_a_suggestion() -> None:
    with pytest.raises(ExprError) as info:
        compile_expr("add_year(since, 5) <= as_of", SCOPE)
    assert "meinten Sie 'add_years'?" in str(info.value)


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    with pytest.raises(ExprError):
        compile_expr("not " * 3000 + "flag", SCOPE)


K = [True, False, None]


@pytest.mark.parametrize("a", K)
@pytest.mark.parametrize("b", K)
def test_kleene_logic_scalar_and_vector(a: bool | None, b: bool | None) -> None:
    expected_and = False if False in (a, b) else (None if None in (a, b) else True)
    expected_or = True if True in (a, b) else (None if None in (a, b) else False)
    env = SEnv({"flag": a, "other": b}, dt.date(2025, 1, 1))
    venv = VEnv({"flag": (np.array([bool(a)]), np.array([a is not None])),
                 "other": (np.array([bool(b)]), np.array([b is not None]))}, dt.date(2025, 1, 1), 1)
    for source, expected in (("flag and other", expected_and), ("flag or other", expected_or),
                             ("not flag", None if a is None else not a)):
        node = compile_expr(source, SCOPE)
        assert node.s(env) is expected, source
        values, known = node.vector(venv)
        assert (bool(known[0]) and bool(values[0])) is (expected is True), source
        assert bool(known[0]) is (expected is not None), source


def test_unknown_operand_makes_comparison_unknown() -> None:
    node = compile_expr("add_years(since, 5) <= as_of", SCOPE)
    assert node.s(SEnv({"since": None}, dt.date(2025, 1, 1))) is None
    assert node.s(SEnv({"since": dt.date(2020, 1, 1)}, dt.date(2025, 1, 1))) is True
    assert node.s(SEnv({"since": dt.date(2020, 1, 2)}, dt.date(2025, 1, 1))) is False


def test_coalesce_known_label_and_text() -> None:
    env = SEnv({"since": None, "status": "duldung", "flag": True}, dt.date(2025, 3, 1))
    assert compile_expr("coalesce(since, as_of) == as_of", SCOPE).s(env) is True
    assert compile_expr("not known(since)", SCOPE).s(env) is True
    template = compile_template("{label(status)} seit {text(as_of)}; {flag}", SCOPE)
    assert template.render(env) == "Duldung seit 01.03.2025; ja"
    assert compile_template("seit {since}", SCOPE).render(env) == "seit unbekannt"


def test_template_placeholder_errors_name_the_placeholder() -> None:
    with pytest.raises(ExprError, match="Platzhalter {sinc}"):
        compile_template("seit {sinc}", SCOPE)
    with pytest.raises(ExprError, match="geschweifte Klammern"):
        compile_template("seit {since", SCOPE)


SOURCES = [
    "flag and (level >= 3 or not other)",
    "add_years(since, 5) <= as_of or (flag and add_months(since, 30) <= as_of)",
    "status in ('duldung', 'duldung_60b') or level * 2 - 1 > 4",
    "(level if flag else -level) >= min(level, 2)",
    "coalesce(since, as_of) < add_years(date('2000-02-29'), 25)",
    "years_between(since, as_of) >= level and known(other)",
    "max(since, date('2010-01-31')) == add_days(since, 0) or status + 'x' == 'duldungx'",
    "status not in ('a',) and label(status) != '' and text(since) != ''",
]


@pytest.mark.parametrize("source", SOURCES)
def test_vector_equals_scalar_on_random_values(source: str) -> None:
    rng = np.random.default_rng(42)
    n = 500
    facts = {
        "flag": (rng.random(n) < 0.5, rng.random(n) < 0.8),
        "other": (rng.random(n) < 0.5, rng.random(n) < 0.8),
        "level": (rng.integers(-3, 7, n), rng.random(n) < 0.8),
        "since": (rng.integers(dates.to_days(dt.date(1990, 1, 1)), dates.to_days(dt.date(2030, 1, 1)), n),
                  rng.random(n) < 0.8),
        "status": (rng.choice(np.array(["duldung", "duldung_60b", "gestattung", ""]), n), rng.random(n) < 0.8),
    }
    types = {"flag": BOOL, "other": BOOL, "level": INT, "since": DATE, "status": STR}
    as_of = dt.date(2024, 2, 29)
    node = compile_expr(source, SCOPE)
    values, known = node.vector(VEnv(facts, as_of, n))
    for i in range(n):
        row = {}
        for name, (v, k) in facts.items():
            if not k[i]:
                row[name] = None
            elif types[name] == DATE:
                row[name] = dates.from_days(int(v[i]))
            else:
                row[name] = v[i].item() if hasattr(v[i], "item") else v[i]
        expected = node.s(SEnv(row, as_of))
        assert bool(known[i]) is (expected is not None), (source, row)
        if expected is not None:
            assert bool(values[i]) is expected, (source, row)
