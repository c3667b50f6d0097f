"""Schema.org JSON-LD for approved article pages: only what the page itself shows.

Search engines and assistants read these claims as the publisher's word, so a page
that has never been approved carries none (it is marked ``noindex`` instead).
"""

import json
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from articles.models import Audience
from articles.selectors import ArticlePage

# Characters that could end the <script> element or open a comment inside it.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

AUDIENCE_TYPES = {Audience.PATIENT: "Patient", Audience.CLINICIAN: "Clinician"}


def medical_web_page(*, page: ArticlePage, request) -> dict[str, Any] | None:
    """The page as a ``MedicalWebPage``, or None before its first approval."""
    if not page.is_reviewed:
        return None
    absolute = request.build_absolute_uri
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "url": absolute(page.article.get_absolute_url()),
        "name": page.title,
        "inLanguage": "en",
        "lastReviewed": page.last_reviewed.date().isoformat(),
        "dateModified": page.last_updated.isoformat(timespec="seconds"),
        "reviewedBy": [
            {
                "@type": "Person",
                "name": member["name"],
                **(
                    {"honorificSuffix": member["credentials"]}
                    if member.get("credentials")
                    else {}
                ),
                "url": absolute(reverse("reviewers:member", args=[member["slug"]])),
            }
            for member in page.reviewed_by
        ],
        "medicalAudience": {
            "@type": "MedicalAudience",
            "audienceType": AUDIENCE_TYPES[page.audience],
        },
        "publishingPrinciples": absolute(reverse("editorial:policy")),
        "isPartOf": {
            "@type": "WebSite",
            "name": "Medreview",
            "url": absolute(reverse("articles:list")),
        },
    }
    if page.summary:
        data["description"] = page.summary
    about = [page.specialty, *page.article_keywords]
    if any(about):
        data["about"] = [{"@type": "Thing", "name": name} for name in about if name]
    writer = page.article.writer
    if writer is not None:
        data["author"] = {
            "@type": "Person",
            "name": writer.display_name,
            **({"honorificSuffix": writer.credentials} if writer.credentials else {}),
        }
    if page.body.references:
        data["citation"] = [
            _creative_work(item.reference) for item in page.body.references
        ]
    return data


def _creative_work(reference) -> dict[str, str]:
    work = {
        "@type": "CreativeWork",
        "name": reference.title,
        "citation": reference.vancouver(),
    }
    url = reference.doi_url or reference.pubmed_url or reference.url
    if url:
        work["url"] = url
    return work


def as_script_content(data: dict[str, Any] | None) -> SafeString | str:
    """JSON safe to place inside a <script type="application/ld+json"> element."""
    if data is None:
        return ""
    text = json.dumps(data, ensure_ascii=False, indent=1).translate(SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 - the characters that end a script are escaped
