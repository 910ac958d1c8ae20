"""Audit domain: the append-only log of reads and writes of personal data, and its views."""
from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ebh.audit import models  # noqa: F401 - register the table
    from ebh.audit.service import write_pending_rows
    from ebh.audit.views import bp, case_panel_context
    from ebh.extensions import db
    from ebh.web import CasePanel, NavItem, register_case_panel, register_nav_item

    app.register_blueprint(bp)
    register_nav_item(NavItem("audit.search", _l("Protokoll"), ("supervisor", "admin"), 80))
    register_case_panel(CasePanel("audit", "audit/_case_panel.html", 95, case_panel_context))

    @app.teardown_request
    def _write_pending_rows(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()  # release the request's locks before writing on another connection
        write_pending_rows()
