"""Office isolation (IDOR): users of office A cannot read or change anything of office B by
guessing ids, whatever their role, on any route (pages, downloads, API).

Every route with parameters is walked from ``app.url_map``; each parameter is filled with a real
object of office B (built by :mod:`tests.security.idor_builders`). For routes with several ids,
each id is also swapped alone into an otherwise valid request of office A (a document of B under
a case of A). Expected: 404 (or 403 for a role that may not use the route at all); a POST must
leave every table unchanged. POSTs carry a valid CSRF token and the endpoint's FORM_DATA, so views
that validate the form first still reach the service. Views should load the object (through the
service) before validating the form; a redirect or form error for another office's id means the
office check was not exercised and is reported. A positive control proves the builders produce
objects the routes can find, so the test cannot pass by accident.
"""
from __future__ import annotations

import pytest

from ebh import web
from tests import factories
from tests.conftest import csrf_token, post_form
from tests.security import routes
from tests.security.idor_builders import BUILDERS, FORM_DATA, OWNER_ONLY, VALUES, World
from tests.security.snapshot import diff, snapshot

ROLES = ("caseworker", "campaign", "supervisor", "admin")
REFUSED = (403, 404)


def id_rules(app, *, fillable_only: bool = True):
    """Routes whose parameters name objects; token endpoints are covered by the deny-by-default test.
    Routes with a parameter nobody can fill are left to test_every_route_parameter_has_a_builder."""
    skip = routes.ALWAYS_PUBLIC | web.PUBLIC_ENDPOINTS
    found = [rule for rule in routes.rules(app) if rule.arguments and rule.endpoint not in skip]
    if fillable_only:
        found = [rule for rule in found if all(name in BUILDERS for name in object_params(rule))]
    return found


def object_params(rule) -> list[str]:
    return sorted(name for name in rule.arguments if name not in VALUES)


def test_every_route_parameter_has_a_builder(app):
    """Fails loudly for a parameter nobody taught the test to fill (add a builder or a VALUES entry)."""
    unknown = {f"{name} in {rule.rule} ({rule.endpoint})" for rule in id_rules(app, fillable_only=False)
               for name in object_params(rule) if name not in BUILDERS}
    assert not unknown, (
        "Route parameters without a builder in tests/security/idor_builders.py: " + "; ".join(sorted(unknown))
    )


def _client(app, user):
    client = app.test_client()
    assert post_form(client, "/login", {"username": user.username, "password": factories.PASSWORD}).status_code == 302
    return client


def _form(rule, method: str, token: str) -> dict[str, str] | None:
    if method not in routes.WRITE_METHODS:
        return None
    return {**FORM_DATA.get(rule.endpoint, {}), "csrf_token": token}


def _variants(rule, own: World, foreign: World) -> list[tuple[str, dict]]:
    params = object_params(rule)
    fixed = {name: VALUES[name] for name in rule.arguments if name in VALUES}
    variants = [("alle Ids von B", {**fixed, **{p: foreign.id(p) for p in params}})]
    if len(params) > 1:
        for swapped in params:
            values = {**fixed, **{p: own.id(p) for p in params}, swapped: foreign.id(swapped)}
            variants.append((f"nur {swapped} von B", values))
    return variants


@pytest.fixture
def error_pages(app, monkeypatch):
    """Report a crashing route as a 500 in the list of failures instead of stopping the walk."""
    monkeypatch.setitem(app.config, "SHOW_ERROR_PAGES", True)


@pytest.mark.parametrize("role", ROLES)
def test_office_a_cannot_reach_objects_of_office_b(app, office, other_office, role, error_pages):
    actor = factories.user(office, f"a-{role}", role=role)
    client = _client(app, actor)
    token = csrf_token(client, "/account")
    own, foreign = World(office, "A"), World(other_office, "B")
    failures = []
    for rule in id_rules(app):
        for method in routes.methods(rule):
            for label, values in _variants(rule, own, foreign):
                url = routes.build(rule, values)
                before = snapshot() if method in routes.WRITE_METHODS else None
                response = client.open(url, method=method, data=_form(rule, method, token))
                response.close()
                if response.status_code not in REFUSED:
                    failures.append(f"{method} {url} [{rule.endpoint}, {label}] -> {response.status_code}")
                if before is not None and (changed := diff(before, snapshot())):
                    failures.append(f"{method} {url} [{rule.endpoint}, {label}] changed {changed}")
    assert failures == [], f"role {role}:\n" + "\n".join(failures)


def test_positive_control_objects_of_the_own_office_are_found(app, office, error_pages):
    """With ids of the own office, at least one role gets past the object lookup (no 404), so the
    refusals above come from the office check and not from incomplete test objects."""
    clients = [_client(app, factories.user(office, f"own-{role}", role=role)) for role in ROLES]
    tokens = [csrf_token(c, "/account") for c in clients]
    not_found = []
    for rule in id_rules(app):
        if rule.endpoint in OWNER_ONLY:
            continue
        for method in routes.methods(rule):
            statuses = []
            for client, token in zip(clients, tokens, strict=True):
                world = World(office, f"own{len(statuses)}")  # fresh objects: an earlier POST may delete
                values = {**{n: VALUES[n] for n in rule.arguments if n in VALUES},
                          **{p: world.id(p) for p in object_params(rule)}}
                response = client.open(routes.build(rule, values), method=method, data=_form(rule, method, token))
                response.close()
                statuses.append(response.status_code)
                if response.status_code != 404:
                    break
            if 404 in statuses and len(statuses) == len(ROLES):
                not_found.append(f"{method} {rule.rule} ({rule.endpoint}) -> {statuses}")
    assert not_found == []
