"""Login, account and user-administration forms. Validation here is about shape (required, length,
repeat matches); the services enforce the rules (password policy, unique username) and their German
messages are put on the named field by the views."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ebh.auth.models import ROLE_LABELS
from ebh.auth.passwords import MAX_LENGTH

_REQUIRED = _l("Bitte ausfüllen.")


class LoginForm(FlaskForm):
    username = StringField(_l("Benutzername"), validators=[DataRequired(_l("Bitte Benutzernamen angeben.")), Length(max=80)])
    password = PasswordField(_l("Passwort"), validators=[DataRequired(_l("Bitte Passwort angeben.")), Length(max=MAX_LENGTH)])


def _new_password_fields(label=_l("Neues Passwort")):
    password = PasswordField(label, validators=[DataRequired(_REQUIRED), Length(max=MAX_LENGTH)])
    repeat = PasswordField(
        _l("Neues Passwort wiederholen"),
        validators=[DataRequired(_REQUIRED), EqualTo("password", _l("Die beiden Passwörter stimmen nicht überein."))],
    )
    return password, repeat


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, str(label)) for role, label in ROLE_LABELS.items()]


class UserEditForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(_REQUIRED), Length(max=200)])
    email = EmailField(_l("E-Mail"), validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Rolle"), choices=_role_choices, validators=[DataRequired(_REQUIRED)])


class UserCreateForm(UserEditForm):
    username = StringField(_l("Benutzername"), validators=[DataRequired(_REQUIRED), Length(max=80)])
    password, password_repeat = _new_password_fields(_l("Anfangspasswort"))


class PasswordResetForm(FlaskForm):
    password, password_repeat = _new_password_fields()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Bisheriges Passwort"), validators=[DataRequired(_REQUIRED), Length(max=MAX_LENGTH)])
    password, password_repeat = _new_password_fields()
