"""HTML to PDF with WeasyPrint, fetching nothing.

Documents carry their styles and pictures inline (SVG in the HTML), so the renderer is
given a fetcher that refuses every URL but inline data: no document, whatever text a
shopper typed into it, can make the server reach the network or read a local file.
"""

from weasyprint import HTML, URLFetcher


class InlineOnlyFetcher(URLFetcher):
    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"documents may not load {url!r}")


def html_to_pdf(html):
    return HTML(string=html, url_fetcher=InlineOnlyFetcher(), base_url="about:blank").write_pdf()
