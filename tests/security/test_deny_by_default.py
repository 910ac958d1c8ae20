"""Deny by default: every route of the app refuses anonymous requests, except a short allowlist.

The walk reads ``app.url_map`` at run time, so routes other domains add later are covered without
touching this file. Token-authenticated endpoints (``ebh.web.PUBLIC_ENDPOINTS``, e.g. an iCal
feed) are walked too: called with a wrong token they must refuse as well.
"""
from __future__ import annotations

from ebh import web
from tests.conftest import csrf_token
from tests.security import routes


def _refused(response, *, token_endpoint: bool) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if token_endpoint:
        return response.status_code == 400
    return response.status_code in (302, 303) and response.headers["Location"].startswith("/login")


def anonymous_failures(app, client, public: frozenset[str]) -> list[str]:
    """Routes that answered an anonymous request with anything but a refusal."""
    token = csrf_token(client, "/login")  # a valid CSRF token, so POSTs reach the login check
    failures = []
    for rule, method in routes.walk(app, skip=public):
        url = routes.build(rule, routes.dummy_values(rule))
        data = {"csrf_token": token} if method in routes.WRITE_METHODS else None
        response = client.open(url, method=method, data=data)
        if not _refused(response, token_endpoint=rule.endpoint in web.PUBLIC_ENDPOINTS):
            failures.append(f"{method} {rule.rule} ({rule.endpoint}) -> {response.status_code}")
    return failures


def test_every_route_refuses_anonymous_requests(app, client, caseworker):
    # Some data exists, so that a route without a check would have something to show.
    assert anonymous_failures(app, client, routes.ALWAYS_PUBLIC) == []


def test_the_walk_covers_all_routes_and_methods(app):
    walked = {(rule.endpoint, method) for rule, method in routes.walk(app, skip=routes.ALWAYS_PUBLIC)}
    assert ("auth.logout", "POST") in walked and ("audit.case_log", "GET") in walked
    assert ("auth.login", "POST") not in walked
    assert len(walked) >= 15


def test_the_walk_detects_an_open_route(app, client):
    """The checker is not vacuous: drop ``health`` from the allowlist and it is reported."""
    failures = anonymous_failures(app, client, routes.ALWAYS_PUBLIC - {"health"})
    assert failures == ["GET /health (health) -> 200"]


def test_allowlist_is_small_and_explicit():
    """Anything beyond login, static and health must be token-authenticated (see docs/security.md)."""
    assert routes.ALWAYS_PUBLIC <= web.PUBLIC_ENDPOINTS


def test_anonymous_api_requests_get_401_not_a_redirect(app, client):
    with app.test_request_context("/api/cases", method="GET"):
        from ebh.auth.views import unauthorized

        body, status = unauthorized()
    assert status == 401 and body["error"] == "Unauthorized"


def test_unknown_urls_are_404_for_everyone(client):
    assert client.get("/gibt-es-nicht").status_code == 404
