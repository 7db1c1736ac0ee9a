"""QR codes of the directory's URLs (zxing-cpp), for the print page and its PDF.

zxing-cpp encodes in C++: a code takes a fifth of a millisecond, where the pure-Python segno
took a millisecond and a half (mask choice included), and a print of 2 000 entries draws
2 000 codes.
"""

import functools
import io
import re

import zxingcpp
from PIL import Image, ImageOps

# <img src="qr:https://example.org/"> in a document rendered by keko.pdf_render is a QR code
# of https://example.org/.
QR_SCHEME = "qr:"
# White modules around the code: scanners find it on a white page with two.
BORDER = 2
# The light modules zxing puts round a code when asked (its quiet zone).
QUIET_ZONE = 4
# A run of dark modules in a row of the code's image (0 dark, 255 light).
DARK_RUN = re.compile(rb"\x00+")


def modules(url):
    """Return (the code's modules row by row, one byte each, 0 dark and 255 light, its
    width) of a QR code of `url`, error correction level M, without a border."""
    return _pixels(url, quiet_zone=False)


def _pixels(url, *, quiet_zone):
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = zxingcpp.write_barcode_to_image(code, scale=1, add_quiet_zones=quiet_zone)
    return bytes(memoryview(image)), image.shape[1]


# The same areas are printed again and again; 2 kB per code, so the cache stays within a
# few megabytes. It holds more than the largest print (MAX_PRINTED_ACTORS, 2 500): printed
# in order, a smaller cache would drop each code before the print came back to it.
@functools.lru_cache(maxsize=4096)
def qr_svg(url):
    """Return a QR code of `url` as inline SVG markup, black on white: one stroke per run of
    dark modules in a row, each moved to from the end of the one before (short markup)."""
    # Within zxing's quiet zone (light modules all round), no run of dark modules goes on
    # from the end of one row into the next: one pass over the image finds every row's runs.
    pixels, width = _pixels(url, quiet_zone=True)
    strokes, end_x, end_y = [], 0, 0
    for run in DARK_RUN.finditer(pixels):
        y, x = divmod(run.start(), width)
        x, y, n = x - QUIET_ZONE, y - QUIET_ZONE, run.end() - run.start()
        strokes.append(f"m{x - end_x} {y - end_y}h{n}")
        end_x, end_y = x + n, y
    side = width - 2 * QUIET_ZONE + 2 * BORDER
    # The strokes, a module wide, run along the middle of their row.
    return (
        f'<svg viewBox="0 0 {side} {side}" class="qr-code">'
        f'<path fill="#fff" d="M0 0h{side}v{side}h-{side}z"/>'
        f'<path stroke="#000" d="M{BORDER} {BORDER + 0.5}{"".join(strokes)}"/></svg>'
    )


def qr_png(url):
    """Return a QR code of `url` as PNG bytes, one pixel per module: small and quick for
    WeasyPrint to place, and CSS scales it up with crisp edges."""
    pixels, width = modules(url)
    image = Image.frombytes("L", (width, len(pixels) // width), pixels).convert("1")
    buffer = io.BytesIO()
    ImageOps.expand(image, border=BORDER, fill=1).save(buffer, format="PNG")
    return buffer.getvalue()
