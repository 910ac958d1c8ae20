"""Forms of the cases domain. They parse and type-check input; the services validate the rest and
their :class:`~ebh.cases.service.ValidationError` is shown on the field it names."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ebh.cases import catalog, raw_facts, service
from ebh.cases.models import CaseType, Relation, ResidenceStatus


class GermanDateField(DateField):
    """A date input (``type=date``) that also accepts 17.05.1990 and says what is wrong in German."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, format=["%Y-%m-%d", "%d.%m.%Y"], **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip()
        if not text:
            self.data = None
            return
        for fmt in self.format:
            try:
                self.data = dt.datetime.strptime(text, fmt).date()
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(_l("Bitte ein gültiges Datum angeben (TT.MM.JJJJ)."))


def choices(pairs: Any) -> list[SelectChoice]:
    """Select choices from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


def _tristate(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value) in ("1", "True", "true")


class TriStateField(SelectField):
    """Yes / no / unknown (None) for the raw facts of the rules."""

    def __init__(self, label: Any = None, **kwargs: Any) -> None:
        super().__init__(label, choices=choices([("", _l("unbekannt")), ("1", _l("ja")), ("0", _l("nein"))]),
                         coerce=_tristate, validate_choice=False, **kwargs)


class EuroField(StringField):
    """An amount in euros ("255", "51,00", "1.234,56"); ``data`` is in cents."""

    _PATTERN = re.compile(r"^\d{1,3}(\.?\d{3})*(,\d{1,2})?$|^\d+(,\d{1,2})?$")

    def process_formdata(self, valuelist: list[str]) -> None:
        text = (valuelist[0] if valuelist else "").strip().replace(" ", "").replace("€", "")
        if not text:
            self.data = None
            return
        if not self._PATTERN.match(text):
            self.data = None
            raise ValueError(_l("Bitte einen Betrag in Euro angeben, z. B. 255,00."))
        euros, _sep, cents = text.replace(".", "").partition(",")
        self.data = int(euros) * 100 + int((cents + "00")[:2])

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data // 100},{self.data % 100:02d}"


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _required(message: Any) -> list[Any]:
    return [DataRequired(message)]


class VersionedForm(FlaskForm):
    """Carries the row version the form was loaded with (optimistic locking)."""

    version = HiddenField()


_SEX = choices([("x", _l("unbekannt")), ("f", _l("weiblich")), ("m", _l("männlich")), ("d", _l("divers"))])
_MARITAL = choices([("", _l("–")), ("ledig", _l("ledig")), ("verheiratet", _l("verheiratet")),
            ("geschieden", _l("geschieden")), ("verwitwet", _l("verwitwet")),
            ("lebenspartnerschaft", _l("eingetragene Lebenspartnerschaft"))])


class PersonForm(VersionedForm):
    family_name = StringField(_l("Familienname (wie im Pass)"),
                              validators=_required(_l("Bitte den Familiennamen angeben.")))
    given_names = StringField(_l("Vornamen"))
    birth_name = StringField(_l("Geburtsname"))
    native_name = StringField(_l("Name in Originalschrift"))
    aliases = TextAreaField(_l("Namensvarianten und Transliterationen (eine je Zeile: Familienname, Vornamen)"))
    date_of_birth = GermanDateField(_l("Geburtsdatum"))
    place_of_birth = StringField(_l("Geburtsort"))
    country_of_birth = StringField(_l("Geburtsland (ISO-Code, z. B. TUR)"))
    nationalities = StringField(_l("Staatsangehörigkeiten (ISO-Codes, durch Komma getrennt)"))
    sex = SelectField(_l("Geschlecht"), choices=_SEX, default="x")
    marital_status = SelectField(_l("Familienstand"), choices=_MARITAL, default="")
    street = StringField(_l("Straße und Hausnummer"))
    postcode = StringField(_l("Postleitzahl"))
    city = StringField(_l("Ort"))
    district = StringField(_l("Stadtteil"))
    preferred_language = StringField(_l("Bevorzugte Sprache (z. B. de, tr, ar)"), default="de")
    email = StringField(_l("E-Mail-Adresse"))
    phone = StringField(_l("Telefon"))
    entry_date = GermanDateField(_l("Einreisedatum"))
    # One field per raw fact (ebh.cases.raw_facts): yes/no/unknown or a date.
    locals().update({fact.name: TriStateField(fact.label) if fact.kind == raw_facts.BOOL else GermanDateField(fact.label)
                     for fact in raw_facts.RAW_FACTS})
    # Creating a relative from another person's page ("Kind anlegen").
    relative_of = HiddenField()
    relation = HiddenField()

    #: The raw fact fields, in declaration order.
    FACTS = tuple(fact.name for fact in raw_facts.RAW_FACTS)

    def fill(self, person: Any) -> None:
        """Prefill from a person (GET of the edit page)."""
        for name in service.PERSON_TEXT_FIELDS:
            getattr(self, name).data = getattr(person, name)
        for name in ("date_of_birth", "entry_date", *self.FACTS):
            getattr(self, name).data = getattr(person, name)
        self.country_of_birth.data = person.country_of_birth
        self.preferred_language.data = person.preferred_language
        self.sex.data = person.sex.value
        self.aliases.data = "\n".join(f"{a.family_name}, {a.given_names}".rstrip(", ") for a in person.aliases)
        self.nationalities.data = ", ".join(n.country for n in person.nationalities)
        self.version.data = person.version

    def service_data(self) -> dict[str, Any]:
        data = {name: getattr(self, name).data for name in service.PERSON_TEXT_FIELDS}
        for name in ("date_of_birth", "entry_date", "country_of_birth", "preferred_language", "sex", *self.FACTS):
            data[name] = getattr(self, name).data
        aliases = []
        for line in (self.aliases.data or "").splitlines():
            family, _sep, given = line.partition(",")
            if family.strip() or given.strip():
                aliases.append((family.strip(), given.strip(), "spelling"))
        data["aliases"] = aliases
        data["nationalities"] = [c for c in re.split(r"[,;\s]+", self.nationalities.data or "") if c]
        return data


class FamilyLinkForm(FlaskForm):
    relative_id = IntegerField(_l("Personennummer des Angehörigen"),
                               validators=[InputRequired(_l("Bitte die Personennummer angeben."))])
    relation = SelectField(_l("Beziehung"), choices=choices([(r.value, catalog.RELATION_LABELS[r.value]) for r in Relation]))
    same_household = BooleanField(_l("Lebt im selben Haushalt"), default=True)


class ResidenceForm(FlaskForm):
    status = SelectField(_l("Aufenthaltsstatus"),
                         choices=choices([(s.value, catalog.RESIDENCE_STATUS_LABELS[s.value]) for s in ResidenceStatus]))
    paragraph = StringField(_l("Rechtsgrundlage (z. B. § 25b AufenthG)"))
    start = GermanDateField(_l("Beginn"), validators=_required(_l("Bitte den Beginn angeben.")))
    end_date = GermanDateField(_l("Ende (leer: andauernd)"))
    valid_until = GermanDateField(_l("Dokument gültig bis"))
    document_number = StringField(_l("Dokumentennummer"))


class LanguageForm(FlaskForm):
    level = SelectField(_l("Niveau (GER)"), choices=choices([(v, v) for v in ("A1", "A2", "B1", "B2", "C1", "C2")]),
                        default="B1")
    issued_on = GermanDateField(_l("Ausgestellt am"), validators=_required(_l("Bitte das Ausstellungsdatum angeben.")))
    kind = StringField(_l("Art des Nachweises (z. B. DTZ)"))
    oral_only = BooleanField(_l("Nur mündliche Kenntnisse bescheinigt"))


class CivicTestForm(FlaskForm):
    kind = SelectField(_l("Art"), choices=choices([("einbuergerungstest", _l("Einbürgerungstest")),
                                          ("leben_in_deutschland", _l("Test „Leben in Deutschland“")),
                                          ("school_degree", _l("Deutscher Schulabschluss")),
                                          ("abh_interview", _l("Gespräch in der Ausländerbehörde (Grundkenntnisse)"))]))
    taken_on = GermanDateField(_l("Datum"), validators=_required(_l("Bitte das Testdatum angeben.")))
    score = IntegerField(_l("Richtige Antworten (von 33)"), validators=[Optional()])
    passed = BooleanField(_l("Bestanden"), default=True)


class ConvictionForm(FlaskForm):
    decided_on = GermanDateField(_l("Datum der Entscheidung"),
                                 validators=_required(_l("Bitte das Datum der Entscheidung angeben.")))
    sanction = SelectField(_l("Sanktion"), choices=choices([("fine", _l("Geldstrafe")), ("prison", _l("Freiheitsstrafe")),
                                                    ("youth_measure", _l("Erziehungsmaßregel/Zuchtmittel")),
                                                    ("youth_sentence", _l("Jugendstrafe")),
                                                    ("measure", _l("Maßregel der Besserung und Sicherung"))]))
    daily_rates = IntegerField(_l("Tagessätze"), validators=[Optional()])
    months = IntegerField(_l("Monate"), validators=[Optional()])
    suspended = BooleanField(_l("Zur Bewährung ausgesetzt"))
    remitted = BooleanField(_l("Nach Bewährungszeit erlassen"))
    inhuman_motive = BooleanField(_l("Menschenverachtender Beweggrund festgestellt (§ 12a Abs. 1 S. 2 StAG)"))
    intentional = BooleanField(_l("Vorsatztat"), default=True)
    foreigner_only_offence = BooleanField(_l("Nur von Ausländern begehbare Tat (AufenthG/AsylG)"))
    in_germany = BooleanField(_l("Verurteilung im Inland"), default=True)


class SchoolForm(FlaskForm):
    kind = SelectField(_l("Art"), choices=choices([("school", _l("Schule")), ("vocational_training", _l("Berufsausbildung")),
                                          ("university", _l("Studium")), ("qualification", _l("Abschluss"))]))
    start = GermanDateField(_l("Beginn"), validators=_required(_l("Bitte den Beginn angeben.")))
    end_date = GermanDateField(_l("Ende"))
    successful = BooleanField(_l("Erfolgreich"), default=True)


class LivelihoodForm(FlaskForm):
    assessed_on = GermanDateField(_l("Stand vom"), validators=_required(_l("Bitte das Datum angeben.")))
    receives_sgb2_sgb12 = TriStateField(_l("Bezieht Leistungen nach SGB II/XII"))
    responsible_for_benefits = TriStateField(_l("Hat den Leistungsbezug zu vertreten"))
    full_time_employed = TriStateField(_l("Vollzeit beschäftigt"))
    months_employed_last_24 = IntegerField(_l("Monate Vollzeit in den letzten 24 Monaten"), validators=[Optional()])
    secured_by_employment = TriStateField(_l("Lebensunterhalt überwiegend durch Erwerbstätigkeit gesichert"))
    self_supporting = TriStateField(_l("Kann sich und Angehörige ernähren"))
    in_education = TriStateField(_l("In Schule, Ausbildung oder Studium"))
    monthly_net_income = EuroField(_l("Monatliches Nettoeinkommen (Euro)"))

    def service_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.data.items() if k not in ("csrf_token", "monthly_net_income")}
        data["monthly_net_income_cents"] = self.monthly_net_income.data
        return data


#: Person record kind → form class (the service kinds of :data:`ebh.cases.service.RECORD_KINDS`).
RECORD_FORMS = {
    "residence": ResidenceForm,
    "language": LanguageForm,
    "civic_test": CivicTestForm,
    "conviction": ConvictionForm,
    "school": SchoolForm,
}


def record_data(form: FlaskForm) -> dict[str, Any]:
    return {k: v for k, v in form.data.items() if k != "csrf_token"}


class CaseForm(FlaskForm):
    case_type = SelectField(_l("Verfahrensart"),
                            choices=choices([(t.value, catalog.CASE_TYPE_LABELS[t]) for t in CaseType if t is not CaseType.STAG_10_2]))
    received_on = GermanDateField(_l("Antragseingang"), validators=_required(_l("Bitte das Eingangsdatum angeben.")))
    assigned_to_id = SelectField(_l("Sachbearbeitung"), coerce=int, validate_choice=False)
    co_applicants = MultiCheckboxField(_l("Mitantragsteller (Ehegatte, minderjährige Kinder)"), coerce=int,
                                       validate_choice=False)


class CaseDetailsForm(VersionedForm):
    received_on = GermanDateField(_l("Antragseingang"), validators=_required(_l("Bitte das Eingangsdatum angeben.")))
    declaration_fdgo_on = GermanDateField(_l("Bekenntnis- und Loyalitätserklärung vom"))
    declaration_historic_responsibility_on = GermanDateField(_l("Erklärung zur historischen Verantwortung vom"))
    children_school_attendance_proven = TriStateField(_l("Schulbesuch der Kinder nachgewiesen (§ 25b Abs. 1 Nr. 5)"))


class StatusForm(VersionedForm):
    to_status = SelectField(_l("Neuer Status"), validate_choice=False)
    reason = TextAreaField(_l("Begründung (bei Ablehnung Pflicht)"))
    decided_on = GermanDateField(_l("Entscheidungsdatum (bei Entscheidung; leer: heute)"))


class AssignForm(VersionedForm):
    assigned_to_id = SelectField(_l("Sachbearbeitung"), coerce=int, validate_choice=False)


class AddDocumentForm(FlaskForm):
    document_type = SelectField(_l("Dokument"), choices=choices([(k, d.title) for k, d in catalog.DOCUMENT_TYPES.items()]))
    remark = StringField(_l("Bemerkung"))


class RequestDocumentForm(FlaskForm):
    deadline = GermanDateField(_l("Frist"), validators=_required(_l("Bitte eine Frist angeben.")))


class ReceiveDocumentForm(FlaskForm):
    received_on = GermanDateField(_l("Eingegangen am (leer: heute)"))
    issued_on = GermanDateField(_l("Ausgestellt am"))
    valid_until = GermanDateField(_l("Gültig bis"))


class FeeForm(FlaskForm):
    legal_basis = StringField(_l("Rechtsgrundlage (AufenthV)"),
                              validators=_required(_l("Bitte die Rechtsgrundlage angeben.")))
    amount = EuroField(_l("Betrag (Euro)"), validators=[InputRequired(_l("Bitte einen Betrag angeben."))])
    due_on = GermanDateField(_l("Fällig am"))


class ReduceFeeForm(FlaskForm):
    reduction = EuroField(_l("Ermäßigung (Euro; voller Betrag = Befreiung)"),
                          validators=[InputRequired(_l("Bitte den Ermäßigungsbetrag angeben."))])
    reason = StringField(_l("Begründung (§ 38 Abs. 4 StAG)"))


class PayFeeForm(FlaskForm):
    paid_on = GermanDateField(_l("Bezahlt am (leer: heute)"))


class SecurityCheckForm(FlaskForm):
    kind = SelectField(_l("Abfrage"), choices=choices([(k, v.title) for k, v in catalog.SECURITY_CHECK_KINDS.items()]))
    requested_on = GermanDateField(_l("Angefragt am (leer: heute)"))


class AnswerCheckForm(FlaskForm):
    result = SelectField(_l("Ergebnis"), choices=choices([("no_findings", catalog.SECURITY_CHECK_RESULTS["no_findings"]),
                                                  ("findings", catalog.SECURITY_CHECK_RESULTS["findings"])]))
    answered_on = GermanDateField(_l("Beantwortet am (leer: heute)"))
    remark = StringField(_l("Bemerkung"))


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Notiz"), validators=_required(_l("Bitte einen Text eingeben.")))
