"""The catalogue of letter fields: every placeholder a template may use, and how its value is made.

Templates reference fields as ``{{ group.name }}`` (``{{ person.full_name }}``); a list field such as
``documents.missing`` is used in a loop and its items have the attributes listed in ``item_fields``.
``docs/letters.md`` is generated from this module (``ebh letters fields --markdown``). Values are always
strings (dates already in German format ``dd.mm.yyyy``) or lists of dicts of strings, so templates need
no filters and the data hash of a letter is stable.

Fields marked as *input* are not in the database; the caseworker enters them when generating the
letter or the batch (for example the date of a naturalization ceremony).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from typing import Any


@dataclasses.dataclass(frozen=True)
class Field:
    name: str
    label: str
    description: str
    example: Any
    #: For entry by the caseworker: "int" or "date" or "time" or "text"; None = filled from the data.
    input: str | None = None
    required: bool = False
    item_fields: tuple[str, ...] = ()
    #: Inclusive bounds for "int" inputs.
    bounds: tuple[int, int] | None = None
    #: Value used when an input is left empty.
    default: str = ""
    #: Input fields this field is computed from (deadline.date needs deadline.weeks).
    needs: tuple[str, ...] = ()

    @property
    def group(self) -> str:
        return self.name.split(".", 1)[0]


GROUPS: dict[str, str] = {
    "office": "Briefkopf der Behörde",
    "letter": "Schreiben",
    "person": "Person",
    "address": "Anschrift",
    "case": "Verfahren",
    "deadline": "Fristen",
    "documents": "Unterlagen",
    "processing": "Bearbeitung",
    "ceremony": "Einbürgerungsfeier",
    "eligibility": "Ergebnis der Vorprüfung (Regeln)",
}

FIELDS: tuple[Field, ...] = (
    Field("office.name", "Name der Behörde", "Name der Behörde im Briefkopf.", "Stadt Köln – Einbürgerung"),
    Field("office.street", "Straße", "Straße und Hausnummer der Behörde.", "Willy-Brandt-Platz 3"),
    Field("office.postcode", "Postleitzahl", "Postleitzahl der Behörde.", "50679"),
    Field("office.city", "Ort", "Ort der Behörde (auch Ort des Schreibens).", "Köln"),
    Field("office.phone", "Telefon", "Telefonnummer der Behörde; leer, wenn nicht gepflegt.", "0221 221-0"),
    Field("office.email", "E-Mail", "E-Mail-Adresse der Behörde; leer, wenn nicht gepflegt.",
          "einbuergerung@stadt-koeln.example"),
    Field("letter.date", "Datum des Schreibens", "Tag der Erstellung, TT.MM.JJJJ.", "15.03.2027"),
    Field("letter.caseworker", "Sachbearbeitung", "Anzeigename der Person, die den Brief erstellt.", "M. Schneider"),
    Field("letter.salutation", "Anrede (deutsch)",
          "Briefanrede nach dem Geschlecht der Person, z. B. „Sehr geehrte Frau Yılmaz,“.",
          "Sehr geehrte Frau Yılmaz,"),
    Field("letter.salutation_translation", "Anrede (Übersetzung)",
          "Briefanrede in der Sprache der Übersetzung; leer im rein deutschen Brief.", "Dear Ms Yılmaz,"),
    Field("letter.language_name", "Sprache der Übersetzung", "Name der Übersetzungssprache auf Deutsch.",
          "Englisch"),
    Field("person.full_name", "Vollständiger Name", "Vornamen und Familienname.", "Ayşe Yılmaz"),
    Field("person.given_names", "Vornamen", "Vornamen wie im Pass.", "Ayşe"),
    Field("person.family_name", "Familienname", "Familienname wie im Pass.", "Yılmaz"),
    Field("person.date_of_birth", "Geburtsdatum", "TT.MM.JJJJ; leer, wenn unbekannt.", "17.05.1990"),
    Field("address.name", "Empfänger", "Name in der Anschrift.", "Ayşe Yılmaz"),
    Field("address.street", "Straße", "Straße und Hausnummer der Person.", "Venloer Str. 12"),
    Field("address.postcode", "Postleitzahl", "Postleitzahl der Person.", "50672"),
    Field("address.city", "Ort", "Wohnort der Person.", "Köln"),
    Field("case.file_number", "Aktenzeichen", "Aktenzeichen des Verfahrens; leer ohne Verfahren.", "KOE-EB-2027-00042"),
    Field("case.type_label", "Verfahrensart", "Gegenstand des Antrags auf Deutsch, passend zu „Ihr Antrag auf …“.",
          "Einbürgerung nach § 10 StAG"),
    Field("case.legal_basis", "Rechtsgrundlage", "Rechtsgrundlage des Verfahrens.", "§ 10 StAG"),
    Field("case.cooperation_basis", "Mitwirkungspflicht",
          "Rechtsgrundlage der Mitwirkungspflicht je nach Verfahren.",
          "§ 34 Satz 2 StAG in Verbindung mit § 82 Abs. 1 AufenthG"),
    Field("case.received_on", "Antragseingang", "Tag des Antragseingangs, TT.MM.JJJJ.", "05.03.2027"),
    Field("deadline.weeks", "Frist in Wochen", "Länge der Frist zur Vorlage der Unterlagen (Eingabe).", "4",
          input="int", bounds=(1, 26), default="4"),
    Field("deadline.date", "Fristende",
          "Ende der Frist, vom Briefdatum an berechnet (§ 31 VwVfG NRW, §§ 187–193 BGB; "
          "Wochenenden und Feiertage des Bundeslandes der Behörde verschieben das Ende).", "12.04.2027",
          needs=("deadline.weeks",)),
    Field("documents.missing", "Fehlende Unterlagen",
          "Liste der angeforderten, noch nicht eingegangenen Unterlagen des Verfahrens; "
          "je Eintrag „label“ (Bezeichnung) und „remark“ (Bemerkung).",
          [{"label": "Reisepass (Kopie aller Seiten)", "remark": ""},
           {"label": "Nachweis über Deutschkenntnisse (B1)", "remark": "Zertifikat im Original vorlegen"}],
          item_fields=("label", "remark")),
    Field("processing.months", "Bearbeitungsdauer (Monate)", "Voraussichtliche Bearbeitungsdauer (Eingabe).", "12",
          input="int", bounds=(2, 60), default="12"),
    Field("ceremony.date", "Datum der Feier", "Tag der Einbürgerungsfeier (Eingabe).", "28.05.2027", input="date",
          required=True),
    Field("ceremony.time", "Uhrzeit der Feier", "Beginn, HH:MM (Eingabe).", "11:00", input="time", required=True),
    Field("ceremony.place", "Ort der Feier", "Ort und Raum der Feier (Eingabe).", "Historisches Rathaus, Hansasaal",
          input="text", required=True),
    Field("eligibility.rule", "Geprüfte Regel", "Kennung der geprüften Rechtsgrundlage, z. B. stag_10.", "stag_10"),
    Field("eligibility.result", "Ergebnis der Vorprüfung",
          "Ergebnis der regelbasierten Vorprüfung auf Deutsch; leer, wenn keine Prüfung vorliegt.",
          "Voraussetzungen voraussichtlich erfüllt"),
    Field("eligibility.earliest_date", "Frühester Zeitpunkt",
          "Frühester Tag, an dem die Voraussetzungen voraussichtlich erfüllt sind, TT.MM.JJJJ; leer, wenn "
          "unbekannt.", "01.09.2027"),
    Field("eligibility.legal_basis", "Rechtsgrundlage der Vorprüfung", "Zitierte Vorschrift der geprüften Regel.",
          "§ 10 Abs. 1 StAG"),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
INPUT_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if f.input)

LANGUAGES: dict[str, str] = {
    "de": "Deutsch",
    "en": "Englisch",
    "tr": "Türkisch",
    "ar": "Arabisch",
    "fa": "Persisch (Farsi)",
    "ru": "Russisch",
    "uk": "Ukrainisch",
}
RTL_LANGUAGES = frozenset({"ar", "fa"})

CASE_TYPE_LABELS = {
    "stag_10": ("Einbürgerung nach § 10 StAG", "§ 10 StAG"),
    "stag_8": ("Einbürgerung nach § 8 StAG", "§ 8 StAG"),
    "stag_9": ("Einbürgerung nach § 9 StAG", "§ 9 StAG"),
    "stag_10_2": ("Miteinbürgerung nach § 10 Abs. 2 StAG", "§ 10 Abs. 2 StAG"),
    "aufenthg_25b": ("Erteilung einer Aufenthaltserlaubnis nach § 25b AufenthG", "§ 25b AufenthG"),
    "aufenthg_25a": ("Erteilung einer Aufenthaltserlaubnis nach § 25a AufenthG", "§ 25a AufenthG"),
    "aufenthg_104c": ("Erteilung einer Aufenthaltserlaubnis nach § 104c AufenthG", "§ 104c AufenthG"),
}
COOPERATION_BASIS = {
    "naturalization": "§ 34 Satz 2 StAG in Verbindung mit § 82 Abs. 1 AufenthG",
    "residence": "§ 82 Abs. 1 AufenthG",
}

# Salutations: (female, male, other) per language; {family} and {full} are filled in.
_SALUTATIONS: dict[str, tuple[str, str, str]] = {
    "de": ("Sehr geehrte Frau {family},", "Sehr geehrter Herr {family},", "Guten Tag {full},"),
    "en": ("Dear Ms {family},", "Dear Mr {family},", "Dear {full},"),
    "tr": ("Sayın {full},", "Sayın {full},", "Sayın {full},"),
    "ar": ("السيدة {full} المحترمة،", "السيد {full} المحترم،", "السيد/السيدة {full} المحترم/ة،"),
    "fa": ("سرکار خانم {full}،", "جناب آقای {full}،", "{full} گرامی،"),
    "ru": ("Уважаемая госпожа {family}!", "Уважаемый господин {family}!", "Здравствуйте, {full}!"),
    "uk": ("Шановна пані {family}!", "Шановний пане {family}!", "Доброго дня, {full}!"),
}


class InputError(ValueError):
    """An entered field value is invalid; the German message names the field."""


def date_de(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def salutation(language: str, sex: str, family_name: str, full_name: str) -> str:
    female, male, other = _SALUTATIONS[language]
    pattern = {"f": female, "m": male}.get(sex, other)
    return pattern.format(family=family_name, full=full_name)


def input_names(placeholders: set[str] | frozenset[str]) -> set[str]:
    """The input fields a template needs: those it shows and those its computed fields depend on."""
    names = {n for n in placeholders if n in BY_NAME and BY_NAME[n].input}
    for name in placeholders:
        if name in BY_NAME:
            names.update(BY_NAME[name].needs)
    return names


def parse_inputs(raw: dict[str, str], names: set[str] | frozenset[str]) -> dict[str, str]:
    """Validate the entered values of the input fields among ``names``; return them as strings."""
    values: dict[str, str] = {}
    for field in INPUT_FIELDS:
        if field.name not in names:
            continue
        text = (raw.get(field.name) or "").strip() or field.default
        if not text:
            if field.required:
                raise InputError(f"{field.label}: Bitte einen Wert angeben.")
            continue
        values[field.name] = _parse_input(field, text)
    return values


def _parse_input(field: Field, text: str) -> str:
    if field.input == "int":
        if not re.fullmatch(r"\d{1,3}", text):
            raise InputError(f"{field.label}: Bitte eine ganze Zahl angeben.")
        low, high = field.bounds or (0, 999)
        if not low <= int(text) <= high:
            raise InputError(f"{field.label}: Erlaubt sind {low} bis {high}.")
        return str(int(text))
    if field.input == "date":
        for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                return date_de(dt.datetime.strptime(text, pattern).date())
            except ValueError:
                continue
        raise InputError(f"{field.label}: Bitte ein Datum im Format TT.MM.JJJJ angeben.")
    if field.input == "time":
        match = re.fullmatch(r"([01]?\d|2[0-3])[:.]([0-5]\d)", text)
        if not match:
            raise InputError(f"{field.label}: Bitte eine Uhrzeit im Format HH:MM angeben.")
        return f"{int(match.group(1)):02d}:{match.group(2)}"
    if len(text) > 200:
        raise InputError(f"{field.label}: Höchstens 200 Zeichen.")
    return " ".join(text.split())


@dataclasses.dataclass
class Recipient:
    """Plain data of one recipient (decoupled from the ORM so that batch workers can use it)."""

    person_id: int
    given_names: str
    family_name: str
    sex: str
    date_of_birth: dt.date | None
    street: str
    postcode: str
    city: str
    preferred_language: str
    case_id: int | None = None
    file_number: str = ""
    case_type: str = ""
    case_family: str = ""
    received_on: dt.date | None = None
    missing_documents: list[dict[str, str]] = dataclasses.field(default_factory=list)
    eligibility: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()

    def address_problem(self) -> str | None:
        return address_problem(self.street, self.postcode, self.city)


def address_problem(street: str | None, postcode: str | None, city: str | None) -> str | None:
    """German reason why no letter can be addressed, or None."""
    missing = [label for label, value in (("Straße", street), ("Postleitzahl", postcode), ("Ort", city))
               if not (value or "").strip()]
    return f"Anschrift unvollständig (fehlt: {', '.join(missing)})" if missing else None


@dataclasses.dataclass
class Sender:
    name: str
    street: str
    postcode: str
    city: str
    phone: str
    email: str
    bundesland: str
    caseworker: str


DeadlineFn = Callable[..., dt.date]


def build_context(sender: Sender, recipient: Recipient, *, language: str, letter_date: dt.date,
                  inputs: dict[str, str] | None = None, compute_deadline: DeadlineFn | None = None) -> dict[str, Any]:
    """The complete rendering context: every catalogue field is present (empty string if unknown)."""
    inputs = inputs or {}
    type_label, legal_basis = CASE_TYPE_LABELS.get(recipient.case_type, ("", ""))
    deadline_date = ""
    weeks = inputs.get("deadline.weeks", "")
    if weeks:
        if compute_deadline is None:
            from ebh.deadlines.calendar import compute_deadline
        deadline_date = date_de(compute_deadline(letter_date, weeks=int(weeks), bundesland=sender.bundesland,
                                                 kind="frist"))
    sex = recipient.sex or "x"
    eligibility = recipient.eligibility
    return {
        "office": {"name": sender.name, "street": sender.street, "postcode": sender.postcode, "city": sender.city,
                   "phone": sender.phone, "email": sender.email},
        "letter": {
            "date": date_de(letter_date),
            "caseworker": sender.caseworker,
            "salutation": salutation("de", sex, recipient.family_name, recipient.full_name),
            "salutation_translation": "" if language == "de" else salutation(
                language, sex, recipient.family_name, recipient.full_name),
            "language_name": "" if language == "de" else LANGUAGES[language],
        },
        "person": {"full_name": recipient.full_name, "given_names": recipient.given_names,
                   "family_name": recipient.family_name, "date_of_birth": date_de(recipient.date_of_birth)},
        "address": {"name": recipient.full_name, "street": recipient.street, "postcode": recipient.postcode,
                    "city": recipient.city},
        "case": {"file_number": recipient.file_number, "type_label": type_label, "legal_basis": legal_basis,
                 "cooperation_basis": COOPERATION_BASIS.get(recipient.case_family, ""),
                 "received_on": date_de(recipient.received_on)},
        "deadline": {"weeks": weeks, "date": deadline_date},
        "documents": {"missing": [{"label": d.get("label", ""), "remark": d.get("remark", "")}
                                  for d in recipient.missing_documents]},
        "processing": {"months": inputs.get("processing.months", "")},
        "ceremony": {"date": inputs.get("ceremony.date", ""), "time": inputs.get("ceremony.time", ""),
                     "place": inputs.get("ceremony.place", "")},
        "eligibility": {key: eligibility.get(key, "") for key in ("rule", "result", "earliest_date", "legal_basis")},
    }


def demo_context(language: str = "de") -> dict[str, Any]:
    """A context made of the catalogue's examples (for ``ebh letters check`` and the tests)."""
    context: dict[str, Any] = {}
    for field in FIELDS:
        group, name = field.name.split(".", 1)
        context.setdefault(group, {})[name] = field.example
    context["letter"]["salutation_translation"] = (
        "" if language == "de" else salutation(language, "f", "Yılmaz", "Ayşe Yılmaz"))
    context["letter"]["language_name"] = "" if language == "de" else LANGUAGES[language]
    return context


def catalogue_markdown() -> str:
    """The field catalogue as Markdown (the generated part of docs/letters.md)."""
    lines = []
    for group, title in GROUPS.items():
        lines += [f"### {title} (`{group}`)", "", "| Platzhalter | Bezeichnung | Beschreibung | Beispiel |",
                  "|---|---|---|---|"]
        for field in FIELDS:
            if field.group != group:
                continue
            description = field.description
            if field.input:
                description += f" *Eingabe ({field.input}{', Pflicht' if field.required else ''}).*"
            example = field.example if isinstance(field.example, str) else "Liste, siehe Beschreibung"
            lines.append(f"| `{{{{ {field.name} }}}}` | {field.label} | {description} | {example} |")
        lines.append("")
    return "\n".join(lines)
