"""Forms of the deadlines domain: shape only; the services check dates and reasons."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ebh.cases.forms import GermanDateField

_REASON = _l("Bitte einen Grund angeben.")


class WiedervorlageForm(FlaskForm):
    due_on = GermanDateField(_l("Wiedervorlage am"), validators=[InputRequired(_l("Bitte ein Datum angeben."))])
    note = StringField(_l("Anlass (ohne Namen)"), validators=[Optional(), Length(max=200)])
    user_id = SelectField(_l("Erinnern"), coerce=int, validators=[Optional()], validate_choice=True)
    next = HiddenField()


class DoneForm(FlaskForm):
    reason = StringField(_l("Erledigt, weil"), validators=[DataRequired(_REASON), Length(max=500)])
    next = HiddenField()


class SnoozeForm(FlaskForm):
    until = GermanDateField(_l("Zurückstellen bis"), validators=[InputRequired(_l("Bitte ein Datum angeben."))])
    reason = StringField(_l("Grund"), validators=[DataRequired(_REASON), Length(max=500)])
    next = HiddenField()


class EmailModeForm(FlaskForm):
    email_mode = SelectField(
        _l("Erinnerungen per E-Mail"),
        choices=lambda: [SelectChoice("each", str(_l("einzeln zur Erinnerungszeit"))),
                         SelectChoice("digest", str(_l("als tägliche Übersicht"))),
                         SelectChoice("off", str(_l("keine E-Mails (nur Posteingang und Kalender)")))],
    )


class ClosingDayForm(FlaskForm):
    day = GermanDateField(_l("Schließtag"), validators=[InputRequired(_l("Bitte ein Datum angeben."))])
    reason = StringField(_l("Anlass"), validators=[Optional(), Length(max=200)])


class ClosingDayImportForm(FlaskForm):
    lines = TextAreaField(_l("Schließtage (eine Zeile je Tag: TT.MM.JJJJ;Anlass)"),
                          validators=[DataRequired(_l("Bitte mindestens eine Zeile angeben.")), Length(max=20000)])


class EmptyForm(FlaskForm):
    """CSRF only (revoke, retry, delete buttons)."""
