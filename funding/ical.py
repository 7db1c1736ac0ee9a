"""Write application windows as an iCalendar (RFC 5545) feed.

The feed needs only a handful of properties, so it is written by hand instead of adding a
dependency. Each window becomes an all-day VEVENT that repeats yearly (and a second one of its
closing day alone): DTSTART is the start
of the current or next occurrence, DTEND the day after the window closes (DTEND is exclusive
for dates). Windows that wrap New Year (ApplicationWindow.wraps_year), e.g. 1.11.–31.1. or
15.3.–10.3., end in the following year, so the event covers the same days as
ApplicationWindow.months and the calendar page.

The feed is in the active language (the calendar page's): its name, the events' texts and the
URLs, which `url_for` gives; PRODID names the language too, as RFC 5545 (§3.7.3) writes it.

Text values are escaped (RFC 5545 §3.3.11), lines end in CRLF and are folded at 75 octets
(§3.1) without splitting a UTF-8 character.
"""

import calendar
import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

LINE_OCTETS = 75
# A year without 29 February: windows must exist every year (see ApplicationWindow.clean).
COMMON_YEAR = 2023


def escape_text(value):
    """Return `value` escaped as an iCalendar TEXT value."""
    value = str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line):
    """Return `line` folded into CRLF-separated chunks of at most 75 octets each."""
    chunks, current, size = [], "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > LINE_OCTETS:
            chunks.append(current)
            # The continuation's leading space counts towards its 75 octets.
            current, size = " ", 1
        current += char
        size += octets
    chunks.append(current)
    return "\r\n".join(chunks)


def format_date(value):
    return value.strftime("%Y%m%d")


def format_utc(value):
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _day(year, month, day):
    """Return the date, moving a day past the end of the month back to the month's last day."""
    return datetime.date(year, month, min(day, calendar.monthrange(COMMON_YEAR, month)[1]))


def occurrence(window, start_year):
    """Return the (first day, last day) of `window` when it opens in `start_year`."""
    start = _day(start_year, window.start_month, window.start_day)
    end_year = start_year + 1 if window.wraps_year else start_year
    return start, _day(end_year, window.end_month, window.end_day)


def current_occurrence(window, today):
    """Return the (first day, last day) of the occurrence open on `today`, or else the next."""
    for start_year in (today.year - 1, today.year):
        start, end = occurrence(window, start_year)
        if end >= today:
            return start, end
    return occurrence(window, today.year + 1)


def window_events(window, *, url, dtstamp, today):
    """Return the content lines (unfolded) of the two VEVENTs of one application window: the
    window itself, and its closing day alone, so that a calendar shows the deadline as a day
    of its own and not only as the end of a long bar."""
    start, end = current_occurrence(window, today)
    source = window.funding_source
    description = [_("Hakuaika %(period)s vuosittain.") % {"period": window.period}]
    if window.notes:
        description.append(window.notes)
    description.append(url)
    name = f"{source.name}: {window.name}"
    closing = _("Hakuaika päättyy: %(name)s") % {"name": name}
    return _event(
        f"window-{window.pk}", start, end, name, description, url=url, dtstamp=dtstamp
    ) + _event(
        f"window-{window.pk}-closes", end, end, closing, description, url=url, dtstamp=dtstamp
    )


def _event(uid, first, last, summary, description, *, url, dtstamp):  # noqa: PLR0913
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}@keko",
        f"DTSTAMP:{format_utc(dtstamp)}",
        f"DTSTART;VALUE=DATE:{format_date(first)}",
        f"DTEND;VALUE=DATE:{format_date(last + datetime.timedelta(days=1))}",
        "RRULE:FREQ=YEARLY",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(chr(10).join(description))}",
        f"URL:{url}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar_feed(windows, *, url_for, now):
    """Return the iCalendar document of `windows`; `url_for(source)` gives absolute URLs."""
    today = timezone.localdate(now)
    language = (translation.get_language() or settings.LANGUAGE_CODE).upper()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//KeKo-hakemisto//Rahoituksen hakuajat//{language}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(_('KeKo-hakemisto: rahoituksen hakuajat'))}",
        "REFRESH-INTERVAL;VALUE=DURATION:P1D",
        "X-PUBLISHED-TTL:P1D",
    ]
    for window in windows:
        lines += window_events(window, url=url_for(window.funding_source), dtstamp=now, today=today)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
