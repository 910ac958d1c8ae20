"""Auth domain: offices, users, login, server-side sessions, access checks."""
from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ebh.auth import sessions
    from ebh.auth.cli import offices_cli, users_cli
    from ebh.auth.views import bp, unauthorized
    from ebh.extensions import login_manager
    from ebh.web import NavItem, register_nav_item

    login_manager.request_loader(sessions.load_user_from_request)
    login_manager.unauthorized_handler(unauthorized)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = None  # the server-side session row is the protection
    app.register_blueprint(bp)
    register_nav_item(NavItem("auth.users", _l("Benutzer"), ("admin",), 90))
    register_nav_item(NavItem("auth.account", _l("Mein Konto"), ("caseworker", "campaign", "supervisor", "admin"), 99))
    app.cli.add_command(users_cli)
    app.cli.add_command(offices_cli)
