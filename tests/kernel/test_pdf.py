"""Documents (invoices, job travelers) render with atelier.pdf: inline data only, nothing from outside."""

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from pypdf import PdfReader

from atelier.pdf import InlineOnlyFetcher, html_to_pdf, render_document

LEAK = "p::after { content: ' LEAKED'; }"


def text_of(pdf):
    assert pdf.startswith(b"%PDF")
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def outside():
    """A web server on the loopback that serves a stylesheet and records every connection to it
    (an https request fails its handshake here, but it would have connected)."""
    asked = []

    class Server(ThreadingHTTPServer):
        def verify_request(self, request, client_address):
            asked.append(client_address)
            return True

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = LEAK.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


def page(stylesheet_url):
    return f'<html><head><link rel="stylesheet" href="{stylesheet_url}"></head><body><p>Invoice</p></body></html>'


def test_inline_data_is_used():
    inline = "data:text/css," + quote("p::after { content: ' INLINE'; }")

    assert text_of(html_to_pdf(page(inline))).split() == ["Invoice", "INLINE"]


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_nothing_is_fetched_from_the_network(outside, scheme):
    address, asked = outside
    html = page(f"{scheme}://{address}/style.css").replace(
        "<p>", f'<p><img src="{scheme}://{address}/logo.png" alt="">'
    )

    assert text_of(html_to_pdf(html)).split() == ["Invoice"]
    assert asked == []


def test_no_local_file_is_read(tmp_path):
    stylesheet = tmp_path / "leak.css"
    stylesheet.write_text(LEAK)

    assert text_of(html_to_pdf(page(stylesheet.as_uri()))).split() == ["Invoice"]
    assert text_of(html_to_pdf(page(str(stylesheet)))).split() == ["Invoice"]


def test_relative_addresses_lead_nowhere(outside):
    """The document has no base to resolve against (about:blank): not our static files, not the site."""
    _address, asked = outside

    for url in ("/static/portal/css/atelier.css", "style.css", "../style.css"):
        assert text_of(html_to_pdf(page(url))).split() == ["Invoice"]
    assert asked == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/style.css",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "ftp://127.0.0.1/file",
        "javascript:alert(1)",
        "about:blank",
    ],
)
def test_the_fetcher_refuses_every_url_but_inline_data(url):
    with pytest.raises(ValueError, match=re.escape(f"documents may not load {url!r}")):
        InlineOnlyFetcher().fetch(url)


def test_the_fetcher_hands_back_inline_data():
    response = InlineOnlyFetcher().fetch("data:text/plain,hello")

    assert response.read() == b"hello"


def test_rendered_documents_join_page_by_page():
    """Job travelers are rendered one by one and written as one PDF."""
    first, second = render_document(page("about:blank")), render_document("<p>Second</p>")

    joined = first.copy([*first.pages, *second.pages]).write_pdf()

    assert len(PdfReader(io.BytesIO(joined)).pages) == 2
    assert text_of(joined).split() == ["Invoice", "Second"]


def test_renders_share_their_thread_s_font_configuration_unless_the_document_brings_fonts():
    """Fonts are found once per thread (issue #22); a document's own @font-face never reaches the next one."""
    from atelier.pdf import _font_config

    plain = "<p>Invoice</p>"
    own = "<style>@font-face { font-family: Own; src: local(DejaVu Sans); }</style><p>Invoice</p>"

    assert _font_config(plain) is _font_config("<p>Second</p>")
    assert _font_config(own) is not _font_config(plain)
    assert _font_config("<link rel=stylesheet href='data:text/css,p{}'>") is not _font_config(plain)
    others = []
    thread = threading.Thread(target=lambda: others.append(_font_config(plain)))
    thread.start()
    thread.join()
    assert others[0] is not _font_config(plain)
