"""The daily checks that keep cited evidence trustworthy after approval.

Integrity: Crossref's update relations and PubMed's retraction notices for every
cited work; what is found is recorded as a ``ReferenceNotice`` for editors to confirm
or dismiss, and nothing else changes. Links: each reference's URL and identifier
pages are asked (HEAD, redirects followed, one request at a time per host with a
pause) and the answer recorded as a ``LinkCheck``. Neither check blocks publishing.
"""

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from references.lookups import crossref, http, ncbi
from references.models import LinkCheck, Reference, ReferenceNotice
from references.signals import notice_found

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass
class CheckReport:
    checked: int = 0
    new_notices: list[ReferenceNotice] = field(default_factory=list)
    broken_links: list[LinkCheck] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def cited_references() -> QuerySet[Reference]:
    """Every reference at least one section cites (through the reverse accessor)."""
    return Reference.objects.filter(citations__isnull=False).distinct().order_by("pk")


class PolitePacer:
    """Waits between two requests to the same host, as the services ask."""

    def __init__(self, pause: float):
        self.pause = pause
        self.last_request: dict[str, float] = {}

    def wait_for(self, url: str) -> None:
        host = urlsplit(url).netloc
        elapsed = time.monotonic() - self.last_request.get(host, float("-inf"))
        if elapsed < self.pause:
            time.sleep(self.pause - elapsed)
        self.last_request[host] = time.monotonic()


def references_integrity_check(
    *, references: Iterable[Reference] | None = None, progress: Progress | None = None
) -> CheckReport:
    """Ask Crossref and PubMed about each reference; record what is new."""
    pacer = PolitePacer(settings.MEDREVIEW_CHECK_PAUSE_SECONDS)

    def check(reference: Reference) -> tuple[CheckReport, str]:
        found = reference_integrity_check(reference=reference, pacer=pacer)
        return found, _describe(found)

    return _check_each(references, check, progress)


def _check_each(
    references: Iterable[Reference] | None,
    check: Callable[[Reference], tuple[CheckReport, str]],
    progress: Progress | None,
) -> CheckReport:
    """Run ``check`` on each reference (every cited one by default), add up the
    reports and tell ``progress`` how each went."""
    report = CheckReport()
    references = list(cited_references() if references is None else references)
    for position, reference in enumerate(references, start=1):
        found, outcome = check(reference)
        report.checked += 1
        report.new_notices += found.new_notices
        report.broken_links += found.broken_links
        report.failures += found.failures
        if progress:
            progress(
                _("%(n)s/%(total)s %(key)s: %(outcome)s")
                % {
                    "n": position,
                    "total": len(references),
                    "key": reference.citation_key,
                    "outcome": outcome,
                }
            )
    return report


def reference_integrity_check(
    *, reference: Reference, pacer: PolitePacer | None = None
) -> CheckReport:
    report = CheckReport(checked=1)
    pacer = pacer or PolitePacer(settings.MEDREVIEW_CHECK_PAUSE_SECONDS)
    sources = []
    if reference.doi:
        sources.append(
            (
                "Crossref",
                settings.MEDREVIEW_CROSSREF_URL,
                lambda: crossref.update_notices(reference.doi),
            )
        )
    if reference.pmid:
        sources.append(
            (
                "PubMed",
                settings.MEDREVIEW_EUTILS_URL,
                lambda: ncbi.notices(reference.pmid),
            )
        )
    for found_in, base_url, ask in sources:
        pacer.wait_for(base_url)
        try:
            notices = ask()
        except (http.ServiceUnavailable, http.NotFound) as error:
            report.failures.append(
                _("%(key)s: %(error)s")
                % {"key": reference.citation_key, "error": error}
            )
            continue
        with transaction.atomic():
            for notice in notices:
                recorded, created = ReferenceNotice.objects.get_or_create(
                    reference=reference,
                    kind=notice.kind,
                    notice_identifier=notice.notice_identifier,
                    found_in=found_in,
                    defaults={"notice_date": notice.date, "source": notice.source},
                )
                if created:
                    report.new_notices.append(recorded)
                    notice_found.send(sender=ReferenceNotice, notice=recorded)
    return report


def reference_links(reference: Reference) -> list[str]:
    """The reference's own URL and the pages of its identifiers."""
    resolvers = settings.MEDREVIEW_LINK_RESOLVERS
    links = [reference.url] if reference.url else []
    for name in ("doi", "pmid", "pmcid", "nct_number"):
        value = getattr(reference, name)
        if value:
            links.append(resolvers[name].format(value))
    return links


def references_links_check(
    *, references: Iterable[Reference] | None = None, progress: Progress | None = None
) -> CheckReport:
    """Open each reference's links and record their answers."""
    pacer = PolitePacer(settings.MEDREVIEW_CHECK_PAUSE_SECONDS)

    def check(reference: Reference) -> tuple[CheckReport, str]:
        checks = [
            link_check(reference=reference, url=url, pacer=pacer)
            for url in reference_links(reference)
        ]
        broken = [check for check in checks if check.outcome != LinkCheck.Outcome.OK]
        outcome = _("%(ok)s of %(count)s links work") % {
            "ok": len(checks) - len(broken),
            "count": len(checks),
        }
        return CheckReport(checked=1, broken_links=broken), outcome

    return _check_each(references, check, progress)


def link_check(*, reference: Reference, url: str, pacer: PolitePacer) -> LinkCheck:
    """HEAD the link (GET when HEAD is refused) and record the answer."""
    outcome, status, final_url, detail = _ask_link(url, pacer)
    check, _created = LinkCheck.objects.update_or_create(
        reference=reference,
        url=url,
        defaults={
            "outcome": outcome,
            "status_code": status,
            "final_url": final_url[:600],
            "detail": detail[:300],
            "checked": timezone.now(),
        },
    )
    return check


def _ask_link(url: str, pacer: PolitePacer) -> tuple[str, int | None, str, str]:
    for attempt in range(2):
        pacer.wait_for(url)
        try:
            response = http.open_link(url)
            if response.status_code in (405, 501):  # HEAD refused: ask for the page
                response = http.open_link(url, method="GET")
        except http.PrivateAddress:
            return (
                LinkCheck.Outcome.UNREACHABLE,
                None,
                "",
                _("a private network address: not checked"),
            )
        except requests.Timeout:
            return LinkCheck.Outcome.UNREACHABLE, None, "", _("no answer in time")
        except requests.RequestException as error:
            return LinkCheck.Outcome.UNREACHABLE, None, "", type(error).__name__
        if response.status_code == 429:
            retry_after = http.retry_after_seconds(response)
            waitable = (
                retry_after is not None
                and retry_after <= http.RETRY_AFTER_LIMIT_SECONDS
            )
            if attempt == 0 and waitable:
                time.sleep(retry_after)
                continue
            return (
                LinkCheck.Outcome.RATE_LIMITED,
                429,
                response.url,
                _("asked to wait %(seconds)s s") % {"seconds": retry_after or "?"},
            )
        outcome = (
            LinkCheck.Outcome.OK
            if response.status_code < 400
            else LinkCheck.Outcome.BROKEN
        )
        return outcome, response.status_code, response.url, response.reason or ""
    raise AssertionError("unreachable")  # pragma: no cover


def _describe(report: CheckReport) -> str:
    if report.failures:
        return "; ".join(report.failures)
    if report.new_notices:
        return ", ".join(notice.get_kind_display() for notice in report.new_notices)
    return _("nothing new")
