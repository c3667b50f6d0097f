"""A real SMTP server for the fault tests, on a free local port (aiosmtpd).

It counts what it accepted per recipient and ``X-Medreview-Event``, and can be told
to answer 451 once at the n-th message, to refuse an address for good (550), to be
slow, or to hold the n-th message after receiving it (the server has it, the sender
waits for the answer) until the test releases it: the moment a crash duplicates.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from tests.editorial.worker import wait_until


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SinkHandler:
    def __init__(self):
        self.lock = threading.Lock()
        self.accepted: list[tuple[str, str]] = []
        self.data_commands = 0
        self.refused_addresses: set[str] = set()
        self.answer_once_at: dict[int, str] = {}
        self.hold_at: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        self.delay_seconds = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refused_addresses:
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_commands += 1
            number = self.data_commands
            answer = self.answer_once_at.pop(number, None)
        if answer:
            return answer
        message = email.message_from_bytes(envelope.content, policy=email.policy.SMTP)
        event = str(message.get("X-Medreview-Event", ""))
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.accepted.append((recipient.lower(), event))
        if number == self.hold_at:
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self.release.wait)
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        return "250 OK: queued"


class SmtpSink:
    def __init__(self):
        self.handler = SinkHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.handler.release.set()
        self.controller.stop()

    # What the test tells the server.
    def refuse(self, address: str) -> None:
        self.handler.refused_addresses.add(address.lower())

    def answer_451_once_at(self, number: int) -> None:
        self.handler.answer_once_at[number] = (
            "451 4.3.0 Temporary local problem, try again later"
        )

    def hold_message(self, number: int) -> None:
        self.handler.hold_at = number

    def wait_until_holding(self, describe="the held message") -> None:
        wait_until(self.handler.holding.is_set, describe=describe)

    def slow_down(self, seconds: float) -> None:
        self.handler.delay_seconds = seconds

    # What the test reads back.
    def counts(self) -> Counter:
        """(recipient, event) → copies accepted."""
        with self.handler.lock:
            return Counter(self.handler.accepted)

    def per_recipient(self) -> Counter:
        with self.handler.lock:
            return Counter(recipient for recipient, _event in self.handler.accepted)

    def accepted(self) -> int:
        with self.handler.lock:
            return len(self.handler.accepted)

    def environment(self) -> dict[str, str]:
        """The variables that point a worker process at this server."""
        return {
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(self.port),
            "DJANGO_EMAIL_TIMEOUT": "10",
        }


@pytest.fixture
def smtp_sink(settings) -> Iterator[SmtpSink]:
    """The site (in this process) sends through a local SMTP server."""
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_TIMEOUT = 10
    try:
        yield sink
    finally:
        sink.stop()
