import pytest

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
