from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Benutzername"), validators=[DataRequired(_l("Bitte Benutzernamen angeben.")), Length(max=80)])
    password = PasswordField(_l("Passwort"), validators=[DataRequired(_l("Bitte Passwort angeben.")), Length(max=128)])


class LogoutForm(FlaskForm):
    """Empty form: logout is a POST carrying the CSRF token."""
