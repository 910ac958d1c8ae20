"""The ``ebh`` command: a Flask CLI group over the app factory (``ebh run``, ``ebh db upgrade``, ...)."""
from flask.cli import FlaskGroup

from ebh import create_app


def main() -> None:
    FlaskGroup(create_app=lambda: create_app(), help="ebh: case tracker for ABH and EBH offices.")()
