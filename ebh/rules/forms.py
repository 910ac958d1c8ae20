"""Forms of the rules domain (German labels, CSRF through Flask-WTF)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Optional


class EvaluateForm(FlaskForm):
    """Re-evaluate the case now, or "what if" on another date (the law in force then applies)."""

    as_of = DateField(_l("Stichtag (was wäre, wenn)"), validators=[Optional()],
                      description=_l("leer = heute"))


class CompareForm(FlaskForm):
    class Meta:
        csrf = False  # a GET report form; it changes nothing

    basis = SelectField(_l("Rechtsgrundlage"), validators=[DataRequired()])
    from_version = StringField(_l("Von Fassung"), validators=[DataRequired()])
    to_version = StringField(_l("Zu Fassung"), validators=[DataRequired()])
    as_of = DateField(_l("Stichtag"), validators=[Optional()])
