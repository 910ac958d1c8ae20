"""Auth domain: offices, users, login, server-side sessions, access checks."""
from flask import Flask


def init_app(app: Flask) -> None:
    from ebh.auth import sessions
    from ebh.auth.cli import offices_cli, users_cli
    from ebh.auth.views import bp
    from ebh.extensions import login_manager

    login_manager.request_loader(sessions.load_user_from_request)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Bitte melden Sie sich an."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session row is the protection
    app.register_blueprint(bp)
    app.cli.add_command(users_cli)
    app.cli.add_command(offices_cli)
