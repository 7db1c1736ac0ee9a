"""QR codes of the directory's URLs (zint), for the print page and its PDF.

zint encodes in C; with its mask given a code takes some 20 us, where its search of the best
of four masks took a tenth of a millisecond, zxing-cpp (which encodes through zint, and reads
each code back) a quarter, and the pure-Python segno a millisecond and a half: a print of
2 000 entries draws 2 000 codes.
"""

import functools
import io

import zint
from PIL import Image, ImageOps

# <img src="qr:https://example.org/"> in a document rendered by keko.pdf_render is a QR code
# of https://example.org/.
QR_SCHEME = "qr:"
# White modules around the code: scanners find it on a white page with two.
BORDER = 2
# A module of the code's image.
DARK, LIGHT = b"\x00", b"\xff"
# zint's error correction level M (option_1), and the ECI number of UTF-8.
LEVEL_M = 2
UTF8_ECI = 26
# The mask pattern of every code (zint's option_3, the pattern's number plus one, shifted by
# eight): pattern 2, dark where the column is a multiple of three. Any of the standard's
# eight reads back; zint's search for the best one by the standard's penalty was three
# quarters of a code's time. Over 120 URLs of the directory's shape, pattern 2 scored the
# lowest penalty on average by the standard's four rules as we read them (723, where zint's
# choices scored 745 from eight and 752 from four; zint's own scoring differs in detail).
MASK = (2 + 1) << 8


def modules(url):
    """Return (the code's modules row by row, one byte each, 0 dark and 255 light, its
    width) of a QR code of `url`, error correction level M, without a border."""
    symbol = zint.Symbol()
    symbol.symbology = zint.Symbology.QRCODE
    symbol.option_1 = LEVEL_M
    symbol.option_3 = MASK
    # Fast mode: the text split into modes more simply; the same size of code for a URL.
    symbol.input_mode = zint.InputMode.UNICODE | zint.InputMode.FAST
    if not _in_latin1(url):
        # Scanners read a code's text as ISO 8859-1 unless it says otherwise; zint would
        # choose another 8-bit set (and warn on standard output), which fewer of them know.
        symbol.eci = UTF8_ECI
    # Half of zint's default scale: one pixel per module.
    symbol.scale = 0.5
    symbol.encode(url)
    symbol.buffer()
    side = symbol.width
    # The bitmap is red, green and blue bytes, each 0 or 255: every third one is a module.
    return bytes(symbol.bitmap)[::3], side


def _in_latin1(text):
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


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


# The lengths a run of modules is written in, longest first: a run of 7 is "h5h2", drawn as
# "h7" is. Five passes of bytes.replace() for each colour, where finding the longest run and
# a pass for each length up to it took twice as long (a code's path 100 -> 52 us), for 3 %
# more path.
RUN_PARTS = (5, 4, 3, 2, 1)


def _runs_replaced(data, module, command):
    """Return `data` with each run of n `module` bytes replaced by `command` % n, or by
    several such commands adding up to n (RUN_PARTS)."""
    for length in RUN_PARTS:
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
