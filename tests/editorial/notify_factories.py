"""Helpers for the notification, reminder and outbox tests.

The mail itself is caught by Django's in-memory backend (``mailoutbox``); the only
stand-ins here are SMTP servers that hang up: the outside service the product must
survive.
"""

import datetime
import re
import smtplib

from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend

DISCONNECTED_BACKEND = "tests.editorial.notify_factories.DisconnectedBackend"
FLAKY_BACKEND = "tests.editorial.notify_factories.FlakyBackend"


class DisconnectedBackend(BaseEmailBackend):
    """An SMTP server that drops the connection on every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(locmem.EmailBackend):
    """An SMTP server that hangs up ``failures_left`` times, then delivers (to
    ``django.core.mail.outbox``)."""

    failures_left = 0

    def send_messages(self, email_messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(email_messages)


def at(moment: str) -> datetime.datetime:
    """A UTC instant from ``"2027-01-12 15:00"``."""
    return datetime.datetime.fromisoformat(moment).replace(tzinfo=datetime.UTC)


def mail_to(outbox, address: str) -> list:
    """The messages sent to one address, in the order they went."""
    return [message for message in outbox if address in message.to]


def html_part(message) -> str:
    """The HTML alternative of a message (the test fails when there is none)."""
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return content


def link_paths(body: str) -> dict[str, str]:
    """The site paths after "Accept:" and "Decline:" in an invitation's text."""
    found = dict(re.findall(r"^(Accept|Decline): https?://[^/\s]+(/\S*)$", body, re.M))
    return {label.lower(): path for label, path in found.items()}
