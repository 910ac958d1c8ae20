"""Forms of the letters domain: shape only; the services check templates, languages and inputs.

The entry fields of a template (``ceremony.date`` ...) are rendered from the field catalogue as inputs
named ``in-<field>`` and read with :func:`raw_inputs`.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import Length, Optional

from ebh.letters.fields import INPUT_FIELDS, LANGUAGES

INPUT_PREFIX = "in-"


def raw_inputs(form: MultiDict) -> dict[str, str]:
    return {f.name: form.get(INPUT_PREFIX + f.name, "") for f in INPUT_FIELDS if INPUT_PREFIX + f.name in form}


class GenerateForm(FlaskForm):
    template = HiddenField()
    language = HiddenField()


def language_choices(codes) -> list[tuple[str, str]]:
    return [(code, f"{LANGUAGES[code]} ({code})" if code == "de" else f"Deutsch + {LANGUAGES[code]} ({code})")
            for code in codes]


class BatchForm(FlaskForm):
    template = SelectField(_l("Briefvorlage"))
    language = SelectField(_l("Sprache"))
    file_numbers = TextAreaField(_l("Aktenzeichen (eines pro Zeile)"), validators=[Optional(), Length(max=200_000)])
    csv = FileField(_l("oder CSV-Datei mit Spalte person_id oder aktenzeichen"))
