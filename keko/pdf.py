"""HTML to PDF with WeasyPrint, in parts laid out side by side in worker processes.

WeasyPrint lays out a few hundred entries a second on one core and holds every page's boxes
in memory until the PDF is written: a 2 000-entry print took half a minute and most of a
gigabyte in the web worker. So a long document is rendered as parts, each in a fresh process
(one per CPU at a time), and the parts' PDFs are joined with pikepdf. Page numbers ("Sivu 3 /
170") depend on the whole, so the parts leave the page margins empty, and blank pages
carrying only the running header and footer, laid out side by side too, are stamped onto
them.

The worker processes start from a fork server that has imported WeasyPrint and not Django
(keko.pdf_render). They never outlive what started them: a render past its deadline is
terminated, and a parent killed mid-way (a worker timeout, an out-of-memory kill) takes its
fork server and renderers with it.
"""

import contextlib
import dataclasses
import io
import math
import multiprocessing
import multiprocessing.connection
import os
import threading
import time
from itertools import repeat

import pikepdf

# Every margin box of CSS Paged Media; the parts blank them all.
MARGIN_BOXES = [
    "top-left-corner",
    "top-left",
    "top-center",
    "top-right",
    "top-right-corner",
    "right-top",
    "right-middle",
    "right-bottom",
    "bottom-right-corner",
    "bottom-right",
    "bottom-center",
    "bottom-left",
    "bottom-left-corner",
    "left-bottom",
    "left-middle",
    "left-top",
]
_BLANK_BOXES = " ".join(f"@{box} {{ content: none }}" for box in MARGIN_BOXES)
NO_MARGIN_BOXES = f"\n@page {{ {_BLANK_BOXES} }}"


def available_cpus():
    return len(os.sched_getaffinity(0))


# A fork server rather than a plain fork: the web worker may hold database connections and
# threads that a forked copy must not touch, and starting Python afresh for every part would
# cost a second of imports each. The server imports WeasyPrint (keko.pdf_render) once.
FORK_SERVER = multiprocessing.get_context("forkserver")
FORK_SERVER.set_forkserver_preload(["keko.pdf_render"])


# Renderers give way to the web workers on a busy machine: a page is a few milliseconds of
# CPU that a visitor waits for, a PDF a few seconds more or less. Linux's SCHED_IDLE does that
# best: a web worker that wakes takes the CPU from a renderer at once, where nice 19 only
# lowers the renderer's share. Elsewhere, the lowest niceness.
RENDERER_NICENESS = 19


def lower_priority():
    """Give the calling process the lowest CPU priority the system has."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):  # not Linux, or a policy the container forbids
        os.nice(RENDERER_NICENESS)


def _start_renderer():
    """Pool initializer: lower this renderer's priority, and end it as soon as the process
    that asked for it ends.

    Without the latter a renderer whose web or task worker was killed (a timeout, out of memory)
    went on laying out a part nobody would read, and kept the fork server alive, as orphans.
    The parent's sentinel (a pipe multiprocessing keeps open for this) reads EOF when the
    parent is gone, however it ended.
    """
    lower_priority()
    sentinel = multiprocessing.parent_process().sentinel

    def watch():
        multiprocessing.connection.wait([sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _pool(processes):
    """A pool of `processes` fresh processes from the fork server. One part per process, so
    that the memory a part's layout took is returned to the system when it ends. Leaving
    the `with` block terminates any process still running."""
    return FORK_SERVER.Pool(processes, initializer=_start_renderer, maxtasksperchild=1)


class RenderTimeout(Exception):
    """The PDF was not done by its deadline; its renderer processes were ended."""


@dataclasses.dataclass
class Rendering:
    """What render_pdf made: the PDF, its page count and the peak memory of the processes
    that laid it out."""

    pdf: bytes
    pages: int
    peak_renderer_kib: int


def render_pdf(parts, *, stylesheet, running_pages, base_url, processes=None, timeout=None):
    """Render the HTML documents `parts` one after another into one PDF.

    Each part starts on a new page. `running_pages(numbers, total)` returns an HTML document
    of one page for each page number in the range `numbers`, carrying only that page's
    running header and footer ("Sivu 3 / 170"); rendered with `stylesheet`, they are laid
    over the parts' pages. A single part is rendered in this process; more are spread over
    `processes` worker processes (default: one per CPU).

    With `timeout` (seconds), even a single part is rendered in a worker process, and
    RenderTimeout is raised, with every worker process ended, if the whole is not done by then.
    """
    parts = list(parts)
    processes = min(processes or available_cpus(), len(parts))
    deadline = None if timeout is None else time.monotonic() + timeout
    with _renderers(processes, deadline) as render_all:
        rendered = list(
            render_all(_render, parts, repeat(stylesheet + NO_MARGIN_BOXES), repeat(base_url))
        )
        document = _join([pikepdf.Pdf.open(io.BytesIO(pdf)) for pdf, _kib in rendered])
        total = len(document.pages)
        # The running pages in as many pieces as there are processes, laid out side by side.
        numbers, size = range(1, total + 1), math.ceil(total / processes)
        pieces = [numbers[start : start + size] for start in range(0, total, size)]
        overlays = list(
            render_all(
                _render,
                [running_pages(numbers, total) for numbers in pieces],
                repeat(stylesheet),
                repeat(base_url),
            )
        )
    _stamp(document, [pikepdf.Pdf.open(io.BytesIO(pdf)) for pdf, _kib in overlays])
    out = io.BytesIO()
    document.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    peak = max(kib for _pdf, kib in rendered + overlays)
    return Rendering(out.getvalue(), total, peak)


def _render(html, stylesheet, base_url):
    """keko.pdf_render.render, imported where it runs: a web worker that hands the parts to
    worker processes need not load WeasyPrint (some 50 MB) itself."""
    from . import pdf_render

    return pdf_render.render(html, stylesheet, base_url)


@contextlib.contextmanager
def _renderers(processes, deadline):
    """Yield a map() for rendering over `processes` processes: the built-in one, in this
    process, for one part without a `deadline` (a time.monotonic() value); otherwise a
    pool's, over worker processes, that raises RenderTimeout past the deadline."""
    if processes == 1 and deadline is None:
        yield map
        return

    def render_all(function, *iterables):
        # The stylesheet and base URL come as itertools.repeat(): endless, hence not strict.
        pending = pool.starmap_async(function, zip(*iterables, strict=False), chunksize=1)
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            return pending.get(remaining)
        except multiprocessing.TimeoutError:
            raise RenderTimeout from None

    with _pool(processes) as pool:
        yield render_all


def _stamp(document, overlays):
    """Lay the pages of the PDFs `overlays`, in order, over the pages of `document`."""
    running_pages = (page for overlay in overlays for page in overlay.pages)
    for page, running_page in zip(document.pages, running_pages, strict=True):
        # As a form XObject drawn over the page: the page's own content is not parsed.
        page.add_overlay(running_page)


def _join(sources):
    """One PDF of the pages of the PDFs `sources` in order, with the first one's title and
    language, and the bookmarks (outline) of all."""
    document = pikepdf.Pdf.new()
    first = sources[0]
    if "/Title" in first.docinfo:
        document.docinfo["/Title"] = first.docinfo["/Title"]
    if "/Lang" in first.Root:
        document.Root.Lang = first.Root.Lang
    with document.open_outline() as outline:
        for source in sources:
            offset = len(document.pages)
            document.pages.extend(source.pages)
            with source.open_outline() as source_outline:
                outline.root.extend(_moved(item, source, offset) for item in source_outline.root)
    return document


def _moved(item, source, offset):
    """A copy of the outline item `item` of `source`, pointing `offset` pages further on."""
    page, _kind, left, top, *_zoom = item.destination
    moved = pikepdf.OutlineItem(
        str(item.title),
        offset + source.pages.index(pikepdf.Page(page)),
        "XYZ",
        left=float(left),
        top=float(top),
    )
    moved.children.extend(_moved(child, source, offset) for child in item.children)
    return moved
