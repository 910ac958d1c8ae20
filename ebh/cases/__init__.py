"""Cases domain: persons, residence history, naturalization and residence cases."""
from flask import Flask


def init_app(app: Flask) -> None:
    from ebh.cases import models  # noqa: F401 - register the tables
    from ebh.cases.views import bp

    app.register_blueprint(bp)
