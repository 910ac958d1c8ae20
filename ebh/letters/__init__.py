"""Letters domain: DOCX letters from templates in ``letters/``, the letter log, batches.

See docs/letters.md. Public API: :mod:`ebh.letters.service` (``generate_letter``, ``create_batch``)
and :func:`ebh.letters.worker.run_batch`.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the domain's blueprint, CLI, case panel and navigation item."""
    from flask_babel import lazy_gettext as _l

    from ebh.letters import models  # noqa: F401 - register the tables
    from ebh.letters.cli import letters_cli
    from ebh.letters.views import bp, case_panel_context
    from ebh.web import CasePanel, NavItem, register_case_panel, register_nav_item

    app.register_blueprint(bp)
    app.cli.add_command(letters_cli)
    register_case_panel(CasePanel("letters", "letters/_panel.html", 60, case_panel_context))
    register_nav_item(NavItem("letters.batches", _l("Serienbriefe"), ("caseworker", "campaign", "supervisor", "admin"), 40))
