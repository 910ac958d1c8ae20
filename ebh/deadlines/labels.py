"""Translatable German names of deadline kinds and the detail text of a deadline for the UI."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ebh.cases.catalog import DOCUMENT_TYPES
from ebh.deadlines.models import Deadline
from ebh.deadlines.models import DeadlineKind as K

KIND_LABELS = {
    K.WIEDERVORLAGE: _l("Wiedervorlage"),
    K.DOCUMENT: _l("Frist für angeforderte Unterlagen"),
    K.VWGO75_APPLICATION: _l("§ 75 VwGO: 3 Monate seit Antrag"),
    K.VWGO75_LAST_ACTION: _l("§ 75 VwGO: 3 Monate seit letzter Bearbeitung"),
    K.PERMIT_EXPIRY: _l("Aufenthaltsdokument läuft ab"),
    K.DOCUMENT_VALIDITY: _l("Unterlage wird zu alt"),
    K.ZUSICHERUNG_EXPIRY: _l("Einbürgerungszusicherung läuft ab"),
    K.ELIGIBLE_FROM: _l("Voraussetzungen voraussichtlich erfüllt ab"),
}


def detail_text(deadline: Deadline) -> str:
    """The document title for document deadlines, else the stored German label."""
    if deadline.kind in (K.DOCUMENT, K.DOCUMENT_VALIDITY) and deadline.label in DOCUMENT_TYPES:
        return str(DOCUMENT_TYPES[deadline.label].title)
    return deadline.label


def title(deadline: Deadline) -> str:
    detail = detail_text(deadline)
    return f"{KIND_LABELS[deadline.kind]} – {detail}" if detail else str(KIND_LABELS[deadline.kind])
