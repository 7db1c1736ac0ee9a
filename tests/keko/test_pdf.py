"""keko.pdf: HTML to PDF in parts laid out by worker processes, with running page numbers."""

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pikepdf
import pytest

from keko import pdf_render
from keko.pdf import RenderTimeout, render_pdf

ROOT = Path(__file__).resolve().parents[2]

STYLESHEET = """
@page { size: A6; margin: 15mm 10mm; @top-left { content: "Otsikko" } }
@page running { @bottom-right { content: string(number) } }
html { background: #fff; }
html.running { background: none; }
.running-page { page: running; string-set: number attr(data-number); break-after: page; }
.running-page:last-child { break-after: auto; }
.long { height: 105mm; }
"""


def document(body, title="Testi"):
    return f'<html lang="fi"><head><title>{title}</title></head><body>{body}</body></html>'


def running_pages(numbers, total):
    pages = "".join(
        f'<div class="running-page" data-number="Sivu {n} / {total}"></div>' for n in numbers
    )
    return f'<html class="running"><body>{pages}</body></html>'


def test_running_pages_come_in_pieces_one_per_process():
    asked = []

    def recording_running_pages(numbers, total):
        asked.append((numbers, total))
        return running_pages(numbers, total)

    parts = [document('<div class="long"></div>' * 2) for _ in range(3)]  # 2 pages each
    rendering = render_pdf(
        parts,
        stylesheet=STYLESHEET,
        running_pages=recording_running_pages,
        base_url="http://testserver/",
        processes=2,
    )
    assert asked == [(range(1, 4), 6), (range(4, 7), 6)]
    assert [page.split()[-4:] for page in page_texts(rendering.pdf)] == [
        ["Sivu", f"{n}", "/", "6"] for n in range(1, 7)
    ]


def page_texts(pdf):
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return [" ".join(page.split()) for page in text.split("\f")[:-1]]


@pytest.mark.parametrize("processes", [1, 2])
def test_parts_follow_each_other_with_one_page_count(processes):
    parts = [
        document("<h1>Ensimmäinen</h1><p>Yksi</p>", title="Koko tuloste"),
        document('<h2>Toinen</h2><div class="long"></div><p>Kaksi</p>'),  # two pages
        document("<h2>Kolmas</h2><p>Kolme</p>"),
    ]
    rendering = render_pdf(
        parts,
        stylesheet=STYLESHEET,
        running_pages=running_pages,
        base_url="http://testserver/",
        processes=processes,
    )
    pages = page_texts(rendering.pdf)
    assert rendering.pages == len(pages) == 4
    assert "Yksi" in pages[0] and "Toinen" in pages[1] and "Kaksi" in pages[2]
    assert "Kolme" in pages[3]
    for number, page in enumerate(pages, start=1):
        # Each page once: the parts' own margin boxes are left empty.
        assert page.count("Sivu") == 1 and f"Sivu {number} / 4" in page
        assert page.count("Otsikko") == 1
    with pikepdf.Pdf.open(io.BytesIO(rendering.pdf)) as pdf:
        assert str(pdf.docinfo["/Title"]) == "Koko tuloste"
        assert str(pdf.Root.Lang) == "fi"
        with pdf.open_outline() as outline:
            bookmarks = [
                (str(item.title), pdf.pages.index(pikepdf.Page(item.destination[0])))
                for item in outline.root
            ]
    assert bookmarks == [("Ensimmäinen", 0), ("Toinen", 1), ("Kolmas", 3)]
    assert rendering.peak_renderer_kib > 10_000


def test_a_single_part_is_rendered_the_same_way():
    rendering = render_pdf(
        [document("<p>Ainoa</p>")],
        stylesheet=STYLESHEET,
        running_pages=running_pages,
        base_url="http://testserver/",
    )
    assert page_texts(rendering.pdf) == ["Otsikko Ainoa Sivu 1 / 1"]


def test_qr_images_are_drawn_and_nothing_is_fetched(monkeypatch, tmp_path):
    local_css = tmp_path / "local.css"
    local_css.write_text('p::after { content: "LUETTU" }')
    connections = []

    def refuse(self, address):
        connections.append(address)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    html = (
        '<html><head><link rel="stylesheet" href="http://example.com/x.css">'
        f'<link rel="stylesheet" href="{local_css.as_uri()}"></head>'
        '<body><img src="http://example.com/x.png" alt="">'
        '<img src="qr:https://keko.example/toimijat/yhdistys/" alt=""><p>Teksti</p></body></html>'
    )
    pdf = pdf_render.html_to_pdf(html, "", "http://testserver/")
    assert connections == []
    assert page_texts(pdf) == ["Teksti"]
    images = (
        subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True)
        .stdout.decode()
        .splitlines()[2:]
    )
    # One image, the QR code: 29 modules (version 3) and a border of two on each side.
    assert len(images) == 1 and images[0].split()[3:5] == ["33", "33"]


# A document that takes a renderer several seconds: long enough to be caught mid-way.
SLOW_PARAGRAPHS = 3000
SLOW_BODY = ("<p>" + "Työllisyyttä edistävä toimija. " * 30 + "</p>") * SLOW_PARAGRAPHS


def _process_table():
    """{pid: (parent pid, state)} of every process on this machine, from /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as stat:
                # The command name is in parentheses and may hold spaces: split after it.
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        table[int(entry)] = (int(fields[1]), fields[0])
    return table


def _descendants(pid):
    table = _process_table()
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, (parent, _) in table.items() if parent in frontier}
        found |= frontier
    return found


def _alive(pids):
    table = _process_table()
    # A zombie has ended; only its parent has yet to read its exit status.
    return {pid for pid in pids if pid in table and table[pid][1] != "Z"}


def _policy(pid):
    """The scheduling policy of `pid`, or None if it has ended meanwhile."""
    try:
        return os.sched_getscheduler(pid)
    except ProcessLookupError:
        return None


def _wait_until(condition, seconds):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_renderers_end_when_the_process_that_started_them_is_killed():
    """A web or task worker killed mid-render (timeout, out of memory) leaves no renderer or
    fork server behind; while they live, the renderers run at idle priority."""
    script = (
        "from keko.pdf import render_pdf\n"
        f"part = '<html><body>' + ('<p>' + 'Toimija. ' * 150 + '</p>') * {SLOW_PARAGRAPHS * 10}\n"
        "render_pdf([part] * 4, stylesheet='', base_url='http://testserver/', processes=2,\n"
        "           running_pages=lambda numbers, total: '<html></html>')\n"
    )
    starter = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)

    def idle_descendants():
        return {pid for pid in _descendants(starter.pid) if _policy(pid) == os.SCHED_IDLE}

    try:
        # multiprocessing's resource tracker and fork server, and two renderers that, once
        # they have their parts, yield the CPU to any web worker (the others do not). Polled:
        # on a busy machine the fork server takes a while to start them.
        assert _wait_until(lambda: len(idle_descendants()) == 2, 60), _descendants(starter.pid)
        renderers = idle_descendants()
        assert len(_descendants(starter.pid) - renderers) >= 2  # the tracker, the fork server
    finally:
        starter.kill()
        starter.wait()
    # Each renderer had a minute's work left.
    assert _wait_until(lambda: not _alive(renderers), 5), _alive(renderers)


def test_a_render_past_its_deadline_ends_its_renderers():
    with pytest.raises(RenderTimeout):
        render_pdf(
            [document(SLOW_BODY)] * 2,
            stylesheet="",
            running_pages=running_pages,
            base_url="http://testserver/",
            processes=2,
            timeout=1,
        )

    # The long-lived helpers multiprocessing keeps (the fork server and its resource tracker)
    # are this process's children; renderers are the fork server's, and must be gone.
    def renderers():
        me = os.getpid()
        table = _process_table()
        return {pid for pid in _alive(_descendants(me)) if table[pid][0] != me}

    assert _wait_until(lambda: not renderers(), 10), renderers()
