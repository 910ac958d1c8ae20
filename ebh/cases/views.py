"""Web pages of the cases domain. Thin: parse the form, call the service, render or redirect.

A service :class:`~ebh.cases.service.ValidationError` is shown on the form field it names; the page is
rendered again with status 422, so the request's transaction is rolled back and nothing is stored.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import HiddenField

from ebh.auth.access import CASE_ROLES
from ebh.cases import catalog, forms, raw_facts, service, workflow
from ebh.cases.models import CaseDocument, Fee, SecurityCheck
from ebh.cases.search import (
    SORTS,
    CaseQuery,
    Page,
    SearchError,
    case_type_choices,
    search_cases,
    search_persons,
)
from ebh.extensions import db
from ebh.web import CasePanel, nav_items

bp = Blueprint("cases", __name__)

#: Service field name → form field name where they differ.
_FIELD_ALIASES = {"amount_cents": "amount", "reduction_cents": "reduction",
                  "monthly_net_income_cents": "monthly_net_income"}


def _actor() -> Any:
    return current_user._get_current_object()


def _show_error(form: FlaskForm, error: service.ValidationError) -> None:
    """Put the service's message on the named field, or flash it if the form has no such field."""
    db.session.rollback()
    name = _FIELD_ALIASES.get(error.field or "", error.field or "")
    field = getattr(form, name, None) if name else None
    if field is not None and not isinstance(field, HiddenField):
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")


def _unbound(form_class: type[FlaskForm], **kwargs: Any) -> FlaskForm:
    """A form not bound to the current POST data (the other forms on a re-rendered page)."""
    return form_class(formdata=None, **kwargs)


def _owner(model: type, row_id: int, attribute: str) -> int:
    row = db.session.get(model, row_id)
    if row is None:
        abort(404)
    return getattr(row, attribute)


@bp.app_template_global()
def render_case_panel(panel: CasePanel, case: Any) -> Markup:
    """Render a panel of another domain with ``case``, ``panel`` and the keys of its context."""
    context = panel.context(_actor(), case)
    return Markup(render_template(panel.template, **{"case": case, "panel": panel, **context}))


@bp.app_template_filter("euro")
def _euro(cents: int | None) -> str:
    if cents is None:
        return ""
    euros = f"{cents // 100:,}".replace(",", ".")
    return f"{euros},{cents % 100:02d} €"


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {
        "status_label": workflow.status_label,
        "case_type_label": lambda t: str(catalog.CASE_TYPE_LABELS.get(t, t)),
        "document_title": catalog.document_title,
        "residence_label": lambda s: str(catalog.RESIDENCE_STATUS_LABELS.get(getattr(s, "value", s), s)),
        "relation_label": lambda r: str(catalog.RELATION_LABELS.get(getattr(r, "value", r), r)),
        "check_title": lambda k: str(catalog.SECURITY_CHECK_KINDS[k].title) if k in catalog.SECURITY_CHECK_KINDS else k,
        "check_result": lambda r: str(catalog.SECURITY_CHECK_RESULTS.get(r, r)),
    }


# --------------------------------------------------------------------------- case list


@bp.route("/")
def index() -> Any:
    actor = _actor()
    if actor.role not in CASE_ROLES:
        items = nav_items()
        if items:
            return redirect(url_for(items[0].endpoint))
        abort(403)
    args = request.args
    query = CaseQuery(
        q=args.get("q", "")[:200], status=args.get("status", ""), case_type=args.get("case_type", ""),
        assigned_to=args.get("assigned_to", ""), overdue=args.get("overdue") == "1",
        sort=args.get("sort", ""), direction=args.get("direction", ""),
        page=args.get("page", 1, type=int) or 1, per_page=current_app.config["PAGE_SIZE"],
    )
    persons: list[Any] = []
    error = None
    try:
        page = search_cases(actor, query)
        if query.q:
            persons = search_persons(actor, query.q)
    except SearchError as exc:
        error = exc.message
        page = Page([], 1, query.per_page, False, 0, False)
    params = {k: v for k, v in args.items() if k != "page" and v}
    return render_template(
        "cases/index.html", page=page, query=query, persons=persons, error=error, params=params,
        statuses=workflow.all_statuses(), case_types=case_type_choices(), sorts=SORTS,
        caseworkers=service.office_caseworkers(actor), today=dt.date.today(),
    )


# --------------------------------------------------------------------------- persons


@bp.route("/persons/new", methods=["GET", "POST"])
def new_person() -> Any:
    actor = _actor()
    service.require_case_role(actor)
    form = forms.PersonForm()
    relative = None
    relative_id = request.values.get("relative_of", type=int)
    if relative_id:
        relative = service.get_person(actor, relative_id)
    if request.method == "GET":
        form.relative_of.data = relative.id if relative else ""
        form.relation.data = request.args.get("relation", "")
    elif form.validate_on_submit():
        try:
            person = service.create_person(actor, form.service_data())
            if relative is not None:
                service.add_family_link(actor, relative.id, person.id, form.relation.data or "child")
            flash(_("Person %(id)s wurde angelegt.", id=person.id), "success")
            return redirect(url_for("cases.person", person_id=person.id))
        except service.ValidationError as exc:
            _show_error(form, exc)
            relative = service.get_person(actor, relative_id) if relative_id else None
    status = 422 if request.method == "POST" else 200
    return render_template("cases/person_form.html", form=form, person=None, relative=relative,
                           relation=form.relation.data), status


@bp.route("/persons/<int:person_id>/edit", methods=["GET", "POST"])
def edit_person(person_id: int) -> Any:
    actor = _actor()
    person = service.get_person(actor, person_id)
    form = forms.PersonForm()
    if request.method == "GET":
        form.fill(person)
    elif form.validate_on_submit():
        try:
            service.update_person(actor, person_id, form.service_data(), version=form.version.data)
            flash(_("Die Änderungen wurden gespeichert."), "success")
            return redirect(url_for("cases.person", person_id=person_id))
        except service.ValidationError as exc:
            _show_error(form, exc)
            person = service.get_person(actor, person_id)
    status = 422 if request.method == "POST" else 200
    return render_template("cases/person_form.html", form=form, person=person, relative=None), status


@bp.route("/persons/<int:person_id>")
def person(person_id: int) -> Any:
    return _render_person(person_id)


def _render_person(person_id: int, overrides: dict[str, FlaskForm] | None = None, status: int = 200) -> Any:
    actor = _actor()
    person = service.get_person(actor, person_id)
    overrides = overrides or {}
    record_forms = {kind: overrides.get(kind) or _unbound(cls) for kind, cls in forms.RECORD_FORMS.items()}
    link_form = overrides.get("family") or _unbound(forms.FamilyLinkForm)
    records = {
        "residence": person.residence_periods,
        "language": person.language_certificates,
        "civic_test": person.civic_tests,
        "conviction": person.convictions,
        "school": person.school_records,
    }
    return render_template(
        "cases/person.html", person=person, record_forms=record_forms, link_form=link_form, records=records,
        record_kinds=service.RECORD_KINDS, record_routes=RECORD_ROUTES, today=dt.date.today(),
        raw_facts=raw_facts.RAW_FACTS,
    ), status


@bp.route("/persons/<int:person_id>/family", methods=["POST"])
def add_family_link(person_id: int) -> Any:
    actor = _actor()
    form = forms.FamilyLinkForm()
    if form.validate_on_submit():
        try:
            service.add_family_link(actor, person_id, form.relative_id.data, form.relation.data,
                                    form.same_household.data)
            flash(_("Die Familienverknüpfung wurde angelegt."), "success")
            return redirect(url_for("cases.person", person_id=person_id, _anchor="family"))
        except service.ValidationError as exc:
            _show_error(form, exc)
    return _render_person(person_id, {"family": form}, 422)


@bp.route("/family-links/<int:link_id>/delete", methods=["POST"])
def remove_family_link(link_id: int) -> Any:
    from ebh.cases.models import FamilyLink

    person_id = _owner(FamilyLink, link_id, "person_id")
    if FlaskForm().validate_on_submit():
        service.remove_family_link(_actor(), link_id)
        flash(_("Die Familienverknüpfung wurde entfernt."), "success")
    return redirect(url_for("cases.person", person_id=person_id, _anchor="family"))


#: Person record kind → (URL segment, id parameter name).
RECORD_ROUTES = {
    "residence": ("residence-periods", "period_id"),
    "language": ("language-certificates", "certificate_id"),
    "civic_test": ("civic-tests", "test_id"),
    "conviction": ("convictions", "conviction_id"),
    "school": ("school-records", "school_record_id"),
}


def _register_record_routes(kind: str, segment: str, param: str) -> None:
    """Add / edit / delete routes of one kind of person record (residence periods, certificates, ...)."""
    spec = service.RECORD_KINDS[kind]
    form_class = forms.RECORD_FORMS[kind]

    def add(person_id: int) -> Any:
        form = form_class()
        if form.validate_on_submit():
            try:
                service.add_record(_actor(), person_id, kind, forms.record_data(form))
                flash(_("%(what)s wurde gespeichert.", what=spec.label), "success")
                return redirect(url_for("cases.person", person_id=person_id, _anchor=kind))
            except service.ValidationError as exc:
                _show_error(form, exc)
        return _render_person(person_id, {kind: form}, 422)

    def edit(**kwargs: int) -> Any:
        record_id = kwargs[param]
        actor = _actor()
        row = service.get_record(actor, kind, record_id)
        person_id = row.person_id
        form = form_class(obj=row) if request.method == "GET" else form_class()
        if request.method == "POST" and form.validate_on_submit():
            try:
                service.update_record(actor, kind, record_id, forms.record_data(form))
                flash(_("%(what)s wurde gespeichert.", what=spec.label), "success")
                return redirect(url_for("cases.person", person_id=person_id, _anchor=kind))
            except service.ValidationError as exc:
                _show_error(form, exc)
        person = service.get_person(actor, person_id)
        status = 422 if request.method == "POST" else 200
        return render_template("cases/record_form.html", form=form, person=person, title=spec.label,
                               action=request.path), status

    def delete(**kwargs: int) -> Any:
        record_id = kwargs[param]
        row = service.get_record(_actor(), kind, record_id)
        person_id = row.person_id
        if FlaskForm().validate_on_submit():
            service.delete_record(_actor(), kind, record_id)
            flash(_("%(what)s wurde gelöscht.", what=spec.label), "success")
        return redirect(url_for("cases.person", person_id=person_id, _anchor=kind))

    bp.add_url_rule(f"/persons/<int:person_id>/{segment}", f"add_{kind}", add, methods=["POST"])
    bp.add_url_rule(f"/{segment}/<int:{param}>/edit", f"edit_{kind}", edit, methods=["GET", "POST"])
    bp.add_url_rule(f"/{segment}/<int:{param}>/delete", f"delete_{kind}", delete, methods=["POST"])


for _kind, (_segment, _param) in RECORD_ROUTES.items():
    _register_record_routes(_kind, _segment, _param)


@bp.route("/persons/<int:person_id>/livelihood", methods=["GET", "POST"])
def livelihood(person_id: int) -> Any:
    actor = _actor()
    person = service.get_person(actor, person_id)
    form = forms.LivelihoodForm()
    if request.method == "GET":
        current = person.livelihood
        if current is not None:
            form = forms.LivelihoodForm(obj=current)
            form.monthly_net_income.data = current.monthly_net_income_cents
        else:
            form.assessed_on.data = dt.date.today()
    elif form.validate_on_submit():
        try:
            service.set_livelihood(actor, person_id, form.service_data())
            flash(_("Der Lebensunterhalt wurde gespeichert."), "success")
            return redirect(url_for("cases.person", person_id=person_id, _anchor="livelihood"))
        except service.ValidationError as exc:
            _show_error(form, exc)
            person = service.get_person(actor, person_id)
    status = 422 if request.method == "POST" else 200
    return render_template("cases/record_form.html", form=form, person=person, title=_("Lebensunterhalt"),
                           action=request.path), status


# --------------------------------------------------------------------------- cases


@bp.route("/persons/<int:person_id>/cases/new", methods=["GET", "POST"])
def new_case(person_id: int) -> Any:
    actor = _actor()
    person = service.get_person(actor, person_id)
    form = forms.CaseForm()
    _case_form_choices(actor, person, form)
    if request.method == "GET":
        form.received_on.data = dt.date.today()
        form.assigned_to_id.data = actor.id
    elif form.validate_on_submit():
        try:
            case = service.create_case(actor, person_id, form.case_type.data, form.received_on.data,
                                       form.assigned_to_id.data or None, form.co_applicants.data or [])
            flash(_("Fall %(number)s wurde angelegt.", number=case.file_number), "success")
            return redirect(url_for("cases.case", case_id=case.id))
        except service.ValidationError as exc:
            _show_error(form, exc)
            person = service.get_person(actor, person_id)
            _case_form_choices(actor, person, form)
    status = 422 if request.method == "POST" else 200
    return render_template("cases/case_new.html", form=form, person=person), status


def _case_form_choices(actor: Any, person: Any, form: forms.CaseForm) -> None:
    form.assigned_to_id.choices = forms.choices([(0, _("– nicht zugewiesen –"))] + [
        (u.id, u.display_name) for u in service.office_caseworkers(actor)
    ])
    form.co_applicants.choices = forms.choices([
        (link.relative_id,
         f"{link.relative.full_name} ({catalog.RELATION_LABELS[link.relation.value]}"
         + (f", {link.relative.date_of_birth:%d.%m.%Y})" if link.relative.date_of_birth else ")"))
        for link in person.family_links
    ])


@bp.route("/cases/<int:case_id>")
def case(case_id: int) -> Any:
    return _render_case(case_id)


def _render_case(case_id: int, overrides: dict[str, FlaskForm] | None = None, status: int = 200) -> Any:
    actor = _actor()
    case = service.get_case(actor, case_id)
    overrides = overrides or {}
    wf = workflow.workflow_for(case.family)
    status_form = overrides.get("status") or _unbound(forms.StatusForm)
    status_form.to_status.choices = forms.choices([(s.key, str(s.label)) for s in wf.allowed(case.status)])
    assign_form = overrides.get("assign") or _unbound(forms.AssignForm, data={"assigned_to_id": case.assigned_to_id or 0})
    assign_form.assigned_to_id.choices = forms.choices([(0, _("– nicht zugewiesen –"))] + [
        (u.id, u.display_name) for u in service.office_caseworkers(actor)
    ])
    for form in (status_form, assign_form):
        form.version.data = case.version
    age = catalog.age_on(case.person.date_of_birth, case.received_on)
    requested_kinds = {c.kind for c in case.security_checks}
    missing_checks = [k for k in catalog.required_security_checks(case.case_type, age) if k not in requested_kinds]
    line = service.timeline(actor, case.id)
    return render_template(
        "cases/case.html", case=case, wf=wf, status_form=status_form, assign_form=assign_form,
        note_form=overrides.get("note") or _unbound(forms.NoteForm),
        add_document_form=overrides.get("add_document") or _unbound(forms.AddDocumentForm),
        fee_form=overrides.get("fee") or _unbound(forms.FeeForm),
        check_form=overrides.get("check") or _unbound(forms.SecurityCheckForm),
        row_forms=overrides, request_form=_unbound(forms.RequestDocumentForm),
        receive_form=_unbound(forms.ReceiveDocumentForm), reduce_form=_unbound(forms.ReduceFeeForm),
        pay_form=_unbound(forms.PayFeeForm), answer_form=_unbound(forms.AnswerCheckForm),
        missing_checks=missing_checks, timeline=line, age=age, today=dt.date.today(),
    ), status


def _case_action(case_id: int, key: str, form: FlaskForm, call: Any, message: str, anchor: str) -> Any:
    """Validate ``form``, run ``call(form)``; redirect to the case page or render it with the error (422)."""
    if form.validate_on_submit():
        try:
            call(form)
            flash(message, "success")
            return redirect(url_for("cases.case", case_id=case_id, _anchor=anchor))
        except service.ValidationError as exc:
            _show_error(form, exc)
    return _render_case(case_id, {key: form}, 422)


@bp.route("/cases/<int:case_id>/status", methods=["POST"])
def change_status(case_id: int) -> Any:
    form = forms.StatusForm()
    return _case_action(
        case_id, "status", form,
        lambda f: service.change_status(_actor(), case_id, f.to_status.data, reason=f.reason.data or "",
                                        decided_on=f.decided_on.data, version=f.version.data),
        _("Der Status wurde geändert."), "status",
    )


@bp.route("/cases/<int:case_id>/assign", methods=["POST"])
def assign(case_id: int) -> Any:
    form = forms.AssignForm()
    return _case_action(
        case_id, "assign", form,
        lambda f: service.assign_case(_actor(), case_id, f.assigned_to_id.data or None, version=f.version.data),
        _("Die Zuständigkeit wurde gespeichert."), "status",
    )


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
def edit_case(case_id: int) -> Any:
    actor = _actor()
    case = service.get_case(actor, case_id)
    form = forms.CaseDetailsForm()
    if request.method == "GET":
        form = forms.CaseDetailsForm(obj=case)
        form.version.data = case.version
    elif form.validate_on_submit():
        try:
            data = {k: v for k, v in form.data.items() if k not in ("csrf_token", "version")}
            service.update_case(actor, case_id, data, version=form.version.data)
            flash(_("Die Änderungen wurden gespeichert."), "success")
            return redirect(url_for("cases.case", case_id=case_id))
        except service.ValidationError as exc:
            _show_error(form, exc)
            case = service.get_case(actor, case_id)
    status = 422 if request.method == "POST" else 200
    return render_template("cases/record_form.html", form=form, person=case.person, case=case,
                           title=_("Falldaten"), action=request.path), status


@bp.route("/cases/<int:case_id>/documents", methods=["POST"])
def add_document(case_id: int) -> Any:
    form = forms.AddDocumentForm()
    return _case_action(
        case_id, "add_document", form,
        lambda f: service.add_document(_actor(), case_id, f.document_type.data, f.remark.data or ""),
        _("Das Dokument wurde zur Checkliste hinzugefügt."), "documents",
    )


@bp.route("/documents/<int:document_id>/request", methods=["POST"])
def request_document(document_id: int) -> Any:
    case_id = _owner(CaseDocument, document_id, "case_id")
    form = forms.RequestDocumentForm()
    return _case_action(
        case_id, f"request-{document_id}", form,
        lambda f: service.request_document(_actor(), document_id, f.deadline.data),
        _("Das Dokument wurde angefordert."), f"document-{document_id}",
    )


@bp.route("/documents/<int:document_id>/receive", methods=["POST"])
def receive_document(document_id: int) -> Any:
    case_id = _owner(CaseDocument, document_id, "case_id")
    form = forms.ReceiveDocumentForm()
    return _case_action(
        case_id, f"receive-{document_id}", form,
        lambda f: service.receive_document(_actor(), document_id, f.received_on.data, f.issued_on.data,
                                           f.valid_until.data),
        _("Der Eingang des Dokuments wurde erfasst."), f"document-{document_id}",
    )


@bp.route("/cases/<int:case_id>/fees", methods=["POST"])
def add_fee(case_id: int) -> Any:
    form = forms.FeeForm()
    return _case_action(
        case_id, "fee", form,
        lambda f: service.add_fee(_actor(), case_id, f.legal_basis.data, f.amount.data, f.due_on.data),
        _("Die Gebühr wurde festgesetzt."), "fees",
    )


@bp.route("/fees/<int:fee_id>/reduce", methods=["POST"])
def reduce_fee(fee_id: int) -> Any:
    case_id = _owner(Fee, fee_id, "case_id")
    form = forms.ReduceFeeForm()
    return _case_action(
        case_id, f"reduce-{fee_id}", form,
        lambda f: service.reduce_fee(_actor(), fee_id, f.reduction.data, f.reason.data or ""),
        _("Die Ermäßigung wurde gespeichert."), "fees",
    )


@bp.route("/fees/<int:fee_id>/pay", methods=["POST"])
def pay_fee(fee_id: int) -> Any:
    case_id = _owner(Fee, fee_id, "case_id")
    form = forms.PayFeeForm()
    return _case_action(
        case_id, f"pay-{fee_id}", form, lambda f: service.pay_fee(_actor(), fee_id, f.paid_on.data),
        _("Die Zahlung wurde erfasst."), "fees",
    )


@bp.route("/cases/<int:case_id>/security-checks", methods=["POST"])
def request_check(case_id: int) -> Any:
    form = forms.SecurityCheckForm()
    return _case_action(
        case_id, "check", form,
        lambda f: service.request_security_check(_actor(), case_id, f.kind.data, f.requested_on.data),
        _("Die Abfrage wurde erfasst."), "checks",
    )


@bp.route("/security-checks/<int:check_id>/answer", methods=["POST"])
def answer_check(check_id: int) -> Any:
    case_id = _owner(SecurityCheck, check_id, "case_id")
    form = forms.AnswerCheckForm()
    return _case_action(
        case_id, f"answer-{check_id}", form,
        lambda f: service.answer_security_check(_actor(), check_id, f.result.data, f.answered_on.data,
                                                f.remark.data or ""),
        _("Die Antwort wurde erfasst."), "checks",
    )


@bp.route("/cases/<int:case_id>/notes", methods=["POST"])
def add_note(case_id: int) -> Any:
    form = forms.NoteForm()
    return _case_action(case_id, "note", form, lambda f: service.add_note(_actor(), case_id, f.text.data),
                        _("Die Notiz wurde gespeichert."), "notes")


# --------------------------------------------------------------------------- JSON API


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


@bp.route("/api/cases/<int:case_id>")
def api_case(case_id: int) -> Any:
    """The case as JSON (same access rules and read audit as the case page)."""
    case = service.get_case(_actor(), case_id)
    person = case.person
    return jsonify({
        "id": case.id,
        "file_number": case.file_number,
        "case_type": case.case_type.value,
        "family": case.family.value,
        "status": case.status,
        "status_label": workflow.status_label(case.family, case.status),
        "allowed_transitions": [s.key for s in workflow.workflow_for(case.family).allowed(case.status)],
        "received_on": _iso(case.received_on),
        "decided_on": _iso(case.decided_on),
        "outcome": case.outcome.value if case.outcome else None,
        "due_on": _iso(case.due_on),
        "assigned_to_id": case.assigned_to_id,
        "main_case_id": case.main_case_id,
        "co_case_ids": [c.id for c in case.co_cases],
        "version": case.version,
        "person": {"id": person.id, "family_name": person.family_name, "given_names": person.given_names,
                   "date_of_birth": _iso(person.date_of_birth)},
        "documents": [
            {"id": d.id, "document_type": d.document_type, "required": d.required, "requested_on": _iso(d.requested_on),
             "deadline": _iso(d.deadline), "received_on": _iso(d.received_on), "valid_until": _iso(d.valid_until)}
            for d in case.documents
        ],
        "fees": [
            {"id": f.id, "legal_basis": f.legal_basis, "amount_cents": f.amount_cents,
             "reduction_cents": f.reduction_cents, "paid_on": _iso(f.paid_on)}
            for f in case.fees
        ],
        "security_checks": [
            {"id": c.id, "kind": c.kind, "requested_on": _iso(c.requested_on), "answered_on": _iso(c.answered_on),
             "result": c.result}
            for c in case.security_checks
        ],
    })
