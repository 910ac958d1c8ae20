"""Persons, their residence history and facts, and the cases worked on them.

Everything a rule needs is stored here as raw data (dates, statuses, certificates); the rules domain
derives facts such as "years of lawful residence" from it. Dates are calendar dates (``datetime.date``);
timestamps are UTC (:class:`ebh.db.UTCDateTime`).
"""
from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ebh.cases.raw_facts import RAW_FACTS
from ebh.db import UTCDateTime, utcnow
from ebh.extensions import db


def _enum(enum_cls: type[enum.Enum], length: int = 32) -> sa.Enum:
    return sa.Enum(enum_cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e])


class Sex(enum.StrEnum):
    FEMALE = "f"
    MALE = "m"
    DIVERSE = "d"
    UNKNOWN = "x"


class ResidenceStatus(enum.StrEnum):
    """Legal status of a residence period (the paragraph goes into ``ResidencePeriod.paragraph``)."""

    RESIDENCE_PERMIT = "residence_permit"  # Aufenthaltserlaubnis
    BLUE_CARD = "blue_card"  # Blaue Karte EU
    SETTLEMENT_PERMIT = "settlement_permit"  # Niederlassungserlaubnis
    EU_LONG_TERM = "eu_long_term"  # Erlaubnis zum Daueraufenthalt-EU
    EU_FREE_MOVEMENT = "eu_free_movement"  # Freizügigkeit (FreizügG/EU)
    DULDUNG = "duldung"  # § 60a AufenthG
    DULDUNG_60B = "duldung_60b"  # Duldung für Personen mit ungeklärter Identität
    DULDUNG_60D = "duldung_60d"  # Beschäftigungsduldung
    GESTATTUNG = "gestattung"  # Aufenthaltsgestattung (asylum procedure)
    FIKTION = "fiktion"  # Fiktionsbescheinigung, § 81 Abs. 3/4 AufenthG
    VISA = "visa"
    ABROAD = "abroad"  # stay abroad (interruption)
    UNLAWFUL = "unlawful"  # no status


class Relation(enum.StrEnum):
    SPOUSE = "spouse"
    CHILD = "child"  # the relative is a child of the person
    PARENT = "parent"  # the relative is a parent of the person


RECIPROCAL_RELATION = {Relation.SPOUSE: Relation.SPOUSE, Relation.CHILD: Relation.PARENT, Relation.PARENT: Relation.CHILD}


class CaseFamily(enum.StrEnum):
    NATURALIZATION = "naturalization"
    RESIDENCE = "residence"


class CaseType(enum.StrEnum):
    """Legal basis of a case; the value is the rule id of :mod:`ebh.rules`."""

    STAG_10 = "stag_10"  # Anspruchseinbürgerung
    STAG_8 = "stag_8"  # Ermessenseinbürgerung
    STAG_9 = "stag_9"  # Ehegatten Deutscher
    STAG_10_2 = "stag_10_2"  # Miteinbürgerung von Ehegatten und minderjährigen Kindern
    AUFENTHG_25B = "aufenthg_25b"
    AUFENTHG_25A = "aufenthg_25a"
    AUFENTHG_104C = "aufenthg_104c"

    @property
    def family(self) -> CaseFamily:
        return CaseFamily.NATURALIZATION if self.value.startswith("stag_") else CaseFamily.RESIDENCE


class Outcome(enum.StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class Person(db.Model):
    __tablename__ = "persons"
    #: The person search lists matches by name (ebh.cases.search.search_persons).
    __table_args__ = (sa.Index("ix_persons_office_name", "office_id", "family_name", "given_names", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"), index=True)
    #: Names as in the passport (Latin script as in the machine-readable zone).
    family_name: Mapped[str] = mapped_column(sa.String(200))
    given_names: Mapped[str] = mapped_column(sa.String(200), default="")
    birth_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Names in the original script, e.g. Arabic or Cyrillic, if recorded.
    native_name: Mapped[str] = mapped_column(sa.String(200), default="")
    date_of_birth: Mapped[dt.date | None] = mapped_column(sa.Date, index=True)
    place_of_birth: Mapped[str] = mapped_column(sa.String(200), default="")
    country_of_birth: Mapped[str] = mapped_column(sa.String(3), default="")
    sex: Mapped[Sex] = mapped_column(_enum(Sex, 1), default=Sex.UNKNOWN)
    marital_status: Mapped[str] = mapped_column(sa.String(20), default="")
    street: Mapped[str] = mapped_column(sa.String(200), default="")
    postcode: Mapped[str] = mapped_column(sa.String(10), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    district: Mapped[str] = mapped_column(sa.String(100), default="")
    #: ISO 639-1 code of the preferred language for letters ("de", "tr", "ar", ...).
    preferred_language: Mapped[str] = mapped_column(sa.String(5), default="de")
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(50), default="")
    #: First day of the current stay in Germany (entry), if known.
    entry_date: Mapped[dt.date | None] = mapped_column(sa.Date)

    # The raw facts for the eligibility rules, one nullable column each, declared in ebh.cases.raw_facts.
    locals().update({fact.name: fact.column() for fact in RAW_FACTS})

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: Optimistic lock: a save based on an older version is refused.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    aliases: Mapped[list[PersonAlias]] = relationship(back_populates="person", cascade="all, delete-orphan")
    nationalities: Mapped[list[Nationality]] = relationship(back_populates="person", cascade="all, delete-orphan")
    residence_periods: Mapped[list[ResidencePeriod]] = relationship(
        back_populates="person", cascade="all, delete-orphan", order_by="ResidencePeriod.start"
    )
    language_certificates: Mapped[list[LanguageCertificate]] = relationship(cascade="all, delete-orphan")
    civic_tests: Mapped[list[CivicTest]] = relationship(cascade="all, delete-orphan")
    convictions: Mapped[list[Conviction]] = relationship(cascade="all, delete-orphan")
    school_records: Mapped[list[SchoolRecord]] = relationship(cascade="all, delete-orphan")
    livelihood: Mapped[Livelihood | None] = relationship(cascade="all, delete-orphan", uselist=False)
    family_links: Mapped[list[FamilyLink]] = relationship(
        foreign_keys="FamilyLink.person_id", back_populates="person", cascade="all, delete-orphan"
    )
    cases: Mapped[list[Case]] = relationship(back_populates="person", order_by="Case.received_on")

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


class PersonAlias(db.Model):
    """Alternative spellings, transliterations and former names of a person."""

    __tablename__ = "person_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    family_name: Mapped[str] = mapped_column(sa.String(200))
    given_names: Mapped[str] = mapped_column(sa.String(200), default="")
    #: transliteration, spelling, former_name
    kind: Mapped[str] = mapped_column(sa.String(20), default="spelling")

    person: Mapped[Person] = relationship(back_populates="aliases")


class PersonSearchToken(db.Model):
    """Folded name tokens (see :mod:`ebh.cases.names`) for indexed, accent- and transliteration-tolerant search."""

    __tablename__ = "person_search_tokens"
    #: Covering index: a prefix search reads person ids from the index alone.
    #: person_token: does this person have a token with this prefix (searches of common names check the
    #: cases in sort order one by one).
    __table_args__ = (
        sa.Index("ix_person_search_tokens_office_token", "office_id", "token", "person_id"),
        sa.Index("ix_person_search_tokens_person_token", "person_id", "token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id", ondelete="CASCADE"))
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"))
    token: Mapped[str] = mapped_column(sa.String(100))


class Nationality(db.Model):
    __tablename__ = "nationalities"
    __table_args__ = (sa.UniqueConstraint("person_id", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    #: ISO 3166-1 alpha-3 ("TUR", "SYR", "XXA" stateless, "XXX" unknown).
    country: Mapped[str] = mapped_column(sa.String(3))
    since: Mapped[dt.date | None] = mapped_column(sa.Date)

    person: Mapped[Person] = relationship(back_populates="nationalities")


class FamilyLink(db.Model):
    """A directed family relation; services always store the reciprocal link too."""

    __tablename__ = "family_links"
    __table_args__ = (sa.UniqueConstraint("person_id", "relative_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    relative_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    relation: Mapped[Relation] = mapped_column(_enum(Relation, 10))
    #: The relative lives in the same household (§ 25b Abs. 1 Nr. 1: minor child in household community).
    same_household: Mapped[bool] = mapped_column(default=True)

    person: Mapped[Person] = relationship(foreign_keys=[person_id], back_populates="family_links")
    relative: Mapped[Person] = relationship(foreign_keys=[relative_id])


class ResidencePeriod(db.Model):
    """A period of stay with one legal status; the rules count lawful residence from these rows."""

    __tablename__ = "residence_periods"
    __table_args__ = (sa.CheckConstraint("end_date IS NULL OR end_date >= start", name="end_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    status: Mapped[ResidenceStatus] = mapped_column(_enum(ResidenceStatus, 24))
    #: Legal basis of a permit, e.g. "§ 25 Abs. 2 AufenthG", "§ 104c AufenthG".
    paragraph: Mapped[str] = mapped_column(sa.String(60), default="")
    #: First day of the period (inclusive).
    start: Mapped[dt.date] = mapped_column(sa.Date)
    #: Last day of the period (inclusive); None = ongoing.
    end_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    #: Expiry of the document (permit, Duldung, Fiktionsbescheinigung) if the period is ongoing.
    valid_until: Mapped[dt.date | None] = mapped_column(sa.Date, index=True)
    document_number: Mapped[str] = mapped_column(sa.String(40), default="")

    person: Mapped[Person] = relationship(back_populates="residence_periods")


class LanguageCertificate(db.Model):
    __tablename__ = "language_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    #: CEFR level: A1, A2, B1, B2, C1, C2.
    level: Mapped[str] = mapped_column(sa.String(2))
    issued_on: Mapped[dt.date] = mapped_column(sa.Date)
    #: e.g. "DTZ", "telc B1", "Goethe-Zertifikat", "Schulabschluss".
    kind: Mapped[str] = mapped_column(sa.String(60), default="")
    #: Only oral skills certified (§ 25b Nr. 4 needs oral A2).
    oral_only: Mapped[bool] = mapped_column(default=False)


class CivicTest(db.Model):
    """Einbürgerungstest or "Leben in Deutschland" test, or an equivalent (e.g. German school degree)."""

    __tablename__ = "civic_tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    #: einbuergerungstest, leben_in_deutschland, school_degree, abh_interview (§ 25b basic knowledge, NRW Erlass)
    kind: Mapped[str] = mapped_column(sa.String(30), default="einbuergerungstest")
    taken_on: Mapped[dt.date] = mapped_column(sa.Date)
    passed: Mapped[bool] = mapped_column(default=True)
    #: Correct answers out of 33 (pass with at least 17).
    score: Mapped[int | None]


class Conviction(db.Model):
    """A criminal conviction as recorded in the BZR answer (§ 12a StAG, § 54 AufenthG)."""

    __tablename__ = "convictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    decided_on: Mapped[dt.date] = mapped_column(sa.Date)
    #: fine (Geldstrafe), prison (Freiheitsstrafe), youth_measure (Erziehungsmaßregel/Zuchtmittel),
    #: youth_sentence (Jugendstrafe), measure (Maßregel ohne Schuldfähigkeit)
    sanction: Mapped[str] = mapped_column(sa.String(20))
    daily_rates: Mapped[int | None]  # Tagessätze of a fine
    months: Mapped[int | None]  # length of a prison or youth sentence
    suspended: Mapped[bool] = mapped_column(default=False)  # zur Bewährung ausgesetzt
    remitted: Mapped[bool] = mapped_column(default=False)  # nach Ablauf der Bewährungszeit erlassen
    #: Antisemitic, racist or other inhuman motive established in the judgment (§ 12a Abs. 1 S. 2 StAG).
    inhuman_motive: Mapped[bool] = mapped_column(default=False)
    intentional: Mapped[bool] = mapped_column(default=True)
    #: Offence only foreigners can commit (AufenthG/AsylG), relevant for § 104c.
    foreigner_only_offence: Mapped[bool] = mapped_column(default=False)
    in_germany: Mapped[bool] = mapped_column(default=True)


class SchoolRecord(db.Model):
    """School attendance or a qualification in Germany (§ 25a Abs. 1 Nr. 2 AufenthG)."""

    __tablename__ = "school_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    start: Mapped[dt.date] = mapped_column(sa.Date)
    end_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    #: school, vocational_training, university, qualification
    kind: Mapped[str] = mapped_column(sa.String(30), default="school")
    successful: Mapped[bool] = mapped_column(default=True)


class Livelihood(db.Model):
    """Current livelihood situation of a person (§ 10 Abs. 1 Nr. 3 StAG, § 25b Abs. 1 Nr. 3 AufenthG)."""

    __tablename__ = "livelihoods"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), unique=True)
    assessed_on: Mapped[dt.date] = mapped_column(sa.Date)
    #: Receives benefits under SGB II or SGB XII (for self or dependants).
    receives_sgb2_sgb12: Mapped[bool | None]
    #: Is responsible ("hat zu vertreten") for the receipt of benefits.
    responsible_for_benefits: Mapped[bool | None]
    full_time_employed: Mapped[bool | None]
    #: Months of full-time employment within the last 24 months.
    months_employed_last_24: Mapped[int | None]
    #: Livelihood predominantly secured by employment (§ 25b Abs. 1 Nr. 3).
    secured_by_employment: Mapped[bool | None]
    #: Able to support self and dependants (§ 8 Abs. 1 Nr. 4 StAG).
    self_supporting: Mapped[bool | None]
    #: In school, vocational training or university (benefits harmless under § 25a/§ 25b).
    in_education: Mapped[bool | None]
    monthly_net_income_cents: Mapped[int | None]


class FileNumberCounter(db.Model):
    """The last sequence number used per office, prefix and year (file numbers are unique per office)."""

    __tablename__ = "file_number_counters"
    __table_args__ = (sa.UniqueConstraint("office_id", "prefix", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"))
    prefix: Mapped[str] = mapped_column(sa.String(8))
    year: Mapped[int]
    last_value: Mapped[int] = mapped_column(default=0)


class Case(db.Model):
    __tablename__ = "cases"
    __table_args__ = (
        sa.UniqueConstraint("office_id", "file_number"),
        # The case list (ebh.cases.search): one index per filter and sort order, each ending in the sort key
        # and ``id`` (the tie-breaker of every sort), so that a page is read from the index in order.
        sa.Index("ix_cases_office_status_received", "office_id", "status", "received_on", "id"),
        sa.Index("ix_cases_office_received", "office_id", "received_on", "id"),
        sa.Index("ix_cases_office_assignee", "office_id", "assigned_to_id", "received_on", "id"),
        sa.Index("ix_cases_office_due", "office_id", "due_on", "id"),
        sa.Index("ix_cases_office_type_received", "office_id", "case_type", "received_on", "id"),
        # Filter by type and status together (a rare pair would otherwise scan all cases of the type).
        sa.Index("ix_cases_office_type_status_received", "office_id", "case_type", "status", "received_on", "id"),
        sa.Index("ix_cases_office_sort_name", "office_id", "sort_name", "id"),
        sa.CheckConstraint("decided_on IS NULL OR decided_on >= received_on", name="decided_after_received"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(sa.ForeignKey("offices.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("persons.id"), index=True)
    file_number: Mapped[str] = mapped_column(sa.String(40))
    case_type: Mapped[CaseType] = mapped_column(_enum(CaseType, 20))
    family: Mapped[CaseFamily] = mapped_column(_enum(CaseFamily, 16))
    #: Folded "family given" name of the applicant (:func:`ebh.cases.search.sort_name`), kept in sync by the
    #: services, so that the case list sorts by name from an index.
    sort_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Status key of the case family's state machine (:mod:`ebh.cases.workflow`).
    status: Mapped[str] = mapped_column(sa.String(30))
    #: The main applicant's case for a co-applicant (spouse or minor child, § 10 Abs. 2 StAG, § 25b Abs. 4).
    main_case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    assigned_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Date the application was received (Antragseingang).
    received_on: Mapped[dt.date] = mapped_column(sa.Date)
    decided_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    outcome: Mapped[Outcome | None] = mapped_column(_enum(Outcome, 12))
    outcome_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: Last action of the office towards the applicant (second § 75 VwGO mark).
    last_office_action_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    #: Earliest open due date of the case (document deadline, Wiedervorlage, ...); drives the "overdue" filter.
    due_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    #: Declarations given by the applicant (§ 10 Abs. 1 S. 1 Nr. 1 and 1a StAG; § 25b Abs. 1 Nr. 2).
    declaration_fdgo_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    declaration_historic_responsibility_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    #: Proof of school attendance of the children of compulsory school age (§ 25b Abs. 1 Nr. 5).
    children_school_attendance_proven: Mapped[bool | None]
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    person: Mapped[Person] = relationship(back_populates="cases")
    assigned_to = relationship("User")
    main_case: Mapped[Case | None] = relationship(remote_side=[id], back_populates="co_cases")
    co_cases: Mapped[list[Case]] = relationship(back_populates="main_case")
    documents: Mapped[list[CaseDocument]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="CaseDocument.id"
    )
    fees: Mapped[list[Fee]] = relationship(back_populates="case", cascade="all, delete-orphan")
    security_checks: Mapped[list[SecurityCheck]] = relationship(back_populates="case", cascade="all, delete-orphan")
    notes: Mapped[list[Note]] = relationship(back_populates="case", order_by="Note.created_at")
    status_changes: Mapped[list[StatusChange]] = relationship(back_populates="case", order_by="StatusChange.id")


class StatusChange(db.Model):
    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(sa.String(30))
    to_status: Mapped[str] = mapped_column(sa.String(30))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    case: Mapped[Case] = relationship(back_populates="status_changes")
    changed_by = relationship("User")


class CaseDocument(db.Model):
    """One line of the document checklist: requested, deadline, received, valid until."""

    __tablename__ = "case_documents"
    __table_args__ = (sa.Index("ix_case_documents_open_deadline", "deadline", "received_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    #: Key of :data:`ebh.cases.catalog.DOCUMENT_TYPES`.
    document_type: Mapped[str] = mapped_column(sa.String(40))
    required: Mapped[bool] = mapped_column(default=True)
    requested_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    deadline: Mapped[dt.date | None] = mapped_column(sa.Date)
    received_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    #: Issue date of the submitted document (validity clock, e.g. "not older than six months").
    issued_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    valid_until: Mapped[dt.date | None] = mapped_column(sa.Date)
    remark: Mapped[str] = mapped_column(sa.String(500), default="")

    case: Mapped[Case] = relationship(back_populates="documents")


class Fee(db.Model):
    __tablename__ = "fees"
    __table_args__ = (
        sa.CheckConstraint("amount_cents >= 0", name="amount_not_negative"),
        sa.CheckConstraint("reduction_cents >= 0 AND reduction_cents <= amount_cents", name="reduction_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    #: e.g. "§ 38 Abs. 2 S. 1 StAG".
    legal_basis: Mapped[str] = mapped_column(sa.String(80))
    amount_cents: Mapped[int]
    reduction_cents: Mapped[int] = mapped_column(default=0)
    #: Reason for a reduction or waiver (§ 38 Abs. 4 StAG: Billigkeit, öffentliches Interesse).
    reduction_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    due_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    paid_on: Mapped[dt.date | None] = mapped_column(sa.Date)

    case: Mapped[Case] = relationship(back_populates="fees")

    @property
    def payable_cents(self) -> int:
        return self.amount_cents - self.reduction_cents


class SecurityCheck(db.Model):
    """An external query: Regelanfrage (§ 37 Abs. 2 StAG), BZR, AZR."""

    __tablename__ = "security_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    #: regelanfrage, bzr, azr
    kind: Mapped[str] = mapped_column(sa.String(20))
    requested_on: Mapped[dt.date] = mapped_column(sa.Date)
    answered_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    #: pending, no_findings, findings
    result: Mapped[str] = mapped_column(sa.String(20), default="pending")
    remark: Mapped[str] = mapped_column(sa.String(500), default="")

    case: Mapped[Case] = relationship(back_populates="security_checks")


class Note(db.Model):
    """A caseworker's note; notes are never edited, a correction is a new note."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    text: Mapped[str] = mapped_column(sa.Text)

    case: Mapped[Case] = relationship(back_populates="notes")
    author = relationship("User")
