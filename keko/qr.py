"""QR codes of the directory's URLs (segno), for the print page and its PDF."""

import functools
import io

import segno

# <img src="qr:https://example.org/"> in a document rendered by keko.pdf_render is a QR code
# of https://example.org/.
QR_SCHEME = "qr:"

# A fixed mask pattern: choosing the best of eight is most of the encoding time, and any of
# them scans; a print of 2 000 entries encodes 2 000 codes.
MASK = 2


def _code(url):
    return segno.make(url, error="m", micro=False, mask=MASK)


# Encoding takes a millisecond per code and the same areas are printed again and again; a few
# kilobytes per code, so the cache stays within a few megabytes.
@functools.lru_cache(maxsize=2048)
def qr_svg(url):
    """Return a QR code of `url` as inline SVG markup, black on white."""
    return _code(url).svg_inline(
        border=2, omitsize=True, dark="#000", light="#fff", svgclass="qr-code", lineclass=None
    )


def qr_png(url):
    """Return a QR code of `url` as PNG bytes, one pixel per module: small and quick for
    WeasyPrint to place, and CSS scales it up with crisp edges."""
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="png", scale=1, border=2)
    return buffer.getvalue()
