"""Rules domain: effective-dated rule files, fact derivation, eligibility evaluation and comparison."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Load the rule files, register the blueprint, CLI, case panel, nav item and signal handlers."""
    from flask_babel import lazy_gettext as _l

    from ebh.cases import signals
    from ebh.rules import models  # noqa: F401 - register the table
    from ebh.rules import service
    from ebh.rules.cli import rules_cli
    from ebh.rules.loader import RuleRegistry, RulesError
    from ebh.rules.views import bp, panel_context
    from ebh.web import CasePanel, NavItem, register_case_panel, register_nav_item

    registry = RuleRegistry(app.config["RULES_DIR"])
    try:
        registry.reload()
    except RulesError as exc:
        app.logger.error("rule files in %s rejected: %s", app.config["RULES_DIR"], "; ".join(exc.errors[:5]))
    app.extensions["ebh_rules"] = registry
    app.register_blueprint(bp)
    app.cli.add_command(rules_cli)
    register_case_panel(CasePanel("rules", "rules/_panel.html", 10, panel_context))
    register_nav_item(NavItem("rules.compare", _l("Rechtsänderung"), ("supervisor", "admin"), 60))
    signals.person_changed.connect(service.on_person_changed, weak=False)
    signals.case_changed.connect(service.on_case_changed, weak=False)
