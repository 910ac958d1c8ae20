"""The raw person facts for the eligibility rules: ONE declaration from which everything else derives.

From :data:`RAW_FACTS` come the ``Person`` columns (:mod:`ebh.cases.models`), the person form fields and
the person page (:mod:`ebh.cases.forms`, ``templates/cases/person*.html``), the service validation
(:mod:`ebh.cases.service.persons`), the rules record and fact catalogue (:mod:`ebh.rules.record`,
:mod:`ebh.rules.facts`, :mod:`ebh.rules.bulk`, so ``docs/facts.md``) and the demo data
(:mod:`ebh.demo.generator`).

Adding a raw fact = one :class:`RawFact` here, the English translation of its label (``make translations``)
and the Alembic migration for its column. ``None`` always means "not known yet".
"""
from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import MappedColumn, mapped_column

#: Kinds of raw facts: a tri-state yes/no (None = not known) or a date (None = none or not known).
BOOL = "bool"
DATE = "date"


def _none(rng: random.Random, age: int) -> Any:
    return None


@dataclasses.dataclass(frozen=True)
class RawFact:
    """One raw fact of a person."""

    #: Column, form field, record key and fact name.
    name: str
    #: :data:`BOOL` or :data:`DATE`.
    kind: str
    #: Form and page label (German, translated).
    label: Any
    #: What the fact means, for the fact catalogue (``docs/facts.md``) and the rules' "missing facts" text.
    meaning: str
    #: Demo value for a person of ``age`` years drawn with ``rng`` (a path of the generator may override it).
    #: Keep the number of ``rng`` draws stable: the same seed must give the same demo data.
    demo: Callable[[random.Random, int], Any] = _none

    def column(self) -> MappedColumn[Any]:
        return mapped_column(sa.Boolean if self.kind == BOOL else sa.Date, nullable=True)


RAW_FACTS: tuple[RawFact, ...] = (
    RawFact("identity_clarified", BOOL, _l("Identität geklärt"),
            "Identität und Staatsangehörigkeit sind geklärt",
            demo=lambda rng, age: True if age >= 18 else None),
    # Legal incapacity (§ 34 StAG: not handlungsfähig despite age 16+).
    RawFact("legally_incapacitated", BOOL, _l("Nicht handlungsfähig (§ 34 StAG)"),
            "nicht handlungsfähig trotz Alters ab 16 (§ 34 StAG: Geschäftsunfähigkeit, Betreuung mit "
            "Einwilligungsvorbehalt)",
            demo=lambda rng, age: False if age >= 18 else None),
    # Recruited guest worker (entry by 30.06.1974) or DDR contract worker (entry by 13.06.1990), or their spouse.
    RawFact("guest_worker", BOOL, _l("Gastarbeiter/Vertragsarbeitnehmer (oder Ehegatte)"),
            "Gastarbeiter (Einreise bis 30.06.1974) oder DDR-Vertragsarbeitnehmer (bis 13.06.1990) oder "
            "nachgezogener Ehegatte"),
    # Cannot meet language/knowledge requirements because of illness or disability (§ 10 Abs. 6 StAG, § 25b Abs. 3).
    RawFact("illness_or_disability", BOOL, _l("Krankheit oder Behinderung verhindert Sprach-/Wissensnachweis"),
            "kann Sprache/Wissen wegen Krankheit oder Behinderung nicht nachweisen",
            demo=lambda rng, age: True if rng.random() < 0.01 else None),
    # Cannot meet them because of age; an individual assessment (§ 10 Abs. 6 StAG).
    RawFact("age_related_inability", BOOL, _l("Altersbedingt kein Sprach-/Wissensnachweis möglich"),
            "kann Sprache/Wissen altersbedingt nicht nachweisen (Einzelfallprüfung)",
            demo=lambda rng, age: True if age > 67 and rng.random() < 0.2 else None),
    # A criminal investigation is pending (§ 12a Abs. 3 StAG suspends the decision).
    RawFact("pending_investigation", BOOL, _l("Ermittlungsverfahren anhängig (§ 12a Abs. 3 StAG)"),
            "ein Ermittlungsverfahren läuft (§ 12a Abs. 3 StAG)"),
    # Obligation to leave / deception preventing removal by own conduct (§ 25a/§ 25b/§ 104c refusal grounds).
    RawFact("removal_prevented_by_own_deception", BOOL, _l("Abschiebung durch eigene Täuschung verhindert"),
            "Abschiebung durch eigene Täuschung/Falschangaben verhindert oder verzögert"),
    # Own dwelling (§ 8 Abs. 1 Nr. 3 StAG).
    RawFact("has_own_dwelling", BOOL, _l("Eigene Wohnung"), "eigene Wohnung (§ 8 Abs. 1 Nr. 3 StAG)",
            demo=lambda rng, age: (rng.random() < 0.8) if age >= 18 else None),
    # Special integration achievements (NRW § 25b Erlass; former § 10 Abs. 3 StAG).
    RawFact("special_integration", BOOL, _l("Besondere Integrationsleistungen"),
            "besondere Integrationsleistungen (frühere § 10 Abs. 3 StAG, NRW-Erlass § 25b)",
            demo=lambda rng, age: True if rng.random() < 0.02 else None),
    # BAMF certificate of successful integration course participation (former § 10 Abs. 3 S. 1 StAG: 7 years).
    RawFact("integration_course_certificate", BOOL,
            _l("Integrationskurs erfolgreich abgeschlossen (BAMF-Bescheinigung)"),
            "Bescheinigung über die erfolgreiche Teilnahme am Integrationskurs"),
    # Oral everyday German "ohne nennenswerte Probleme" confirmed (§ 10 Abs. 4 S. 3 and Abs. 4a StAG).
    RawFact("oral_everyday_german", BOOL, _l("Mündliche Alltagsverständigung ohne nennenswerte Probleme"),
            "mündliche Verständigung im Alltag ohne nennenswerte Probleme festgestellt"),
    # Previous nationality given up or lost, or an exception of former § 12 StAG applies (old § 10 Nr. 4).
    RawFact("previous_nationality_renounced", BOOL, _l("Bisherige Staatsangehörigkeit aufgegeben oder verloren"),
            "bisherige Staatsangehörigkeit aufgegeben/verloren oder Ausnahme nach § 12 a.F."),
    # Married to a German citizen since (§ 9 StAG).
    RawFact("married_to_german_since", DATE, _l("Verheiratet mit deutscher Staatsangehörigkeit seit"),
            "verheiratet mit einer/einem Deutschen seit"),
)

#: Names of the yes/no facts and of the date facts, in declaration order.
BOOL_FACTS: tuple[str, ...] = tuple(f.name for f in RAW_FACTS if f.kind == BOOL)
DATE_FACTS: tuple[str, ...] = tuple(f.name for f in RAW_FACTS if f.kind == DATE)
