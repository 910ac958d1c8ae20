"""Login, logout, the own account and user administration (admins, own office only).

Views are thin: load through the service first (access checks, 404 for other offices), then
validate the form, call the service, and put a service error on the field it names.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ebh.audit.service import record
from ebh.auth import service, sessions
from ebh.auth.access import ADMIN_ROLES, require_role
from ebh.auth.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
)
from ebh.auth.models import Role, User

bp = Blueprint("auth", __name__)

#: A local path: one leading slash, no second slash or backslash after it, nothing a browser would
#: strip or reinterpret (control characters, whitespace). Anything else is ignored (open redirect).
_SAFE_NEXT = re.compile(r"^/(?![/\\])[^\s\\\x00-\x1f\x7f]*$")


def safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login (ASVS 3.7.2: no open redirect)."""
    if target and len(target) <= 2000 and _SAFE_NEXT.match(target):
        return target
    return url_for("cases.index")


def unauthorized() -> Any:
    """Anonymous request to a protected endpoint: 401 for the API, else the login page with ``next``."""
    if request.path.startswith("/api/"):
        return {"error": "Unauthorized", "message": _("Bitte melden Sie sich an.")}, 401
    flash(_("Bitte melden Sie sich an."), "info")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))


def _apply_error(form: FlaskForm, exc: service.AccountError) -> None:
    """Show a service error on its form field, or as a page message when the form has no such field."""
    field = getattr(form, exc.field, None)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, str(exc)]
    else:
        flash(str(exc), "error")


# --- login and logout -------------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.username.data, form.password.data)
        except service.LoginThrottled as exc:
            flash(str(exc), "error")
            return render_template("auth/login.html", form=form), 429
        if user is None:
            flash(_("Benutzername oder Passwort ist falsch."), "error")
            return render_template("auth/login.html", form=form), 401
        sessions.start_session(user)
        return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), 400 if form.errors else 200


@bp.route("/logout", methods=["POST"])
def logout():
    """POST only, with CSRF token (checked app-wide): revokes the server-side session."""
    record(current_user, "logout", "user", current_user.id, summary="Abmeldung")
    sessions.end_session()
    flash(_("Sie wurden abgemeldet."), "info")
    return redirect(url_for("auth.login"))


# --- own account ------------------------------------------------------------------------------


def _render_account(password_form: PasswordChangeForm | None = None, status: int = 200):
    user = current_user._get_current_object()
    return render_template(
        "auth/account.html",
        user=user,
        sessions=service.sessions_of(user, user),
        current_session=sessions.current_session(),
        password_form=password_form or PasswordChangeForm(),
    ), status


@bp.route("/account")
def account():
    return _render_account()


@bp.route("/account/password", methods=["POST"])
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            ended = service.change_own_password(current_user, form.current_password.data, form.password.data)
        except service.AccountError as exc:
            _apply_error(form, exc)
        else:
            flash(_("Ihr Passwort wurde geändert. %(n)d andere Sitzung(en) wurden beendet.", n=ended), "success")
            return redirect(url_for("auth.account"))
    return _render_account(form, 400)


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
def end_own_session(session_id: int):
    service.end_user_session(current_user, current_user, session_id)
    flash(_("Die Sitzung wurde beendet."), "success")
    return redirect(url_for("auth.account"))


# --- user administration (admins of the own office) ---------------------------------------------


@bp.route("/admin/users")
def users():
    return render_template("auth/users.html", users=service.list_users(current_user))


@bp.route("/admin/users/new", methods=["GET", "POST"])
def new_user():
    require_role(current_user, *ADMIN_ROLES)
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = service.create_user(
                current_user,
                office=current_user.office,
                username=form.username.data,
                display_name=form.display_name.data,
                role=Role(form.role.data),
                password=form.password.data,
                email=form.email.data or "",
            )
        except service.AccountError as exc:
            _apply_error(form, exc)
        else:
            flash(_("Der Benutzer %(name)s wurde angelegt.", name=user.username), "success")
            return redirect(url_for("auth.user_detail", user_id=user.id))
    return render_template("auth/user_new.html", form=form), 400 if form.is_submitted() else 200


def _render_user(user: User, *, edit_form: UserEditForm | None = None,
                 password_form: PasswordResetForm | None = None, status: int = 200):
    return render_template(
        "auth/user_detail.html",
        user=user,
        sessions=service.sessions_of(current_user, user),
        current_session=sessions.current_session(),
        edit_form=edit_form or UserEditForm(obj=user, role=user.role.value, formdata=None),
        password_form=password_form or PasswordResetForm(formdata=None),
    ), status


@bp.route("/admin/users/<int:user_id>")
def user_detail(user_id: int):
    return _render_user(service.get_user(current_user, user_id))


@bp.route("/admin/users/<int:user_id>/edit", methods=["POST"])
def edit_user(user_id: int):
    user = service.get_user(current_user, user_id)
    form = UserEditForm()
    if form.validate_on_submit():
        try:
            service.update_user(current_user, user, display_name=form.display_name.data,
                                email=form.email.data or "", role=Role(form.role.data))
        except service.AccountError as exc:
            _apply_error(form, exc)
        else:
            flash(_("Die Angaben wurden gespeichert."), "success")
            return redirect(url_for("auth.user_detail", user_id=user.id))
    return _render_user(user, edit_form=form, status=400)


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
def reset_password(user_id: int):
    user = service.get_user(current_user, user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            ended = service.reset_password(current_user, user, form.password.data)
        except service.AccountError as exc:
            _apply_error(form, exc)
        else:
            flash(_("Das Passwort wurde zurückgesetzt; %(n)d Sitzung(en) wurden beendet.", n=ended), "success")
            return redirect(url_for("auth.user_detail", user_id=user.id))
    return _render_user(user, password_form=form, status=400)


def _set_active(user_id: int, active: bool):
    user = service.get_user(current_user, user_id)
    try:
        service.set_active(current_user, user, active)
    except service.AccountError as exc:
        flash(str(exc), "error")
        return _render_user(user, status=400)
    flash(_("Der Benutzer wurde aktiviert.") if active else
          _("Der Benutzer wurde deaktiviert; alle Sitzungen wurden beendet."), "success")
    return redirect(url_for("auth.user_detail", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/disable", methods=["POST"])
def disable_user(user_id: int):
    return _set_active(user_id, False)


@bp.route("/admin/users/<int:user_id>/enable", methods=["POST"])
def enable_user(user_id: int):
    return _set_active(user_id, True)


@bp.route("/admin/users/<int:user_id>/sessions/<int:session_id>/end", methods=["POST"])
def end_user_session(user_id: int, session_id: int):
    user = service.get_user(current_user, user_id)
    service.end_user_session(current_user, user, session_id)
    flash(_("Die Sitzung wurde beendet."), "success")
    return redirect(url_for("auth.user_detail", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/sessions/end", methods=["POST"])
def end_all_user_sessions(user_id: int):
    user = service.get_user(current_user, user_id)
    ended = service.end_all_sessions(current_user, user)
    flash(_("%(n)d Sitzung(en) wurden beendet.", n=ended), "success")
    return redirect(url_for("auth.user_detail", user_id=user.id))
