"""Fixtures for the deadlines tests: a real SMTP server (aiosmtpd) and case builders."""
from __future__ import annotations

import datetime as dt
import email
import email.parser
import email.policy
import threading
import time

import pytest
from aiosmtpd.controller import Controller

from tests import factories
from tests.conftest import free_port


class Sink:
    """Collects every message the SMTP server accepts (envelope recipients and the parsed message)."""

    def __init__(self) -> None:
        #: Raw messages as received; parsing happens lazily in the test thread (the server must be fast).
        self.raw: list[bytes] = []
        self.recipients: list[list[str]] = []
        self.lock = threading.Lock()
        #: Recipient addresses the server refuses with 550.
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook name
        with self.lock:
            self.raw.append(envelope.original_content)
            self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.sink = Sink()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def count(self) -> int:
        return len(self.sink.raw)

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        with self.sink.lock:
            raw = list(self.sink.raw)
        return [email.message_from_bytes(r, policy=email.policy.default) for r in raw]

    def message_ids(self) -> list[str]:
        """Message-ID headers only (fast header parse, for thousands of mails)."""
        parser = email.parser.BytesHeaderParser()
        with self.sink.lock:
            raw = list(self.sink.raw)
        return [parser.parsebytes(r)["Message-ID"] for r in raw]

    def wait_for(self, count: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while self.count < count and time.monotonic() < deadline:
            time.sleep(0.02)


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_port_down():
    """A port nothing listens on (the SMTP server is down)."""
    return free_port()


def make_case(office, *, assigned=None, received_on=dt.date(2026, 1, 15), status="in_review", **kwargs):
    person = factories.person(office)
    return factories.case(person, status=status, received_on=received_on,
                          assigned_to_id=assigned.id if assigned else None, **kwargs)
