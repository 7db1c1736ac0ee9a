import datetime

import pytest

from funding.ical import calendar_feed, current_occurrence, escape_text, fold, occurrence
from tests.factories import make_funding_source, make_window

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2025, 6, 15, 9, 30, tzinfo=datetime.UTC)


def test_escape_text_escapes_backslash_first_then_separators_and_newlines():
    assert escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_fold_keeps_short_lines_whole():
    assert fold("SUMMARY:lyhyt") == "SUMMARY:lyhyt"


def test_fold_splits_at_75_octets_and_indents_continuations():
    folded = fold("X" * 200)
    parts = folded.split("\r\n")
    assert [len(p.encode()) for p in parts] == [75, 75, 52]  # 75 + 74 + 51 characters
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == "X" * 200


def test_fold_never_splits_a_multibyte_character():
    line = "SUMMARY:" + "ä" * 100
    parts = fold(line).split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    for part in parts:
        part.encode().decode("utf-8")  # each physical line is valid UTF-8 on its own
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_occurrence_of_window_spanning_new_year_ends_the_following_year():
    window = make_window(start_month=11, start_day=15, end_month=1, end_day=31)
    assert occurrence(window, 2025) == (datetime.date(2025, 11, 15), datetime.date(2026, 1, 31))


def test_occurrence_clamps_a_day_past_the_end_of_the_month():
    window = make_window(start_month=4, start_day=1, end_month=4, end_day=31)
    assert occurrence(window, 2025) == (datetime.date(2025, 4, 1), datetime.date(2025, 4, 30))


@pytest.mark.parametrize(
    ("today", "expected_start"),
    [
        (datetime.date(2025, 1, 10), datetime.date(2025, 4, 1)),  # not yet open
        (datetime.date(2025, 5, 31), datetime.date(2025, 4, 1)),  # open, last day
        (datetime.date(2025, 6, 1), datetime.date(2026, 4, 1)),  # closed: next year's
    ],
)
def test_current_occurrence_of_spring_window(today, expected_start):
    window = make_window(start_month=4, start_day=1, end_month=5, end_day=31)
    assert current_occurrence(window, today)[0] == expected_start


def test_current_occurrence_of_window_spanning_new_year_in_january_is_last_years():
    window = make_window(start_month=11, start_day=1, end_month=1, end_day=31)
    assert current_occurrence(window, datetime.date(2026, 1, 20)) == (
        datetime.date(2025, 11, 1),
        datetime.date(2026, 1, 31),
    )
    assert current_occurrence(window, datetime.date(2026, 2, 1)) == (
        datetime.date(2026, 11, 1),
        datetime.date(2027, 1, 31),
    )


def test_calendar_feed_event_lines():
    source = make_funding_source(name="STEA, avustukset; uudet")
    window = make_window(
        funding_source=source,
        name="Uudet",
        start_month=11,
        start_day=1,
        end_month=1,
        end_day=31,
        notes="Rivi 1\nRivi 2",
    )
    feed = calendar_feed([window], url_for=lambda s: "https://keko.example/rahoitus/x/", now=NOW)
    assert feed.endswith("\r\n")
    lines = feed.replace("\r\n ", "").split("\r\n")  # unfolded
    assert "DTSTAMP:20250615T093000Z" in lines
    assert f"UID:window-{window.pk}@keko" in lines
    assert "DTSTART;VALUE=DATE:20251101" in lines
    assert "DTEND;VALUE=DATE:20260201" in lines
    assert "SUMMARY:STEA\\, avustukset\\; uudet: Uudet" in lines
    assert "URL:https://keko.example/rahoitus/x/" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "Rivi 1\\nRivi 2" in description
    # The closing day is an event of its own, one day long, every year.
    closing = lines[lines.index(f"UID:window-{window.pk}-closes@keko") :]
    closing = closing[: closing.index("END:VEVENT")]
    assert "DTSTART;VALUE=DATE:20260131" in closing
    assert "DTEND;VALUE=DATE:20260201" in closing
    assert "RRULE:FREQ=YEARLY" in closing
    assert "SUMMARY:Hakuaika päättyy: STEA\\, avustukset\\; uudet: Uudet" in closing
    assert lines.count("BEGIN:VEVENT") == 2


def test_window_closing_just_before_it_opens_spans_almost_a_year():
    window = make_window(start_month=3, start_day=15, end_month=3, end_day=10)
    assert occurrence(window, 2025) == (datetime.date(2025, 3, 15), datetime.date(2026, 3, 10))
    # In the gap between closing and reopening, the next occurrence is the one that opens.
    assert current_occurrence(window, datetime.date(2025, 3, 12)) == (
        datetime.date(2025, 3, 15),
        datetime.date(2026, 3, 10),
    )
    feed = calendar_feed([window], url_for=lambda s: "https://keko.example/r/", now=NOW)
    lines = feed.replace("\r\n ", "").split("\r\n")
    assert "DTSTART;VALUE=DATE:20250315" in lines
    assert "DTEND;VALUE=DATE:20260311" in lines


def test_feed_covers_the_same_months_as_the_window():
    for start, end in [((3, 15), (3, 10)), ((11, 1), (1, 31)), ((3, 1), (3, 31))]:
        window = make_window(
            start_month=start[0], start_day=start[1], end_month=end[0], end_day=end[1]
        )
        first, last = occurrence(window, 2025)
        days = (last - first).days + 1
        covered = {(first + datetime.timedelta(days=n)).month for n in range(days)}
        assert covered == set(window.months)
