"""Case panel (checklist, re-evaluation, what-if date), stored snapshots and the law-change page."""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ebh.auth.access import require_role
from ebh.cases.service import get_case
from ebh.rules import engine, service
from ebh.rules.dates import format_de
from ebh.rules.forms import CompareForm, EvaluateForm

bp = Blueprint("rules", __name__)

LABELS = {"status": engine.STATUS_LABELS, "outcome": engine.OUTCOME_LABELS, "decision": engine.DECISION_LABELS}


def _actor() -> Any:
    return current_user._get_current_object()


def panel_context(actor: Any, case: Any) -> dict[str, Any]:
    """The checklist: the latest stored evaluation, else a live one (not stored), else the error."""
    evaluation = service.latest_evaluation(actor, case)
    result, error = (evaluation.result if evaluation else None), None
    if evaluation is None:
        try:
            result = service.case_result(actor, case)
        except service.EvaluationError as exc:
            error = str(exc)
    return {"rules_result": result, "rules_evaluation": evaluation, "rules_error": error,
            "rules_form": EvaluateForm(formdata=None), "rules_labels": LABELS}


@bp.route("/cases/<int:case_id>/rules/evaluate", methods=["POST"])
def evaluate(case_id: int) -> Any:
    actor = _actor()
    case = get_case(actor, case_id)
    form = EvaluateForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(_("Stichtag: %(msg)s", msg=message), "error")
        return redirect(url_for("cases.case", case_id=case.id, _anchor="panel-rules"))
    on = form.as_of.data
    try:
        row = service.evaluate_case(actor, case, on, trigger="what_if" if on else "manual")
        flash(_("Voraussetzungen geprüft: %(outcome)s", outcome=engine.OUTCOME_LABELS[row.outcome]), "success")
    except service.EvaluationError as exc:
        flash(str(exc), "error")
    return redirect(url_for("cases.case", case_id=case.id, _anchor="panel-rules"))


@bp.route("/rules/evaluations/<int:evaluation_id>.json")
def evaluation_json(evaluation_id: int) -> Any:
    """A stored snapshot (rule version and hash, raw record, facts, result) to reproduce a proposal."""
    row = service.get_evaluation(_actor(), evaluation_id)
    return jsonify({"id": row.id, "case_id": row.case_id, "at": row.at.isoformat(), "trigger": row.trigger,
                    "facts": row.facts, "result": row.result})


@bp.route("/rules/compare")
def compare() -> Any:
    actor = _actor()
    require_role(actor, *service.COMPARE_ROLES)
    choices = service.version_choices()
    form = CompareForm(request.args)
    form.basis.choices = [(b, b) for b in sorted(choices)]
    report, error = None, None
    if request.args and form.validate():
        try:
            report = service.compare(actor, form.basis.data, form.from_version.data.strip(),
                                     form.to_version.data.strip(), form.as_of.data)
        except service.EvaluationError as exc:
            error = str(exc)
    return render_template("rules/compare.html", form=form, versions=choices, report=report, error=error,
                           labels=LABELS)


@bp.app_template_filter("date_iso_de")
def _date_iso_de(value: str | None) -> str:
    """An ISO date string from a stored result as TT.MM.JJJJ."""
    return format_de(dt.date.fromisoformat(value)) if value else ""
