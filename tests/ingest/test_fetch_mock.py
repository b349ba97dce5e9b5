"""Fetching pages through httpx's mock transport (the ``client=`` seam): limits, redirects, timeouts; no network at all.

Hosts are public IP literals, so checking the address needs no name lookup.
"""

import httpx
import pytest

from seethe.errors import ReportError
from seethe.ingest.web import fetch

PUBLIC = "http://93.184.216.34"


def client(handler):
    return httpx.Client(transport=httpx.MockTransport(handler), follow_redirects=False)


def test_a_page_is_fetched_with_its_type_and_final_address():
    def handler(request):
        if request.url.path == "/old":
            return httpx.Response(301, headers={"location": "/new"})
        return httpx.Response(200, text="<p>Leaflets in Hyesan.</p>", headers={"content-type": "text/html"})

    body, ctype, final = fetch(f"{PUBLIC}/old", client=client(handler))
    assert body.startswith(b"<p>Leaflets") and ctype == "text/html" and final == f"{PUBLIC}/new"


def test_a_redirect_to_a_local_address_is_refused_at_that_hop():
    seen = []

    def handler(request):
        seen.append(str(request.url))
        return httpx.Response(302, headers={"location": "http://127.0.0.1:8000/admin"})

    with pytest.raises(ReportError, match="private or local address"):
        fetch(f"{PUBLIC}/go", client=client(handler))
    assert seen == [f"{PUBLIC}/go"]  # the local address was never asked


def test_too_many_redirects():
    handler = lambda request: httpx.Response(302, headers={"location": f"/{len(str(request.url))}"})  # noqa: E731
    with pytest.raises(ReportError, match="redirects"):
        fetch(f"{PUBLIC}/a", client=client(handler), max_redirects=3)


def test_declared_and_streamed_sizes_over_the_limit_are_refused():
    declared = lambda request: httpx.Response(200, headers={"content-length": "999999"}, content=b"x")  # noqa: E731
    with pytest.raises(ReportError, match="too large"):
        fetch(f"{PUBLIC}/big", client=client(declared), max_bytes=1000)
    streamed = lambda request: httpx.Response(200, content=b"x" * 5000)  # noqa: E731
    with pytest.raises(ReportError, match="too large"):
        fetch(f"{PUBLIC}/big", client=client(streamed), max_bytes=1000)


def test_http_errors_and_timeouts_are_one_line_report_errors():
    with pytest.raises(ReportError, match="HTTP 404"):
        fetch(f"{PUBLIC}/gone", client=client(lambda request: httpx.Response(404)))

    def slow(request):
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(ReportError, match="timed out"):
        fetch(f"{PUBLIC}/slow", client=client(slow))
