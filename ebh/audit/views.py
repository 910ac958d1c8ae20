"""Audit log pages: office-wide search and the trail of one case (supervisors and admins)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ebh.audit import service
from ebh.audit.forms import AuditSearchForm
from ebh.auth.access import AUDIT_ROLES, require_role
from ebh.auth.models import User
from ebh.extensions import db

bp = Blueprint("audit", __name__)


def _page_arg() -> int:
    return request.args.get("page", 1, type=int) or 1


@bp.route("/audit")
def search():
    require_role(current_user, *AUDIT_ROLES)
    form = AuditSearchForm(request.args)
    users = db.session.scalars(sa.select(User).where(User.office_id == current_user.office_id).order_by(User.username))
    everyone = SelectChoice("", _("alle"))
    form.user.choices = [everyone] + [SelectChoice(str(u.id), f"{u.display_name} ({u.username})") for u in users]
    form.action.choices = [everyone] + [SelectChoice(key, str(label)) for key, label in service.ACTION_LABELS.items()]
    if not form.validate():
        return render_template("audit/search.html", form=form, page=None, args={},
                               action_labels=service.ACTION_LABELS), 400
    page = service.search_events(
        current_user,
        user_id=int(form.user.data) if form.user.data else None,
        action=form.action.data or None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        page=_page_arg(),
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("audit/search.html", form=form, page=page, args=args, action_labels=service.ACTION_LABELS)


@bp.route("/cases/<int:case_id>/audit")
def case_log(case_id: int):
    case, page = service.case_events(current_user, case_id, page=_page_arg())
    return render_template("audit/case.html", case=case, page=page, args={"case_id": case.id},
                           action_labels=service.ACTION_LABELS)


def case_panel_context(actor, case) -> dict[str, object]:
    """The case page links to the case's audit trail for supervisors and admins."""
    allowed = getattr(actor, "role", None) in AUDIT_ROLES
    return {"audit_url": url_for("audit.case_log", case_id=case.id) if allowed else None}
