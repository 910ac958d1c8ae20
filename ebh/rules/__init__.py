"""Rules domain (being built)."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the domain's blueprint, CLI and hooks."""
