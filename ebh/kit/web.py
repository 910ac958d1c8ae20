"""View helpers shared by every blueprint: the acting user and the one way to refuse a form."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import flash
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField

from ebh.extensions import db
from ebh.kit.errors import UserError

#: HTTP status of a page re-rendered because its form was refused (bad input or a refused action).
FORM_REFUSED = 422


def current_actor() -> Any:
    """The logged-in user as a plain object, to hand to a service (services check role and office)."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


def show_error(form: FlaskForm, error: UserError, aliases: Mapping[str, str] | None = None) -> None:
    """Roll back and put ``error`` on the form field it names, or flash it when the form has no such field.

    ``aliases`` maps a service field name to the form field name where they differ.
    """
    db.session.rollback()
    name = (aliases or {}).get(error.field or "", error.field or "")
    field = getattr(form, name, None) if name else None
    if field is not None and not isinstance(field, HiddenField):
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
