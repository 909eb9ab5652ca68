"""HTML to PDF with WeasyPrint, loading nothing from outside the document.

Documents (invoices, job travelers) carry their styles and pictures inline (CSS in the page,
SVG in the HTML), so the renderer is given a fetcher that refuses every URL but inline data:
no document, whatever text a shopper typed into it, can make the server reach the network or
read a local file.
"""

from weasyprint import HTML, URLFetcher


class InlineOnlyFetcher(URLFetcher):
    """Loads `data:` URLs and nothing else: http, https, file, ftp, relative paths are refused."""

    def __init__(self):
        # WeasyPrint's own protocol check as well as ours; no redirect could lead anywhere anyway.
        super().__init__(allowed_protocols=("data",), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"documents may not load {url!r}")


def render_document(html):
    """The laid-out document: its pages can be joined with other documents' before writing."""
    return HTML(string=html, url_fetcher=InlineOnlyFetcher(), base_url="about:blank").render()


def html_to_pdf(html):
    return render_document(html).write_pdf()
