"""One HTML document to PDF with WeasyPrint, in whichever process runs it (keko.pdf).

Imports nothing from Django, so that worker processes need not set it up.
"""

import resource

from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .qr import QR_SCHEME, qr_png


class Fetcher(URLFetcher):
    """Loads data: URIs and draws QR codes; refuses anything else (http:, file:) unfetched.

    `<img src="qr:https://example.org/">` is a QR code of https://example.org/, encoded
    where the PDF is laid out: in the worker processes for a long print, side by side.
    """

    def __init__(self):
        super().__init__(allowed_protocols={"data"})

    def fetch(self, url, headers=None):
        if url.startswith(QR_SCHEME):
            png = qr_png(url.removeprefix(QR_SCHEME))
            return URLFetcherResponse(url, png, {"Content-Type": "image/png"})
        return super().fetch(url, headers)


def html_to_pdf(html, stylesheet, base_url):
    """Render the HTML document `html` with the CSS text `stylesheet` to PDF bytes.

    `base_url` only resolves relative links; nothing is fetched from it.
    """
    fetcher = Fetcher()
    css = CSS(string=stylesheet, url_fetcher=fetcher)
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(stylesheets=[css])


def render(html, stylesheet, base_url):
    """html_to_pdf, with the peak memory (KiB) of the process it ran in, for the benchmark."""
    pdf = html_to_pdf(html, stylesheet, base_url)
    return pdf, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
