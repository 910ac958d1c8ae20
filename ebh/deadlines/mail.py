"""Reminder mails: German plain text, no personal data of the applicant (file number and link only).

Messages are rendered straight to RFC 5322 bytes (UTF-8, quoted-printable body, RFC 2047 subject):
``email.message.EmailMessage`` costs about 0.7 ms per mail, more than the SMTP round trips, and the
dispatcher sends 100,000 mails in a run. ``tests/deadlines`` parses every mail back with the standard
``email`` parser to check headers and text.
"""
from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import quopri
from collections.abc import Sequence
from email.utils import format_datetime

from ebh.deadlines.models import DeadlineKind as K

#: German names of the deadline kinds for mails (the UI uses the translatable ``labels.KIND_LABELS``).
KIND_TEXT = {
    K.WIEDERVORLAGE: "Wiedervorlage",
    K.DOCUMENT: "Frist für angeforderte Unterlagen",
    K.VWGO75_APPLICATION: "Untätigkeitsklage möglich (3 Monate seit Antrag, § 75 VwGO)",
    K.VWGO75_LAST_ACTION: "Untätigkeitsklage möglich (3 Monate seit letzter Bearbeitung, § 75 VwGO)",
    K.PERMIT_EXPIRY: "Aufenthaltsdokument läuft ab",
    K.DOCUMENT_VALIDITY: "Unterlage wird zu alt",
    K.ZUSICHERUNG_EXPIRY: "Einbürgerungszusicherung läuft ab",
    K.ELIGIBLE_FROM: "Voraussetzungen voraussichtlich erfüllt",
}


def mail_domain(sender: str) -> str:
    """The domain part of MAIL_FROM, used in Message-IDs."""
    return sender.rsplit("@", 1)[-1].strip("> ") or "ebh.invalid"


@dataclasses.dataclass(frozen=True)
class ReminderMail:
    reminder_id: int
    message_id: str
    recipient: str
    recipient_name: str
    case_id: int
    file_number: str
    kind: K
    detail: str
    due_on: dt.date
    legal_basis: str


def _header(text: str) -> str:
    """RFC 2047 encoded words (base64, ≤ 75 characters each) for non-ASCII header text."""
    if text.isascii():
        return text
    data, words = text.encode(), []
    while data:
        cut = min(45, len(data))
        while cut < len(data) and (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            cut -= 1
        words.append(f"=?utf-8?b?{base64.b64encode(data[:cut]).decode()}?=")
        data = data[cut:]
    return "\r\n ".join(words)


def _line(item: ReminderMail) -> str:
    detail = f" – {item.detail}" if item.detail else ""
    basis = f" ({item.legal_basis})" if item.legal_basis else ""
    return f"{KIND_TEXT[item.kind]}{detail}\n  fällig am {item.due_on:%d.%m.%Y}{basis}"


def _message(*, sender: str, to: str, subject: str, message_id: str, body: str, now: dt.datetime) -> bytes:
    headers = (
        f"From: {sender}\r\n"
        f"To: {to}\r\n"
        f"Subject: {_header(subject)}\r\n"
        f"Date: {format_datetime(now)}\r\n"
        f"Message-ID: {message_id}\r\n"
        "Auto-Submitted: auto-generated\r\n"
        "X-Auto-Response-Suppress: All\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    return headers.encode("ascii") + quopri.encodestring(body.replace("\n", "\r\n").encode("utf-8"))


_FOOTER = (
    "\n\nDiese Nachricht wurde automatisch von ebh erzeugt. Angaben zur Person stehen nur in der "
    "Anwendung.\nEinstellungen für Erinnerungen: {base}/fristen/einstellungen\n"
)


def render(item: ReminderMail, *, sender: str, base_url: str, now: dt.datetime) -> bytes:
    subject = f"Frist {item.due_on:%d.%m.%Y}: {KIND_TEXT[item.kind]} – Akte {item.file_number}"
    body = (
        f"Guten Tag {item.recipient_name},\n\n"
        f"für die Akte {item.file_number} steht an:\n\n"
        f"{_line(item)}\n\n"
        f"Akte öffnen: {base_url}/cases/{item.case_id}"
        + _FOOTER.format(base=base_url)
    )
    return _message(sender=sender, to=item.recipient, subject=subject, message_id=item.message_id, body=body,
                    now=now)


def render_digest(items: Sequence[ReminderMail], *, message_id: str, sender: str, base_url: str,
                  now: dt.datetime) -> bytes:
    """One mail listing all of a caseworker's reminders of the day."""
    first = items[0]
    subject = f"Fristen-Übersicht: {len(items)} Erinnerung{'en' if len(items) != 1 else ''}"
    entries = "\n\n".join(
        f"Akte {item.file_number}: {_line(item)}\n  {base_url}/cases/{item.case_id}"
        for item in sorted(items, key=lambda i: (i.due_on, i.file_number))
    )
    body = f"Guten Tag {first.recipient_name},\n\nIhre Erinnerungen für heute:\n\n{entries}" + _FOOTER.format(
        base=base_url)
    return _message(sender=sender, to=first.recipient, subject=subject, message_id=message_id, body=body, now=now)
