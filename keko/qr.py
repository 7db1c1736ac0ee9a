"""QR codes of the directory's URLs (zxing-cpp), for the print page and its PDF.

zxing-cpp encodes in C++: a code takes a fifth of a millisecond, where the pure-Python segno
took a millisecond and a half (mask choice included), and a print of 2 000 entries draws
2 000 codes.
"""

import functools
import io

import zxingcpp
from PIL import Image, ImageOps

# <img src="qr:https://example.org/"> in a document rendered by keko.pdf_render is a QR code
# of https://example.org/.
QR_SCHEME = "qr:"
# White modules around the code: scanners find it on a white page with two.
BORDER = 2
# A module of the code's image.
DARK, LIGHT = b"\x00", b"\xff"


def modules(url):
    """Return (the code's modules row by row, one byte each, 0 dark and 255 light, its
    width) of a QR code of `url`, error correction level M, without a border."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = zxingcpp.write_barcode_to_image(code, scale=1, add_quiet_zones=False)
    return bytes(memoryview(image)), image.shape[1]


# The same areas are printed again and again; 2 kB per code, so the cache stays within a
# few megabytes. It holds more than the largest print (MAX_PRINTED_ACTORS, 2 500): printed
# in order, a smaller cache would drop each code before the print came back to it.
@functools.lru_cache(maxsize=4096)
def qr_svg(url):
    """Return a QR code of `url` as inline SVG markup, black on white: one path drawing the
    code row by row, a stroke over each run of dark modules and a move over each light one."""
    pixels, side = modules(url)
    rows = b"\n".join(pixels[start : start + side] for start in range(0, len(pixels), side))
    # Runs replaced in C by bytes.replace() rather than found one by one in Python: a third
    # of the time. Each newline moves back to the start of the next row.
    path = _runs_replaced(rows, DARK, b"h%d")
    path = _runs_replaced(path, LIGHT, b"m%d 0").replace(b"\n", b"m-%d 1" % side)
    size = side + 2 * BORDER
    # The strokes, a module wide, run along the middle of their row.
    return (
        f'<svg viewBox="0 0 {size} {size}" class="qr-code">'
        f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>'
        f'<path stroke="#000" d="M{BORDER} {BORDER + 0.5}{path.decode()}"/></svg>'
    )


def _runs_replaced(data, module, command):
    """Return `data` with each run of n `module` bytes replaced by `command` % n: the longest
    runs first, so that each run is replaced whole."""
    longest = 1
    while module * (longest + 1) in data:
        longest += 1
    for length in range(longest, 0, -1):
        data = data.replace(module * length, command % length)
    return data


def qr_png(url):
    """Return a QR code of `url` as PNG bytes, one pixel per module: small and quick for
    WeasyPrint to place, and CSS scales it up with crisp edges."""
    pixels, width = modules(url)
    image = Image.frombytes("L", (width, len(pixels) // width), pixels).convert("1")
    buffer = io.BytesIO()
    ImageOps.expand(image, border=BORDER, fill=1).save(buffer, format="PNG")
    return buffer.getvalue()
