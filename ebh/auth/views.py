from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ebh.audit.service import record
from ebh.auth import service, sessions
from ebh.auth.forms import LoginForm, LogoutForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths are followed after login (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("cases.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("cases.index"))
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
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if LogoutForm().validate_on_submit():
        record(current_user, "logout", "user", current_user.id, summary="Abmeldung")
        sessions.end_session()
        flash(_("Sie wurden abgemeldet."), "info")
    return redirect(url_for("auth.login"))
