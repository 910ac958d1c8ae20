"""Explicit state machines for the two case families.

A case moves only along the edges listed here; anything else (an unknown status, a skipped step such
as "eingegangen" → "bewilligt", leaving a terminal state) raises :class:`InvalidTransition`.
Statuses with an ``outcome`` are decisions: entering them sets ``Case.decided_on``/``Case.outcome``.
Status keys are English and stored in ``Case.status``; labels are German.
"""
from __future__ import annotations

import dataclasses

from flask_babel import lazy_gettext as _l

from ebh.cases.models import CaseFamily, CaseType, Outcome


class WorkflowError(ValueError):
    """Base class of workflow errors; ``str(error)`` is a German message for the user."""

    field = "to_status"


class InvalidTransition(WorkflowError):
    pass


@dataclasses.dataclass(frozen=True)
class Status:
    key: str
    label: object  # lazy German string
    #: Decision reached by entering this status (sets decided_on/outcome).
    outcome: Outcome | None = None
    terminal: bool = False
    #: A refusal needs a written reason.
    reason_required: bool = False


RECEIVED = "received"
IN_REVIEW = "in_review"
DOCUMENTS_REQUESTED = "documents_requested"
SECURITY_CHECKS = "security_checks"
READY_FOR_DECISION = "ready_for_decision"
GRANTED = "granted"
CERTIFICATE_HANDED_OVER = "certificate_handed_over"
SUSPENDED = "suspended"
REFUSED = "refused"
WITHDRAWN = "withdrawn"

_COMMON = {
    RECEIVED: Status(RECEIVED, _l("eingegangen")),
    IN_REVIEW: Status(IN_REVIEW, _l("in Prüfung")),
    DOCUMENTS_REQUESTED: Status(DOCUMENTS_REQUESTED, _l("Unterlagen nachgefordert")),
    READY_FOR_DECISION: Status(READY_FOR_DECISION, _l("entscheidungsreif")),
    REFUSED: Status(REFUSED, _l("abgelehnt"), Outcome.REFUSED, terminal=True, reason_required=True),
    WITHDRAWN: Status(WITHDRAWN, _l("zurückgenommen"), Outcome.WITHDRAWN, terminal=True),
}


@dataclasses.dataclass(frozen=True)
class Workflow:
    family: CaseFamily
    #: Statuses in their natural order (used for select boxes and the docs table).
    statuses: tuple[Status, ...]
    transitions: dict[str, tuple[str, ...]]
    initial: str = RECEIVED

    def status(self, key: str) -> Status:
        for status in self.statuses:
            if status.key == key:
                return status
        raise InvalidTransition(_l("Unbekannter Status „%(key)s“.", key=key))

    def label(self, key: str) -> str:
        try:
            return str(self.status(key).label)
        except InvalidTransition:
            return key

    def allowed(self, current: str) -> list[Status]:
        return [self.status(key) for key in self.transitions.get(current, ())]

    def open_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.statuses if not s.terminal)

    def check(self, current: str, target: str) -> Status:
        """Return the target status if ``current → target`` is an edge, else raise :class:`InvalidTransition`."""
        target_status = self.status(target)
        current_status = self.status(current)
        if target not in self.transitions.get(current, ()):
            allowed = ", ".join(f"„{s.label}“" for s in self.allowed(current)) or str(_l("keiner (Endstatus)"))
            raise InvalidTransition(
                _l(
                    "Der Statuswechsel von „%(old)s“ nach „%(new)s“ ist nicht zulässig. Zulässig: %(allowed)s.",
                    old=current_status.label,
                    new=target_status.label,
                    allowed=allowed,
                )
            )
        return target_status


NATURALIZATION = Workflow(
    family=CaseFamily.NATURALIZATION,
    statuses=(
        _COMMON[RECEIVED],
        _COMMON[IN_REVIEW],
        _COMMON[DOCUMENTS_REQUESTED],
        Status(SECURITY_CHECKS, _l("Sicherheitsabfragen")),
        _COMMON[READY_FOR_DECISION],
        # § 12a Abs. 3 StAG: the decision is suspended while a criminal investigation is pending.
        Status(SUSPENDED, _l("ausgesetzt (§ 12a Abs. 3 StAG)")),
        Status(GRANTED, _l("bewilligt"), Outcome.GRANTED),
        # § 16 StAG: naturalization takes effect with the handing over of the certificate.
        Status(CERTIFICATE_HANDED_OVER, _l("Urkunde ausgehändigt"), terminal=True),
        _COMMON[REFUSED],
        _COMMON[WITHDRAWN],
    ),
    transitions={
        RECEIVED: (IN_REVIEW, WITHDRAWN),
        IN_REVIEW: (DOCUMENTS_REQUESTED, SECURITY_CHECKS, SUSPENDED, REFUSED, WITHDRAWN),
        DOCUMENTS_REQUESTED: (IN_REVIEW, SUSPENDED, REFUSED, WITHDRAWN),
        SECURITY_CHECKS: (READY_FOR_DECISION, IN_REVIEW, DOCUMENTS_REQUESTED, SUSPENDED, REFUSED, WITHDRAWN),
        READY_FOR_DECISION: (GRANTED, REFUSED, IN_REVIEW, DOCUMENTS_REQUESTED, SUSPENDED, WITHDRAWN),
        SUSPENDED: (IN_REVIEW, SECURITY_CHECKS, READY_FOR_DECISION, REFUSED, WITHDRAWN),
        GRANTED: (CERTIFICATE_HANDED_OVER, WITHDRAWN),
        CERTIFICATE_HANDED_OVER: (),
        REFUSED: (),
        WITHDRAWN: (),
    },
)

RESIDENCE = Workflow(
    family=CaseFamily.RESIDENCE,
    statuses=(
        _COMMON[RECEIVED],
        _COMMON[IN_REVIEW],
        _COMMON[DOCUMENTS_REQUESTED],
        _COMMON[READY_FOR_DECISION],
        Status(GRANTED, _l("erteilt"), Outcome.GRANTED, terminal=True),
        _COMMON[REFUSED],
        _COMMON[WITHDRAWN],
    ),
    transitions={
        RECEIVED: (IN_REVIEW, WITHDRAWN),
        IN_REVIEW: (DOCUMENTS_REQUESTED, READY_FOR_DECISION, REFUSED, WITHDRAWN),
        DOCUMENTS_REQUESTED: (IN_REVIEW, REFUSED, WITHDRAWN),
        READY_FOR_DECISION: (GRANTED, REFUSED, IN_REVIEW, DOCUMENTS_REQUESTED, WITHDRAWN),
        GRANTED: (),
        REFUSED: (),
        WITHDRAWN: (),
    },
)

WORKFLOWS = {CaseFamily.NATURALIZATION: NATURALIZATION, CaseFamily.RESIDENCE: RESIDENCE}

#: Status keys that are open (not terminal) in at least one family; "overdue" only applies to these.
#: ``granted`` is open for naturalization (certificate not yet handed over) but terminal for residence.
TERMINAL_KEYS = {
    family: tuple(s.key for s in wf.statuses if s.terminal) for family, wf in WORKFLOWS.items()
}


def workflow_for(kind: CaseFamily | CaseType | str) -> Workflow:
    """The state machine of a case family or case type."""
    if isinstance(kind, CaseType):
        return WORKFLOWS[kind.family]
    if isinstance(kind, CaseFamily):
        return WORKFLOWS[kind]
    try:
        return WORKFLOWS[CaseFamily(kind)]
    except ValueError:
        return WORKFLOWS[CaseType(kind).family]


def status_label(family: CaseFamily | CaseType | str, key: str) -> str:
    return workflow_for(family).label(key)


def all_statuses() -> list[tuple[str, str]]:
    """Every status key with its label, once (for the status filter); naturalization labels win."""
    seen: dict[str, str] = {}
    for wf in (NATURALIZATION, RESIDENCE):
        for status in wf.statuses:
            seen.setdefault(status.key, str(status.label))
    return list(seen.items())


def is_open(family: CaseFamily, key: str) -> bool:
    return key not in TERMINAL_KEYS[family]
