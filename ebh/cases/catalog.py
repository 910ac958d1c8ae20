"""What a case needs: document types, required documents per case type, security checks and fees.

Sources are cited in the German titles or comments (see /work/shared/docs/LEGAL.md): § 37 Abs. 2 StAG
(Regelanfrage for applicants aged 16+), § 38 StAG (fees). Residence-case fees depend on the title
and are entered by hand citing the AufenthV; no amount is invented here.
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from flask_babel import lazy_gettext as _l

from ebh.cases.models import CaseFamily, CaseType


@dataclasses.dataclass(frozen=True)
class DocumentType:
    key: str
    title: object  # lazy German string


DOCUMENT_TYPES: dict[str, DocumentType] = {
    d.key: d
    for d in (
        DocumentType("application_form", _l("Antragsformular (unterschrieben)")),
        DocumentType("passport", _l("Reisepass oder Passersatzpapier")),
        DocumentType("birth_certificate", _l("Geburtsurkunde")),
        DocumentType("residence_title", _l("Aufenthaltstitel (eAT)")),
        DocumentType("duldung", _l("Duldungsbescheinigung")),
        DocumentType("photo", _l("Biometrisches Lichtbild")),
        DocumentType("registration_certificate", _l("Meldebescheinigung")),
        DocumentType("curriculum_vitae", _l("Lebenslauf")),
        DocumentType("proof_of_income", _l("Einkommensnachweise der letzten sechs Monate")),
        DocumentType("employment_contract", _l("Arbeitsvertrag")),
        DocumentType("pension_insurance", _l("Versicherungsverlauf der Rentenversicherung")),
        DocumentType("benefits_notice", _l("Bescheid über Sozialleistungen (SGB II/XII)")),
        DocumentType("language_b1", _l("Sprachzertifikat B1 (z. B. DTZ)")),
        DocumentType("language_a2", _l("Sprachnachweis A2 (mündlich)")),
        DocumentType("civic_test", _l("Bescheinigung Einbürgerungstest")),
        DocumentType("civic_knowledge", _l("Nachweis Test „Leben in Deutschland“")),
        DocumentType("rental_contract", _l("Mietvertrag oder Wohnungsnachweis")),
        DocumentType("marriage_certificate", _l("Heiratsurkunde")),
        DocumentType("school_certificates", _l("Schulbescheinigungen und Zeugnisse")),
        DocumentType("children_school_attendance", _l("Schulbescheinigungen der schulpflichtigen Kinder")),
        DocumentType("parental_consent", _l("Zustimmung der Sorgeberechtigten")),
        DocumentType("declaration_fdgo", _l("Bekenntnis- und Loyalitätserklärung")),
        # Issued by the office; its validity (2 years) becomes a deadline (ebh/deadlines/derive.py).
        DocumentType("einbuergerungszusicherung", _l("Einbürgerungszusicherung")),
        DocumentType("other", _l("Sonstiges Dokument")),
    )
}

_NATURALIZATION_ADULT = (
    "application_form", "passport", "birth_certificate", "residence_title", "photo", "registration_certificate",
    "curriculum_vitae", "proof_of_income", "employment_contract", "pension_insurance", "language_b1",
    "civic_test", "rental_contract", "declaration_fdgo",
)
_RESIDENCE_BASE = ("application_form", "passport", "duldung", "photo", "registration_certificate")

REQUIRED_DOCUMENTS: dict[CaseType, tuple[str, ...]] = {
    CaseType.STAG_10: _NATURALIZATION_ADULT,
    CaseType.STAG_8: _NATURALIZATION_ADULT,
    CaseType.STAG_9: _NATURALIZATION_ADULT + ("marriage_certificate",),
    # Co-naturalization (§ 10 Abs. 2 StAG): the spouse needs the adult list; a minor child see below.
    CaseType.STAG_10_2: _NATURALIZATION_ADULT,
    CaseType.AUFENTHG_25B: _RESIDENCE_BASE
    + ("proof_of_income", "employment_contract", "language_a2", "civic_knowledge", "rental_contract",
       "children_school_attendance"),
    CaseType.AUFENTHG_25A: _RESIDENCE_BASE + ("school_certificates", "language_b1"),
    CaseType.AUFENTHG_104C: _RESIDENCE_BASE,
}

#: A minor child naturalized with a parent: no language, test, income or declaration documents.
_MINOR_CO_APPLICANT = ("application_form", "passport", "birth_certificate", "residence_title", "photo",
                       "registration_certificate", "school_certificates", "parental_consent")
_MINOR_RESIDENCE_CO_APPLICANT = _RESIDENCE_BASE + ("birth_certificate", "school_certificates")


def age_on(date_of_birth: dt.date | None, day: dt.date) -> int | None:
    """Completed years of life on ``day`` (None if the date of birth is unknown)."""
    if date_of_birth is None:
        return None
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def required_documents(case_type: CaseType, *, minor: bool = False, married: bool = False) -> tuple[str, ...]:
    """Document types a new case of ``case_type`` needs (minor: applicant under 18 on receipt)."""
    if minor:
        keys = _MINOR_CO_APPLICANT if case_type.family is CaseFamily.NATURALIZATION else _MINOR_RESIDENCE_CO_APPLICANT
    else:
        keys = REQUIRED_DOCUMENTS[case_type]
    if married and not minor and "marriage_certificate" not in keys:
        keys = keys + ("marriage_certificate",)
    return keys


def document_title(key: str) -> str:
    doc = DOCUMENT_TYPES.get(key)
    return str(doc.title) if doc else key


@dataclasses.dataclass(frozen=True)
class SecurityCheckKind:
    key: str
    title: object
    legal_basis: str


SECURITY_CHECK_KINDS: dict[str, SecurityCheckKind] = {
    k.key: k
    for k in (
        SecurityCheckKind("regelanfrage", _l("Regelanfrage Verfassungsschutz"), "§ 37 Abs. 2 StAG"),
        SecurityCheckKind("bzr", _l("Auskunft Bundeszentralregister (BZR)"), "BZRG"),
        SecurityCheckKind("azr", _l("Auskunft Ausländerzentralregister (AZR)"), "AZRG"),
    )
}

SECURITY_CHECK_RESULTS = {
    "pending": _l("ausstehend"),
    "no_findings": _l("keine Erkenntnisse"),
    "findings": _l("Erkenntnisse liegen vor"),
}

#: § 37 Abs. 2 StAG: the Regelanfrage concerns applicants who have completed their 16th year.
REGELANFRAGE_MIN_AGE = 16


def required_security_checks(case_type: CaseType, age: int | None) -> tuple[str, ...]:
    """Security checks to request for a new case; the Regelanfrage only for naturalization applicants 16+."""
    if case_type.family is CaseFamily.NATURALIZATION:
        if age is None or age >= REGELANFRAGE_MIN_AGE:
            return ("regelanfrage", "bzr", "azr")
        return ("azr",)
    return ("bzr", "azr") if age is None or age >= 14 else ("azr",)


@dataclasses.dataclass(frozen=True)
class FeeAssessment:
    legal_basis: str
    amount_cents: int


#: § 38 Abs. 2 S. 1 StAG.
NATURALIZATION_FEE = FeeAssessment("§ 38 Abs. 2 S. 1 StAG", 255_00)
#: § 38 Abs. 2 S. 2 StAG: minor child naturalized together with a parent, without own income.
MINOR_CO_NATURALIZATION_FEE = FeeAssessment("§ 38 Abs. 2 S. 2 StAG", 51_00)
#: § 38 Abs. 4 StAG: reduction or waiver for equity or public interest.
FEE_REDUCTION_BASIS = "§ 38 Abs. 4 StAG"
#: Upper bound for hand-entered fees (guards against typing cents as euros).
MAX_MANUAL_FEE_CENTS = 5_000_00


def naturalization_fee(*, minor: bool, with_parent: bool, own_income: bool) -> FeeAssessment:
    """The § 38 StAG fee for one naturalization case."""
    if minor and with_parent and not own_income:
        return MINOR_CO_NATURALIZATION_FEE
    return NATURALIZATION_FEE


def co_applicant_case_type(main_type: CaseType) -> CaseType:
    """Case type of a spouse's or child's case linked to a main case (§ 10 Abs. 2 StAG, § 25b Abs. 4 ...)."""
    return CaseType.STAG_10_2 if main_type.family is CaseFamily.NATURALIZATION else main_type


CASE_TYPE_LABELS = {
    CaseType.STAG_10: _l("Einbürgerung § 10 StAG"),
    CaseType.STAG_8: _l("Ermessenseinbürgerung § 8 StAG"),
    CaseType.STAG_9: _l("Einbürgerung Ehegatte Deutscher § 9 StAG"),
    CaseType.STAG_10_2: _l("Miteinbürgerung § 10 Abs. 2 StAG"),
    CaseType.AUFENTHG_25B: _l("Aufenthaltserlaubnis § 25b AufenthG"),
    CaseType.AUFENTHG_25A: _l("Aufenthaltserlaubnis § 25a AufenthG"),
    CaseType.AUFENTHG_104C: _l("Chancen-Aufenthaltsrecht § 104c AufenthG"),
}

#: File number prefix per case family.
FILE_NUMBER_PREFIX = {CaseFamily.NATURALIZATION: "EB", CaseFamily.RESIDENCE: "AE"}

RESIDENCE_STATUS_LABELS = {
    "residence_permit": _l("Aufenthaltserlaubnis"),
    "blue_card": _l("Blaue Karte EU"),
    "settlement_permit": _l("Niederlassungserlaubnis"),
    "eu_long_term": _l("Erlaubnis zum Daueraufenthalt-EU"),
    "eu_free_movement": _l("Freizügigkeit (FreizügG/EU)"),
    "duldung": _l("Duldung (§ 60a AufenthG)"),
    "duldung_60b": _l("Duldung für Personen mit ungeklärter Identität (§ 60b AufenthG)"),
    "duldung_60d": _l("Beschäftigungsduldung (§ 60d AufenthG)"),
    "gestattung": _l("Aufenthaltsgestattung"),
    "fiktion": _l("Fiktionsbescheinigung (§ 81 AufenthG)"),
    "visa": _l("Visum"),
    "abroad": _l("Aufenthalt im Ausland"),
    "unlawful": _l("ohne Aufenthaltsstatus"),
}

RELATION_LABELS = {"spouse": _l("Ehegatte/Ehegattin"), "child": _l("Kind"), "parent": _l("Elternteil")}
