"""Cases domain: persons, residence history, naturalization and residence cases.

Public services other domains may call (all take the acting user first and check role and office):
:func:`ebh.cases.service.get_case`, :func:`~ebh.cases.service.get_person` (audited reads),
:func:`~ebh.cases.service.change_status`, :func:`~ebh.cases.service.request_document`, ... and
:func:`ebh.cases.search.search_cases`. Changes are announced through :mod:`ebh.cases.signals`.
"""
from flask import Flask


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from ebh.auth.access import CASE_ROLES
    from ebh.cases import models  # noqa: F401 - register the tables
    from ebh.cases.views import bp
    from ebh.web import NavItem, register_nav_item

    app.register_blueprint(bp)
    roles = tuple(role.value for role in CASE_ROLES)
    register_nav_item(NavItem("cases.index", _l("Fälle"), roles, 10))
    register_nav_item(NavItem("cases.new_person", _l("Neue Person"), roles, 20))
