"""Security headers on every response, cookie flags, production-only settings, error pages."""
from __future__ import annotations

import re

import pytest
from flask import request

from ebh import create_app, web
from ebh.config import DEFAULT_SECRET_KEY, ConfigError
from ebh.extensions import db
from tests import factories
from tests.conftest import IsolatedClient, post_form
from tests.security import routes

PRODUCTION_KEY = "p" * 48


def assert_security_headers(response, where: str) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    for directive in ("default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'",
                      "frame-ancestors 'none'", "form-action 'self'"):
        assert directive in csp, f"{where}: CSP lacks {directive}"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin"), where


def test_headers_on_every_get_route_logged_in(app, client, login, office):
    admin = factories.user(office, "admin1", role="admin")
    login(admin)
    for rule, _method in routes.walk(app, only=frozenset({"GET"}), skip=frozenset({"static"})):
        response = client.get(routes.build(rule, routes.dummy_values(rule)))
        assert_security_headers(response, f"GET {rule.rule} -> {response.status_code}")
        if rule.endpoint not in routes.ALWAYS_PUBLIC:
            assert "no-store" in response.headers.get("Cache-Control", ""), rule.rule


@pytest.mark.parametrize(
    ("method", "url"),
    [("GET", "/login"), ("GET", "/"), ("GET", "/health"), ("GET", "/static/css/ebh.css"), ("GET", "/nirgends"),
     ("GET", "/logout"), ("POST", "/logout"), ("GET", "/static/../ebh/config.py")],
)
def test_headers_on_anonymous_and_error_responses(client, method, url):
    response = client.open(url, method=method)
    response.close()
    assert_security_headers(response, f"{method} {url} -> {response.status_code}")
    if "static/.." in url:
        assert response.status_code == 404


def test_development_cookie_is_httponly_and_samesite(client, caseworker):
    response = post_form(client, "/login", {"username": caseworker.username, "password": factories.PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("ebh=")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires" not in cookie and "Max-Age" not in cookie  # browser-session cookie; the server times out


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


# --- production mode ---------------------------------------------------------------------------


def _app(database_url: str, tmp_path, **config):
    application = create_app({"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "data"), **config},
                             instance_path=tmp_path)
    application.test_client_class = IsolatedClient
    _APPS.append(application)
    return application


_APPS: list = []


@pytest.fixture(autouse=True)
def _dispose_extra_apps():
    """Close the connection pools of the production-mode apps built here (no leaked connections)."""
    yield
    while _APPS:
        with _APPS.pop().app_context():
            db.engine.dispose()


@pytest.mark.parametrize("key", [DEFAULT_SECRET_KEY, "kurz", ""])
def test_production_refuses_default_or_short_secret_key(database_url, tmp_path, key):
    with pytest.raises(ConfigError, match="EBH_SECRET_KEY"):
        _app(database_url, tmp_path, ENV="production", SECRET_KEY=key)


def test_production_refuses_weak_password_hashing(database_url, tmp_path):
    with pytest.raises(ConfigError, match="ARGON2"):
        _app(database_url, tmp_path, ENV="production", SECRET_KEY=PRODUCTION_KEY, ARGON2_MEMORY_KIB=8192)


def test_production_refuses_default_key_from_environment(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("EBH_ENV", "production")
    monkeypatch.delenv("EBH_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        create_app({"DATABASE_URL": database_url, "DATA_DIR": str(tmp_path / "data")}, instance_path=tmp_path)


def test_production_sets_hsts_and_host_prefixed_secure_cookie(database_url, tmp_path, caseworker):
    production = _app(database_url, tmp_path, ENV="production", SECRET_KEY=PRODUCTION_KEY)
    client = production.test_client()
    https = {"base_url": "https://ebh.example", "headers": {"Referer": "https://ebh.example/login"}}
    page = client.get("/login", **https)
    assert_security_headers(page, "production login")
    hsts = page.headers["Strict-Transport-Security"]
    assert "includeSubDomains" in hsts and int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000
    assert page.headers["Set-Cookie"].startswith("__Host-ebh=")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": caseworker.username, "password": factories.PASSWORD,
                                           "csrf_token": token}, **https)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-ebh=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert flag in cookie
    assert "Domain=" not in cookie
    assert client.get("/account", **https).status_code == 200


def test_trusted_proxy_sets_the_client_address(database_url, tmp_path):
    """Behind one reverse proxy the forwarded address is used for throttling and the audit log."""
    proxied = _app(database_url, tmp_path, ENV="testing", SECRET_KEY="x", TRUSTED_PROXIES=1)
    seen: list[str | None] = []

    @proxied.route("/whoami-test")
    def whoami_test():
        seen.append(request.remote_addr)
        return "x"

    web.PUBLIC_ENDPOINTS.add("whoami_test")
    try:
        proxied.test_client().get("/whoami-test", headers={"X-Forwarded-For": "203.0.113.7"},
                                  environ_base={"REMOTE_ADDR": "10.0.0.1"})
    finally:
        web.PUBLIC_ENDPOINTS.discard("whoami_test")
    assert seen == ["203.0.113.7"]


# --- error pages ---------------------------------------------------------------------------------


def test_500_page_shows_no_traceback(database_url, tmp_path, caseworker):
    """An unexpected error shows a German page without details, with the security headers, and
    the request's changes are rolled back."""
    showing = _app(database_url, tmp_path, ENV="testing", SECRET_KEY="x", SHOW_ERROR_PAGES=True)
    showing.config["SHOW_ERROR_PAGES"] = True

    @showing.route("/boom-test")
    def _boom():
        raise RuntimeError("geheimes-detail /home/ebh/ebh/cases/service.py line 42")

    client = showing.test_client()
    assert post_form(client, "/login", {"username": caseworker.username, "password": factories.PASSWORD}
                     ).status_code == 302
    response = client.get("/boom-test")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Ein interner Fehler ist aufgetreten" in page
    assert "geheimes-detail" not in page and "Traceback" not in page and "service.py" not in page
    assert_security_headers(response, "500")


def test_testing_app_reraises_unexpected_errors(app):
    """In tests errors surface as exceptions unless SHOW_ERROR_PAGES is set (see conftest)."""
    assert app.testing and not app.config.get("SHOW_ERROR_PAGES")
