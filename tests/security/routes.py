"""Walking ``app.url_map`` for the generic security tests (deny by default, CSRF, headers, IDOR)."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from werkzeug.routing import Rule

#: Reachable without login, and not protected by a token either.
ALWAYS_PUBLIC = frozenset({"auth.login", "static", "health"})
#: Methods that change state and therefore need a CSRF token.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def rules(app) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def methods(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


def arguments(rule: Rule) -> dict[str, str]:
    """Parameter name -> converter kind ("int", "string", "path", "any", "uuid", "float")."""
    kinds = {
        "IntegerConverter": "int", "UnicodeConverter": "string", "PathConverter": "path",
        "AnyConverter": "any", "UUIDConverter": "uuid", "FloatConverter": "float",
    }
    return {name: kinds.get(type(conv).__name__, type(conv).__name__) for name, conv in rule._converters.items()}


def dummy_values(rule: Rule) -> dict[str, Any]:
    """Syntactically valid values for every parameter (for tests where the value does not matter)."""
    values: dict[str, Any] = {}
    for name, kind in arguments(rule).items():
        if kind == "any":
            values[name] = next(iter(rule._converters[name].items))  # type: ignore[attr-defined]
        elif kind == "uuid":
            values[name] = "00000000-0000-4000-8000-000000000000"
        elif kind in ("int", "float"):
            values[name] = 1
        else:
            values[name] = "x"
    return values


def build(rule: Rule, values: Mapping[str, Any]) -> str:
    return rule.build(dict(values), append_unknown=False)[1]  # type: ignore[index]


def walk(app, *, skip: frozenset[str] = frozenset(), only: frozenset[str] | None = None) -> Iterator[tuple[Rule, str]]:
    for rule in rules(app):
        if rule.endpoint in skip:
            continue
        for method in methods(rule):
            if only is None or method in only:
                yield rule, method
