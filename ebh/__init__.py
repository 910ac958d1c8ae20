"""ebh: case tracker for Ausländerbehörden and Einbürgerungsbehörden."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from flask import Flask

from ebh.config import PROJECT_ROOT, load_settings

#: Domain packages, each exposing ``init_app(app)`` that registers its blueprint, CLI and hooks.
DOMAINS = ("auth", "audit", "cases", "rules", "deadlines", "letters")


def create_app(config: dict[str, Any] | None = None, instance_path: str | Path | None = None) -> Flask:
    """Build the Flask application: settings, extensions, domains, web hooks."""
    instance = Path(instance_path or (PROJECT_ROOT / "instance")).resolve()
    settings = load_settings(instance, config)
    app = Flask(
        __name__,
        instance_path=str(instance),
        template_folder=settings["TEMPLATES_DIR"],
        static_folder="static",
    )
    app.config.update(settings)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=settings["DATABASE_URL"],
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(settings["DATABASE_URL"]),
        TESTING=settings["ENV"] == "testing",
        BABEL_DEFAULT_LOCALE=settings["DEFAULT_LOCALE"],
        BABEL_DEFAULT_TIMEZONE=settings["TIMEZONE"],
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings["ENV"] == "production",
        SESSION_COOKIE_NAME="__Host-ebh" if settings["ENV"] == "production" else "ebh",
        WTF_CSRF_TIME_LIMIT=None,
    )
    Path(app.config["DATA_DIR"]).mkdir(parents=True, exist_ok=True)

    from ebh import web
    from ebh.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=web.select_locale)
    web.init_app(app)
    for name in DOMAINS:
        importlib.import_module(f"ebh.{name}").init_app(app)
    from ebh.demo.cli import demo_command

    app.cli.add_command(demo_command)
    return app


def _engine_options(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30}}
    return {"pool_pre_ping": True}
