"""A local HTTP server answering like Crossref, NCBI and ClinicalTrials.gov.

It serves the recorded responses in ``recordings/`` (see its README for where each
came from), so no test reaches the internet. Tests script faults per identifier: a
response slower than the client's timeout, or a 429 with Retry-After. Run it by hand
to try the lookups and checks on the demo without the network::

    python -m tests.references.recorded_server 8765
"""

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

RECORDINGS = Path(__file__).parent / "recordings"


def recording_name(identifier: str) -> str:
    """File name of a recording: the identifier, lower case, path characters as _."""
    name = identifier.lower()
    for character in "/()":
        name = name.replace(character, "_")
    return name


@dataclass
class Fault:
    kind: str  # "timeout" or "rate_limit"
    retry_after: int = 1
    delay: float = 3.0


@dataclass
class RecordedServer:
    port: int = 0
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    requests: list[dict] = field(default_factory=list)
    httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def service_settings(self) -> dict[str, str]:
        return {
            "MEDREVIEW_CROSSREF_URL": f"{self.url}/crossref",
            "MEDREVIEW_EUTILS_URL": f"{self.url}/eutils",
            "MEDREVIEW_PMC_IDCONV_URL": f"{self.url}/idconv",
            "MEDREVIEW_CLINICALTRIALS_URL": f"{self.url}/ctgov",
        }

    def link_resolvers(self) -> dict[str, str]:
        return {
            name: f"{self.url}/links/{name}/{{}}"
            for name in ("doi", "pmid", "pmcid", "nct_number")
        }

    def add_fault(self, identifier: str, fault: Fault, times: int = 1) -> None:
        self.faults.setdefault(identifier.lower(), []).extend([fault] * times)

    def start(self) -> "RecordedServer":
        server = self

        class Handler(RecordedHandler):
            recorded = server

        self.httpd = QuietServer(("127.0.0.1", self.port), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up (the timeout tests) closes the socket mid-answer.
        if not isinstance(sys.exception(), ConnectionError):
            super().handle_error(request, client_address)


class RecordedHandler(BaseHTTPRequestHandler):
    recorded: RecordedServer

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def do_HEAD(self):
        self.answer(head=True)

    def do_GET(self):
        self.answer(head=False)

    def answer(self, *, head: bool) -> None:
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        self.recorded.requests.append(
            {
                "method": self.command,
                "path": path,
                "query": query,
                "user_agent": self.headers.get("User-Agent", ""),
            }
        )
        if self.apply_fault(f"{path} {json.dumps(query)}".lower()):
            return
        status, content_type, body, headers = self.route(path, query)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def apply_fault(self, request_text: str) -> bool:
        for identifier, faults in self.recorded.faults.items():
            if identifier in request_text and faults:
                fault = faults.pop(0)
                if fault.kind == "timeout":
                    time.sleep(fault.delay)
                    return False
                body = b'{"message":"Too Many Requests"}'
                self.send_response(429)
                self.send_header("Retry-After", str(fault.retry_after))
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return True
        return False

    def route(self, path: str, query: dict[str, str]):
        if path.startswith("/crossref/works/"):
            doi = path.removeprefix("/crossref/works/")
            return self.recording("crossref", recording_name(doi) + ".json")
        if path == "/crossref/works":
            doi = query.get("filter", "").removeprefix("updates:")
            return self.recording(
                "crossref",
                f"updates_{recording_name(doi)}.json",
                fallback="updates_empty.json",
            )
        if path == "/eutils/esummary.fcgi":
            return self.recording(
                "eutils",
                f"esummary_{query.get('id', '')}.json",
                fallback="esummary_unknown.json",
            )
        if path == "/eutils/efetch.fcgi":
            return self.recording(
                "eutils",
                f"efetch_{query.get('id', '')}.xml",
                fallback="efetch_empty.xml",
            )
        if path.rstrip("/") == "/idconv":
            return self.recording(
                "idconv",
                recording_name(query.get("ids", "")) + ".json",
                fallback="unknown.json",
            )
        if path.startswith("/ctgov/studies/"):
            nct = path.removeprefix("/ctgov/studies/").upper()
            return self.recording("ctgov", f"{nct}.json")
        if path.startswith("/links/"):
            return self.link(path.removeprefix("/links/"))
        return 404, "application/json", b'{"message":"Not Found"}', {}

    def link(self, rest: str):
        """A resolver page: found when a recording of the identifier exists."""
        found = (200, "text/html", b"<p>found</p>", {})
        missing = (404, "text/html", b"<p>not found</p>", {})
        kind, _slash, identifier = rest.partition("/")
        identifier = identifier.strip("/")
        if kind == "ok":
            return found
        if kind == "moved":
            return 301, "text/html", b"", {"Location": "/links/ok"}
        if kind == "head-refused":
            return (405, "text/html", b"", {}) if self.command == "HEAD" else found
        recordings = {
            "doi": RECORDINGS / "crossref" / f"{recording_name(identifier)}.json",
            "pmid": RECORDINGS / "eutils" / f"esummary_{identifier}.json",
            "pmcid": RECORDINGS / "idconv" / f"{recording_name(identifier)}.json",
            "nct_number": RECORDINGS / "ctgov" / f"{identifier}.json",
        }
        if kind not in recordings or not recordings[kind].exists():
            return missing
        if kind == "doi":  # doi.org answers with a redirect to the publisher
            return 302, "text/html", b"", {"Location": "/links/ok"}
        return found

    def recording(self, service: str, name: str, fallback: str | None = None):
        path = RECORDINGS / service / name
        if not path.exists() and fallback:
            path = RECORDINGS / service / fallback
        if not path.exists():
            return 404, "application/json", b'{"message":"Not Found"}', {}
        content_type = "text/xml" if path.suffix == ".xml" else "application/json"
        return 200, content_type, path.read_bytes(), {}


if __name__ == "__main__":
    recorded = RecordedServer(port=int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    recorded.start()
    print(f"Serving the recorded responses at {recorded.url}; set:")
    for name, value in recorded.service_settings().items():
        print(f"  export {name}={value}")
    resolvers = recorded.link_resolvers()
    print(f"  export MEDREVIEW_DOI_RESOLVER={resolvers['doi']}")
    print(f"  export MEDREVIEW_PUBMED_RESOLVER={resolvers['pmid']}")
    print(f"  export MEDREVIEW_PMC_RESOLVER={resolvers['pmcid']}")
    print(f"  export MEDREVIEW_CLINICALTRIALS_RESOLVER={resolvers['nct_number']}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        recorded.stop()
