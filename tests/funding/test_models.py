import pytest
from django.core.exceptions import ValidationError

from funding.models import ApplicationWindow, FundingSource
from keko.models import Status
from tests.factories import make_funding_source, make_window

pytestmark = pytest.mark.django_db


def open_windows(month):
    return set(ApplicationWindow.objects.open_in_month(month))


def test_window_is_open_in_every_month_it_touches_and_no_other():
    spring = make_window(start_month=4, end_month=5)
    assert [m for m in range(1, 13) if spring in open_windows(m)] == [4, 5]


def test_one_month_window_is_open_only_in_that_month():
    march = make_window(start_month=3, start_day=1, end_month=3, end_day=15)
    assert [m for m in range(1, 13) if march in open_windows(m)] == [3]


def test_window_spanning_new_year_is_open_at_both_ends_of_the_year():
    winter = make_window(start_month=11, start_day=15, end_month=2, end_day=15)
    assert [m for m in range(1, 13) if winter in open_windows(m)] == [1, 2, 11, 12]


def test_window_from_december_to_january_is_open_only_in_those_months():
    turn = make_window(start_month=12, start_day=1, end_month=1, end_day=31)
    assert [m for m in range(1, 13) if turn in open_windows(m)] == [1, 12]


@pytest.mark.parametrize(
    ("start_month", "end_month"), [(4, 5), (1, 12), (6, 6), (11, 2), (12, 1), (10, 9)]
)
def test_months_property_agrees_with_the_queryset(start_month, end_month):
    window = make_window(start_month=start_month, end_month=end_month, end_day=28)
    in_query = [m for m in range(1, 13) if window in open_windows(m)]
    assert sorted(window.months) == in_query


def test_months_are_listed_in_the_windows_own_order():
    assert make_window(start_month=11, end_month=2, end_day=28).months == [11, 12, 1, 2]


def test_wraps_year():
    assert make_window(start_month=11, end_month=2, end_day=28).wraps_year
    assert make_window(start_month=5, start_day=20, end_month=5, end_day=10).wraps_year
    assert not make_window(start_month=4, end_month=5).wraps_year


def test_source_open_in_month_returns_each_source_once():
    source = make_funding_source()
    make_window(funding_source=source, name="Kevät", start_month=3, end_month=4, end_day=30)
    make_window(funding_source=source, name="Jatko", start_month=4, end_month=6, end_day=30)
    closed = make_funding_source()
    make_window(funding_source=closed, start_month=9, end_month=10)

    assert list(FundingSource.objects.open_in_month(4)) == [source]
    assert list(FundingSource.objects.open_in_month(10)) == [closed]
    assert list(FundingSource.objects.open_in_month(1)) == []


def test_source_open_in_january_through_a_window_spanning_new_year():
    source = make_funding_source()
    make_window(funding_source=source, start_month=10, end_month=1, end_day=31)
    assert list(FundingSource.objects.open_in_month(1)) == [source]
    assert list(FundingSource.objects.open_in_month(12)) == [source]
    assert list(FundingSource.objects.open_in_month(5)) == []


def test_open_in_month_combines_with_published():
    draft = make_funding_source(status=Status.DRAFT)
    make_window(funding_source=draft, start_month=4, end_month=5)
    assert list(FundingSource.objects.open_in_month(4)) == [draft]
    assert list(FundingSource.objects.published().open_in_month(4)) == []


# The wrap-around rule: a window closing before it opens in the year wraps over New Year ----


def months_in_query(window):
    return [m for m in range(1, 13) if window in open_windows(m)]


def months_by_method(window):
    return [m for m in range(1, 13) if window.open_in_month(m)]


def test_window_closing_just_before_it_opens_is_open_every_month():
    window = make_window(start_month=3, start_day=15, end_month=3, end_day=10)
    assert window.wraps_year
    assert window.months == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2]
    assert months_by_method(window) == list(range(1, 13))
    assert months_in_query(window) == list(range(1, 13))
    assert window.period == "15.3.–10.3."


def test_window_from_november_to_january_is_open_only_in_those_months():
    window = make_window(start_month=11, start_day=1, end_month=1, end_day=31)
    assert window.wraps_year
    assert window.months == [11, 12, 1]
    assert months_by_method(window) == [1, 11, 12]
    assert months_in_query(window) == [1, 11, 12]


def test_window_within_march_is_open_only_in_march():
    window = make_window(start_month=3, start_day=1, end_month=3, end_day=31)
    assert not window.wraps_year
    assert window.months == [3]
    assert months_by_method(window) == [3]
    assert months_in_query(window) == [3]


@pytest.mark.parametrize(
    ("start", "end"),
    [((3, 15), (3, 10)), ((3, 10), (3, 15)), ((12, 31), (1, 1)), ((1, 1), (12, 31))],
)
def test_months_method_and_queryset_agree_on_windows_within_one_month(start, end):
    window = make_window(start_month=start[0], start_day=start[1], end_month=end[0], end_day=end[1])
    assert sorted(window.months) == months_by_method(window) == months_in_query(window)


def test_window_ending_on_its_start_day_is_rejected():
    window = make_window(start_month=3, start_day=15, end_month=3, end_day=15)
    with pytest.raises(ValidationError) as error:
        window.full_clean()
    assert error.value.messages == [
        "Hakuaika ei voi alkaa ja päättyä samana päivänä, sillä hakuaika on enintään vuoden "
        "mittainen. Jos haku on auki ympäri vuoden, merkitse hakuajaksi 1.1.–31.12."
    ]


def test_window_on_a_day_missing_from_the_month_is_rejected():
    window = make_window(start_month=2, start_day=1, end_month=2, end_day=31)
    with pytest.raises(ValidationError) as error:
        window.full_clean()
    assert error.value.messages == ["Kuukaudessa ei ole niin monta päivää."]


@pytest.mark.parametrize(
    ("start", "end"),
    [((3, 15), (3, 10)), ((11, 1), (1, 31)), ((3, 1), (3, 31)), ((1, 1), (12, 31))],
)
def test_valid_windows_pass_full_clean(start, end):
    window = make_window(start_month=start[0], start_day=start[1], end_month=end[0], end_day=end[1])
    window.full_clean()


def test_out_of_range_month_is_a_validation_error_not_a_crash():
    window = make_window(start_month=13, start_day=1, end_month=3, end_day=31)
    with pytest.raises(ValidationError) as error:
        window.full_clean()
    assert "start_month" in error.value.message_dict
