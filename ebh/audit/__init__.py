"""Audit domain: the append-only log of reads and writes of personal data."""
from flask import Flask


def init_app(app: Flask) -> None:
    from ebh.audit import models  # noqa: F401 - register the table
    from ebh.audit.views import bp

    app.register_blueprint(bp)
