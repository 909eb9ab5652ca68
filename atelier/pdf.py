"""HTML to PDF with WeasyPrint, loading nothing from outside the document.

Documents (invoices, job travelers) carry their styles and pictures inline (CSS in the page,
SVG in the HTML), so the renderer is given a fetcher that refuses every URL but inline data:
no document, whatever text a shopper typed into it, can make the server reach the network or
read a local file.

WeasyPrint is imported by the first document a process renders, not when this module is
imported: with Pango's bindings it is about 50 MB, and every web worker, beat and the nightly
roll-up import a module that can make a document (docs/operations.md).
"""

import functools
import threading


@functools.cache
def _inline_only_fetcher_class():
    from weasyprint import URLFetcher

    class InlineOnlyFetcher(URLFetcher):
        """Loads `data:` URLs and nothing else: http, https, file, ftp, relative paths are refused."""

        def __init__(self):
            # WeasyPrint's own protocol check as well as ours; no redirect could lead anywhere anyway.
            super().__init__(allowed_protocols=("data",), allow_redirects=False)

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"documents may not load {url!r}")

    return InlineOnlyFetcher


def __getattr__(name):
    if name == "InlineOnlyFetcher":
        return _inline_only_fetcher_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_fonts = threading.local()


def _font_config(html):
    """The thread's font configuration, shared by its renders: a new one per document is about a
    tenth of an invoice's render (font discovery, and Pango's font and shaping caches start cold;
    docs/benchmarks.md). A document with its own `@font-face` gets a fresh one, so that no face it
    brings stays registered for the next document (nor one an inline stylesheet might bring). Pango's
    font map is not shared across threads."""
    from weasyprint.text.fonts import FontConfiguration

    if "font-face" in html or "data:text/css" in html:
        return FontConfiguration()
    if getattr(_fonts, "config", None) is None:
        _fonts.config = FontConfiguration()
    return _fonts.config


def render_document(html):
    """The laid-out document: its pages can be joined with other documents' before writing."""
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=_inline_only_fetcher_class()(), base_url="about:blank").render(
        font_config=_font_config(html)
    )


def html_to_pdf(html):
    return render_document(html).write_pdf()
