"""Request-wide web behaviour: deny by default, one transaction per request, security headers,
locale, error pages and the case-page panel registry other domains plug into."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, g, has_request_context, render_template, request
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ebh.extensions import db

#: Endpoints reachable without login. Everything else requires a logged-in user (deny by default).
PUBLIC_ENDPOINTS = {"auth.login", "static", "health"}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


LOCALES = ("de", "en")
#: Remembers a ``?lang=`` choice for the browser session. A cookie of its own, not the Flask
#: session, because login clears the session (fixation defence) and the choice must survive it.
LANG_COOKIE = "ebh_lang"


def select_locale() -> str:
    """German first; ``?lang=``, then the choice remembered in the browser session, then the user's
    ``locale`` column pick the language."""
    if not has_request_context():  # CLI commands, jobs and services called from tests
        return "de"
    for choice in (request.args.get("lang"), request.cookies.get(LANG_COOKIE)):
        if choice in LOCALES:
            return choice
    user = getattr(current_user, "locale", None) if current_user else None
    return user if user in LOCALES else "de"


def lang_switch_url(locale: str) -> str:
    """The current page (path and query) with ``lang`` set, for the language switch link."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"] + [("lang", locale)]
    return f"{request.path}?{urlencode(args)}"


@dataclasses.dataclass(frozen=True)
class CasePanel:
    """A section of the case page contributed by a domain (rules checklist, deadlines, letters)."""

    name: str
    template: str
    order: int
    #: Builds the template context for a case: ``context(actor, case) -> dict``.
    context: Callable[[Any, Any], dict[str, Any]]


_CASE_PANELS: dict[str, CasePanel] = {}


@dataclasses.dataclass(frozen=True)
class NavItem:
    """A top-navigation link contributed by a domain, shown to the given roles."""

    endpoint: str
    label: Any
    roles: tuple[str, ...]
    order: int = 50


_NAV_ITEMS: dict[str, NavItem] = {}


def register_nav_item(item: NavItem) -> None:
    _NAV_ITEMS[item.endpoint] = item


def nav_items() -> list[NavItem]:
    role = getattr(getattr(current_user, "role", None), "value", None)
    return sorted((i for i in _NAV_ITEMS.values() if role in i.roles), key=lambda i: i.order)


def register_case_panel(panel: CasePanel) -> None:
    _CASE_PANELS[panel.name] = panel


def case_panels() -> list[CasePanel]:
    return sorted(_CASE_PANELS.values(), key=lambda p: p.order)


def init_app(app: Flask) -> None:
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    @app.before_request
    def _require_login() -> Any:
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            from ebh.extensions import login_manager

            return login_manager.unauthorized()
        return None

    @app.after_request
    def _commit_and_secure(response: Response) -> Response:
        if response.status_code < 400 and not g.get("rolled_back"):
            db.session.commit()
        else:
            db.session.rollback()
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if app.config["ENV"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if current_user and current_user.is_authenticated:
            headers.setdefault("Cache-Control", "no-store")
        if request.args.get("lang") in LOCALES and request.cookies.get(LANG_COOKIE) != request.args["lang"]:
            response.set_cookie(LANG_COOKIE, request.args["lang"], httponly=True, samesite="Lax",
                                secure=app.config["ENV"] == "production")
        return response

    @app.route("/health")
    def health() -> tuple[str, int]:
        return "ok", 200

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError) -> tuple[str, int]:
        db.session.rollback()
        if current_user.is_authenticated:
            from ebh.audit.service import record_security_event

            record_security_event(current_user, "csrf_failed",
                                  f"CSRF-Prüfung fehlgeschlagen: {request.method} {request.path}")
        message = _("Das Formular ist abgelaufen oder ungültig. Bitte laden Sie die Seite neu und versuchen Sie es "
                    "erneut.")
        return render_template("errors.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Any:
        db.session.rollback()
        if request.path.startswith("/api/"):
            return {"error": error.name, "message": error.description}, error.code
        return render_template("errors.html", code=error.code, message=error.description), error.code

    @app.errorhandler(Exception)
    def _server_error(error: Exception) -> tuple[str, int]:
        db.session.rollback()
        if app.testing and not app.config.get("SHOW_ERROR_PAGES"):
            raise error
        app.logger.exception("unhandled error")
        return render_template("errors.html", code=500, message=None), 500

    @app.template_filter("datetime_de")
    def _datetime_de(value: Any) -> str:
        """An aware UTC timestamp shown in the office's time zone."""
        return format_datetime(value, "dd.MM.yyyy HH:mm:ss") if value else ""

    @app.template_filter("date_de")
    def _date_de(value: Any) -> str:
        return format_date(value, "dd.MM.yyyy") if value else ""

    @app.context_processor
    def _inject() -> dict[str, Any]:
        return {"case_panels": case_panels, "nav_items": nav_items, "lang_switch_url": lang_switch_url,
                "get_locale": get_locale}

    @app.teardown_request
    def _rollback_on_error(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()
