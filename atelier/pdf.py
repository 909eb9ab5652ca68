"""HTML to PDF with WeasyPrint, loading nothing from outside the document.

Documents (invoices, job travelers) carry their styles and pictures inline (CSS in the page,
SVG in the HTML), so the renderer is given a fetcher that refuses every URL but inline data:
no document, whatever text a shopper typed into it, can make the server reach the network or
read a local file.
"""

import threading

from weasyprint import HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration


class InlineOnlyFetcher(URLFetcher):
    """Loads `data:` URLs and nothing else: http, https, file, ftp, relative paths are refused."""

    def __init__(self):
        # WeasyPrint's own protocol check as well as ours; no redirect could lead anywhere anyway.
        super().__init__(allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"documents may not load {url!r}")


_fonts = threading.local()


def _font_config(html):
    """The thread's font configuration, shared by its renders: a new one per document is about a
    tenth of an invoice's render (font discovery, and Pango's font and shaping caches start cold;
    docs/benchmarks.md). A document with its own `@font-face` gets a fresh one, so that no face it
    brings stays registered for the next document (nor one an inline stylesheet might bring). Pango's
    font map is not shared across threads."""
    if "font-face" in html or "data:text/css" in html:
        return FontConfiguration()
    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return _fonts.config


def render_document(html):
    """The laid-out document: its pages can be joined with other documents' before writing."""
    return HTML(string=html, url_fetcher=InlineOnlyFetcher(), base_url="about:blank").render(
        font_config=_font_config(html)
    )


def html_to_pdf(html):
    return render_document(html).write_pdf()
