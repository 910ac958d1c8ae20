"""Deadline pages: inbox, case deadlines and Wiedervorlage, supervisor overview, settings (mail mode,
iCal address), admin pages for reminder problems and closing days, and the token-protected iCal feed."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from ebh.auth.access import CASE_ROLES
from ebh.auth.models import User
from ebh.auth.views import safe_next
from ebh.cases.models import Case
from ebh.db import utcnow
from ebh.deadlines import ical, labels, service
from ebh.deadlines.forms import (
    ClosingDayForm,
    ClosingDayImportForm,
    DoneForm,
    EmailModeForm,
    EmptyForm,
    SnoozeForm,
    WiedervorlageForm,
)
from ebh.deadlines.reminders import local_today
from ebh.extensions import db

bp = Blueprint("deadlines", __name__)


def _actor() -> User:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _apply_error(form: FlaskForm, exc: service.DeadlineError) -> None:
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, str(exc)]
    else:
        flash(str(exc), "error")


def _form_errors(form: FlaskForm) -> None:
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "error")


def _office_users(actor: User) -> list[SelectChoice]:
    users = db.session.scalars(
        sa.select(User).where(User.office_id == actor.office_id, User.active.is_(True), User.role.in_(CASE_ROLES))
        .order_by(User.display_name)
    )
    return [SelectChoice(u.id, u.display_name) for u in users]


def wiedervorlage_form(actor: User, case: Case, formdata: Any = None) -> WiedervorlageForm:
    form = WiedervorlageForm(formdata=formdata)
    form.user_id.choices = _office_users(actor)
    if formdata is None:
        form.user_id.data = case.assigned_to_id or actor.id
    return form


def case_panel_context(actor: User, case: Case, *, record_read: bool = False) -> dict[str, Any]:
    """Context of the case-page panel (registered in ``init_app``)."""
    return {
        "deadlines": service.case_deadlines(actor, case, record_read=record_read),
        "wv_form": wiedervorlage_form(actor, case),
        "case": case,
        "labels": labels,
        "today": local_today(utcnow()),
        "done_form": DoneForm(formdata=None),
        "snooze_form": SnoozeForm(formdata=None),
    }


# --- inbox and case deadlines -----------------------------------------------------------------------

@bp.route("/fristen")
def inbox():
    actor = _actor()
    box = service.inbox(actor)
    return render_template("deadlines/inbox.html", box=box, labels=labels, done_form=DoneForm(formdata=None),
                           snooze_form=SnoozeForm(formdata=None), today=local_today(utcnow()))


@bp.route("/cases/<int:case_id>/fristen")
def case_deadlines(case_id: int):
    actor = _actor()
    case = service.load_case(actor, case_id)
    return render_template("deadlines/case.html", **case_panel_context(actor, case, record_read=True))


@bp.route("/cases/<int:case_id>/wiedervorlage", methods=["POST"])
def add_wiedervorlage(case_id: int):
    actor = _actor()
    case = service.load_case(actor, case_id)
    form = wiedervorlage_form(actor, case, request.form)
    target = safe_next(form.next.data or url_for("deadlines.case_deadlines", case_id=case.id))
    if form.validate():
        try:
            deadline = service.add_wiedervorlage(actor, case.id, form.due_on.data, form.note.data or "",
                                                 form.user_id.data)
        except service.DeadlineError as exc:
            _apply_error(form, exc)
        else:
            flash(_("Wiedervorlage zum %(day)s gesetzt.", day=deadline.due_on.strftime("%d.%m.%Y")), "success")
            return redirect(target)
    db.session.rollback()
    _form_errors(form)
    return render_template("deadlines/case.html", **{**case_panel_context(actor, case), "wv_form": form}), 400


@bp.route("/fristen/<int:deadline_id>/erledigt", methods=["POST"])
def mark_done(deadline_id: int):
    actor = _actor()
    service.load_deadline(actor, deadline_id)  # access check (404 for other offices) before anything else
    form = DoneForm()
    return _deadline_action(form, lambda: service.mark_done(actor, deadline_id, form.reason.data),
                            _("Frist als erledigt vermerkt."))


@bp.route("/fristen/<int:deadline_id>/zurueckstellen", methods=["POST"])
def snooze(deadline_id: int):
    actor = _actor()
    service.load_deadline(actor, deadline_id)
    form = SnoozeForm()
    return _deadline_action(form, lambda: service.snooze(actor, deadline_id, form.until.data, form.reason.data),
                            _("Frist zurückgestellt."))


def _deadline_action(form: FlaskForm, action: Any, message: str):
    target = safe_next(form.next.data or url_for("deadlines.inbox"))
    if not form.validate():
        _form_errors(form)
        return redirect(target, 303)
    try:
        action()
    except service.DeadlineError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(target, 303)
    flash(message, "success")
    return redirect(target, 303)


# --- supervisor and admin ------------------------------------------------------------------------

@bp.route("/fristen/uebersicht")
def overview():
    actor = _actor()
    overdue = service.office_overdue(actor, page=request.args.get("page", 1, type=int))
    vwgo75 = service.cases_past_vwgo75(actor, page=request.args.get("page75", 1, type=int))
    return render_template("deadlines/overview.html", overdue=overdue, vwgo75=vwgo75, labels=labels,
                           today=local_today(utcnow()))


@bp.route("/admin/erinnerungen")
def reminder_problems():
    actor = _actor()
    page = service.reminder_problems(actor, page=request.args.get("page", 1, type=int))
    return render_template("deadlines/reminders_admin.html", page=page, labels=labels, form=EmptyForm())


@bp.route("/admin/erinnerungen/<int:reminder_id>/erneut", methods=["POST"])
def retry_reminder(reminder_id: int):
    actor = _actor()
    service.load_reminder(actor, reminder_id)
    form = EmptyForm()
    return _deadline_action(form, lambda: service.retry_reminder(actor, reminder_id),
                            _("Erinnerung wird erneut versendet."))


@bp.route("/admin/schliesstage", methods=["GET", "POST"])
def closing_days():
    actor = _actor()
    days = service.list_closing_days(actor)
    form = ClosingDayForm(prefix="one")
    import_form = ClosingDayImportForm(prefix="many")
    status = 200
    if request.method == "POST":
        chosen = form if "one-day" in request.form else import_form
        if chosen.validate():
            try:
                if chosen is form:
                    entries = [(form.day.data, form.reason.data or "")]
                else:
                    entries = service.parse_closing_days(import_form.lines.data.splitlines())
                added = service.add_closing_days(actor, entries)
            except service.DeadlineError as exc:
                db.session.rollback()
                _apply_error(chosen, exc) if chosen is form else chosen.lines.errors.append(str(exc))
            else:
                flash(_("%(n)s Schließtag(e) eingetragen; Fristen wurden neu berechnet.", n=len(added)), "success")
                return redirect(url_for("deadlines.closing_days"), 303)
        status = 400
        days = service.list_closing_days(actor)
    return render_template("deadlines/closing_days.html", days=days, form=form, import_form=import_form,
                           delete_form=EmptyForm()), status


@bp.route("/admin/schliesstage/<int:closing_day_id>/loeschen", methods=["POST"])
def delete_closing_day(closing_day_id: int):
    actor = _actor()
    service.load_closing_day(actor, closing_day_id)
    form = EmptyForm()
    if form.validate():
        service.delete_closing_day(actor, closing_day_id)
        flash(_("Schließtag entfernt; Fristen wurden neu berechnet."), "success")
    return redirect(url_for("deadlines.closing_days"), 303)


# --- settings and iCal ------------------------------------------------------------------------------

@bp.route("/fristen/einstellungen", methods=["GET", "POST"])
def settings():
    actor = _actor()
    service.require_case_role(actor)
    form = EmailModeForm()
    if request.method == "POST" and form.validate():
        try:
            service.set_email_mode(actor, form.email_mode.data)
        except service.DeadlineError as exc:
            _apply_error(form, exc)
        else:
            flash(_("Einstellung gespeichert."), "success")
            return redirect(url_for("deadlines.settings"), 303)
    elif request.method == "GET":
        form.email_mode.data = service.email_mode(actor).value
    return render_template("deadlines/settings.html", form=form, token=service.active_feed_token(actor),
                           action_form=EmptyForm(), new_url=None)


@bp.route("/fristen/kalender/neu", methods=["POST"])
def new_feed_token():
    actor = _actor()
    form = EmptyForm()
    if not form.validate():
        return redirect(url_for("deadlines.settings"), 303)
    token = service.create_feed_token(actor)
    url = url_for("deadlines.ical_feed", token=token, _external=False)
    feed_url = current_app.config["BASE_URL"].rstrip("/") + url
    flash(_("Neue Kalender-Adresse erzeugt. Sie wird nur jetzt angezeigt; bitte in den Kalender übernehmen."), "success")
    return render_template("deadlines/settings.html", form=EmailModeForm(formdata=None, email_mode=service.email_mode(actor).value),
                           token=service.active_feed_token(actor), action_form=EmptyForm(), new_url=feed_url)


@bp.route("/fristen/kalender/widerrufen", methods=["POST"])
def revoke_feed_token():
    actor = _actor()
    form = EmptyForm()
    if form.validate():
        service.revoke_feed_tokens(actor)
        flash(_("Kalender-Adresse widerrufen."), "success")
    return redirect(url_for("deadlines.settings"), 303)


@bp.route("/fristen/ical/<token>.ics")
def ical_feed(token: str):
    """Public endpoint (calendar clients cannot log in); the secret token is the credential."""
    user = service.user_for_feed_token(token)
    if user is None:
        db.session.rollback()
        return Response("Not found\n", status=404, mimetype="text/plain")
    base_url = current_app.config["BASE_URL"].rstrip("/")
    body = ical.build_feed(service.feed_deadlines(user), base_url=base_url,
                           domain=urlsplit(base_url).hostname or "ebh", hour=int(current_app.config["REMINDER_HOUR"]))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="ebh-fristen.ics"'
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
