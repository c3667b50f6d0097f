"""An email backend for a laptop: one line per email on the console, the full
message in a file.

Django's console backend prints every message whole, MIME parts and all; the demo's
handful of emails fill a screen. This one writes them to ``EMAIL_FILE_PATH`` as the
file backend does and prints who, what and the first link, which is what a person
trying the site needs to follow an invitation.
"""

import re
import sys

from django.core.mail.backends.filebased import EmailBackend as FileBackend

LINK = re.compile(r"https?://\S+")


def summary(message) -> str:
    link = LINK.search(message.body or "")
    line = f"Email to {', '.join(message.to)}: {message.subject}"
    return f"{line} — {link.group(0)}" if link else line


class ConsoleSummaryBackend(FileBackend):
    folder_shown = False

    def send_messages(self, email_messages):
        sent = super().send_messages(email_messages)
        if email_messages and not ConsoleSummaryBackend.folder_shown:
            ConsoleSummaryBackend.folder_shown = True
            sys.stdout.write(f"Emails are written in full to {self.file_path}/\n")
        for message in email_messages:
            sys.stdout.write(summary(message) + "\n")
        sys.stdout.flush()
        return sent
