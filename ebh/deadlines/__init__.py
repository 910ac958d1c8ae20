"""Deadlines domain: legal deadline computation (§ 31 VwVfG NRW, §§ 187–193 BGB), deadlines derived
from case data, Wiedervorlage, reminders (inbox, email, iCal) and the ``ebh scheduler`` process."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    from ebh import web
    from ebh.cases.signals import case_changed, person_changed
    from ebh.deadlines import models  # noqa: F401 - register the tables
    from ebh.deadlines import service
    from ebh.deadlines.cli import deadlines_cli, scheduler_cli
    from ebh.deadlines.views import bp, case_panel_context

    app.register_blueprint(bp)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(deadlines_cli)
    # The iCal feed authenticates by its secret token (calendar clients cannot log in).
    web.PUBLIC_ENDPOINTS.add("deadlines.ical_feed")
    case_changed.connect(service.on_case_changed, weak=False)
    person_changed.connect(service.on_person_changed, weak=False)
    web.register_case_panel(web.CasePanel("deadlines", "deadlines/_panel.html", 30, case_panel_context))
    web.register_nav_item(web.NavItem("deadlines.inbox", _l("Meine Fristen"), ("caseworker", "supervisor", "admin"), 20))
    web.register_nav_item(web.NavItem("deadlines.overview", _l("Fristen-Übersicht"), ("supervisor", "admin"), 60))
    web.register_nav_item(web.NavItem("deadlines.reminder_problems", _l("Erinnerungen"), ("admin",), 85))
    web.register_nav_item(web.NavItem("deadlines.closing_days", _l("Schließtage"), ("admin",), 86))
