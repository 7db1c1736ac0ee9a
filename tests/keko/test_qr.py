import io
import re

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from keko import qr

URLS = [
    "https://keko.example/toimijat/yhdistys/",
    "http://testserver/sv/aktorer/esimerkkiyhdistys-ry-12345/",
    "https://keko.example/toimijat/työttömien-yhdistys/",
    # Outside ISO 8859-1, which scanners assume: marked as UTF-8 (ECI).
    "https://keko.example/toimijat/anárašgiella-ŋ/",
]


def read(image):
    """The text a scanner reads from `image` (a QR code, one pixel per module), enlarged."""
    image = image.convert("L")
    found = zxingcpp.read_barcode(image.resize((image.width * 8, image.height * 8)))
    return found.text if found else None


def drawn(svg):
    """The image the SVG markup of keko.qr.qr_svg draws, one pixel per module."""
    side = int(re.search(r'viewBox="0 0 (\d+) \1"', svg)[1])
    background = re.search(r'<path fill="#fff" d="([^"]*)"/>', svg)[1]
    assert background == f"M0 0h{side}v{side}h-{side}z"
    image = Image.new("L", (side, side), 255)
    canvas = ImageDraw.Draw(image)
    strokes = re.search(r'<path stroke="#000" d="M(\d+) ([\d.]+)((?:h\d+|m-?\d+ \d+)*)"/>', svg)
    x, y = int(strokes[1]), float(strokes[2]) - 0.5
    for command, dx, dy in re.findall(r"([hm])(-?\d+)(?: (\d+))?", strokes[3]):
        if command == "h":
            canvas.rectangle([x, int(y), x + int(dx) - 1, int(y)], fill=0)
        x, y = x + int(dx), y + int(dy or 0)
    return image


@pytest.mark.parametrize("url", URLS)
def test_the_svg_code_reads_back_as_its_url(url):
    svg = qr.qr_svg(url)
    assert svg.startswith('<svg viewBox="0 0 ') and 'class="qr-code"' in svg
    assert url not in svg
    assert read(drawn(svg)) == url


@pytest.mark.parametrize("url", URLS)
def test_the_png_code_reads_back_as_its_url_with_a_border(url):
    image = Image.open(io.BytesIO(qr.qr_png(url)))
    assert image.format == "PNG"
    assert read(image) == url
    pixels = image.convert("L").load()
    # Two light modules on every side; the finder pattern's dark corner inside them.
    border = [pixels[x, y] for x in range(image.width) for y in (0, 1, image.height - 1)]
    assert set(border) == {255}
    assert pixels[qr.BORDER, qr.BORDER] == 0


def test_the_svg_and_the_png_draw_the_same_modules():
    url = URLS[1]
    png = Image.open(io.BytesIO(qr.qr_png(url))).convert("L")
    assert drawn(qr.qr_svg(url)).tobytes() == png.tobytes()


def test_a_url_outside_latin1_is_written_in_utf8():
    # zint would pick another 8-bit character set by itself, one fewer scanners know.
    url = URLS[-1]
    image = Image.open(io.BytesIO(qr.qr_png(url))).convert("L")
    found = zxingcpp.read_barcode(image.resize((image.width * 8, image.height * 8)))
    assert found.text == url
    assert found.bytes == url.encode()


def test_codes_of_every_length_of_url_read_back():
    # From a short URL to a long slug's, each code of its own size and the one mask.
    sides = set()
    for length in range(0, 160, 7):
        url = (
            f"https://keko.example/toimijat/{'esimerkkiyhdistys-ry-'[: length % 21]}{'a' * length}/"
        )
        svg = qr.qr_svg(url)
        sides.add(re.search(r'viewBox="0 0 (\d+) ', svg)[1])
        assert read(drawn(svg)) == url
    assert len(sides) >= 4
