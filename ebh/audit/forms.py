"""The audit search form (GET, no CSRF token: it changes nothing)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError


class AuditSearchForm(FlaskForm):
    class Meta:
        csrf = False

    user = SelectField(_l("Benutzer"), coerce=str, validators=[Optional()], default="")
    action = SelectField(_l("Aktion"), coerce=str, validators=[Optional()], default="")
    date_from = DateField(_l("von"), validators=[Optional()])
    date_to = DateField(_l("bis"), validators=[Optional()])

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("Das Enddatum liegt vor dem Anfangsdatum."))
