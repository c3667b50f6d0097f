"""What counts as live markup in HTML the site produces, for property-based tests."""

from html.parser import HTMLParser

SAFE_LINK_PREFIXES = ("#", "http://", "https://", "mailto:")


class _LiveMarkupFinder(HTMLParser):
    def __init__(self, allowed_tags: set[str]):
        super().__init__(convert_charrefs=True)
        self.allowed_tags = allowed_tags
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.allowed_tags:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip()
            if name.startswith("on") or name in ("style", "src", "srcdoc"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in (
                "href",
                "action",
                "formaction",
            ) and not value.lower().startswith(SAFE_LINK_PREFIXES):
                self.found.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def live_markup(html: str, allowed_tags: set[str]) -> list[str]:
    """Tags outside ``allowed_tags``, event handlers, inline styles and links to
    anything but a fragment or an http(s)/mailto address, as found in ``html``."""
    finder = _LiveMarkupFinder(allowed_tags)
    finder.feed(html)
    finder.close()
    return finder.found
