import datetime
import re
from decimal import Decimal

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from actors.models import ActorKind
from funding.models import FundingSource
from keko.models import Status
from tests.factories import (
    bulk_funding_sources,
    make_actor,
    make_applicant_type,
    make_funding_source,
    make_practice,
    make_project_funding,
    make_region,
    make_window,
)

pytestmark = pytest.mark.django_db

LIST = reverse("funding:list")
CALENDAR = reverse("funding:calendar")
ICS = reverse("funding:calendar_ics")


def listed(response):
    return list(response.context["object_list"])


def make_listed_sources(count):
    """Create `count` published sources with everything the list card shows."""
    administrator = make_actor()
    applicants = [make_applicant_type(), make_applicant_type()]
    sources = []
    for _ in range(count):
        source = make_funding_source(administrator=administrator, applicant_types=applicants)
        make_window(funding_source=source, name="Kevät")
        make_window(funding_source=source, name="Syksy", start_month=9, end_month=10)
        sources.append(source)
    return sources


# The list -----------------------------------------------------------------------------------


def test_list_shows_published_sources_only(client):
    published = make_funding_source(name="Julkaistu rahoitus")
    make_funding_source(name="Salainen luonnos", status=Status.DRAFT)

    response = client.get(LIST)

    assert response.status_code == 200
    assert listed(response) == [published]
    assert "Julkaistu rahoitus" in response.content.decode()
    assert "Salainen luonnos" not in response.content.decode()


def test_list_shows_result_count(client):
    make_funding_source()
    make_funding_source()
    content = client.get(LIST).content.decode()
    assert "2 rahoituslähdettä" in content


def test_list_card_shows_category_administrator_applicants_and_windows(client):
    administrator = make_actor(name="Myöntäjäsäätiö")
    source = make_funding_source(
        administrator=administrator,
        category=FundingSource.Category.OTHER,
        applicant_types=[make_applicant_type(name="Yhdistykset")],
    )
    make_window(funding_source=source, start_month=4, start_day=1, end_month=5, end_day=31)

    content = client.get(LIST).content.decode()

    assert f'href="{source.get_absolute_url()}"' in content
    assert "Muu rahoitus" in content
    assert "Myöntäjäsäätiö" in content
    assert "Yhdistykset" in content
    assert "1.4.–31.5." in content
    assert f'href="{CALENDAR}"' in content


def test_list_hides_a_draft_administrator(client):
    make_funding_source(administrator=make_actor(name="Luonnostoimija", status=Status.DRAFT))
    assert "Luonnostoimija" not in client.get(LIST).content.decode()


def test_category_filter_accepts_several_categories(client):
    public = make_funding_source(category=FundingSource.Category.PUBLIC)
    own = make_funding_source(category=FundingSource.Category.OWN_ACTIVITY)
    make_funding_source(category=FundingSource.Category.OTHER)

    assert listed(client.get(LIST, {"luokka": "public"})) == [public]
    both = client.get(LIST, {"luokka": ["public", "own_activity"]})
    assert set(listed(both)) == {public, own}


def test_applicant_filter_lists_each_source_once(client):
    associations, foundations = make_applicant_type(), make_applicant_type()
    both = make_funding_source(applicant_types=[associations, foundations])
    only_foundations = make_funding_source(applicant_types=[foundations])
    make_funding_source(applicant_types=[make_applicant_type()])

    assert listed(client.get(LIST, {"hakija": associations.slug})) == [both]
    response = client.get(LIST, {"hakija": [associations.slug, foundations.slug]})
    assert sorted(listed(response), key=lambda s: s.pk) == [both, only_foundations]


def test_applicant_filter_is_rendered_as_checkboxes(client):
    applicant = make_applicant_type(name="Säätiöt")
    content = client.get(LIST).content.decode()
    assert re.search(rf'<input type="checkbox" name="hakija" value="{applicant.slug}"', content)


def test_administrator_filter(client):
    stea, ely = make_actor(), make_actor()
    by_stea = make_funding_source(administrator=stea)
    by_ely = make_funding_source(administrator=ely)
    make_funding_source()

    assert listed(client.get(LIST, {"myontaja": stea.slug})) == [by_stea]
    response = client.get(LIST, {"myontaja": [stea.slug, ely.slug]})
    assert set(listed(response)) == {by_stea, by_ely}


def test_administrator_choices_are_published_administrators_of_published_sources(client):
    administrator = make_actor(name="Oikea myöntäjä")
    make_funding_source(administrator=administrator)
    of_draft = make_actor(name="Luonnoksen myöntäjä")
    make_funding_source(administrator=of_draft, status=Status.DRAFT)
    draft_actor = make_actor(name="Piilotettu myöntäjä", status=Status.DRAFT)
    make_funding_source(administrator=draft_actor)
    make_actor(name="Ei myönnä mitään")

    response = client.get(LIST)

    choices = list(response.context["filter"].form.fields["myontaja"].queryset)
    assert choices == [administrator]
    content = response.content.decode()
    assert "Oikea myöntäjä" in content
    assert "Luonnoksen myöntäjä" not in content
    assert "Piilotettu myöntäjä" not in content
    # An administrator of a draft only is not a valid choice either.
    response = client.get(LIST, {"myontaja": of_draft.slug})
    assert "myontaja" in response.context["filter"].form.errors


def test_open_in_month_filter(client):
    spring = make_funding_source()
    make_window(funding_source=spring, start_month=4, end_month=5)
    autumn = make_funding_source()
    make_window(funding_source=autumn, start_month=9, end_month=10)
    make_funding_source()  # no windows at all

    assert listed(client.get(LIST, {"auki": "5"})) == [spring]
    assert listed(client.get(LIST, {"auki": "9"})) == [autumn]
    assert listed(client.get(LIST, {"auki": "7"})) == []


def test_open_in_month_filter_includes_window_spanning_new_year(client):
    winter = make_funding_source()
    make_window(funding_source=winter, start_month=11, end_month=2, end_day=28)

    for month in ("11", "12", "1", "2"):
        assert listed(client.get(LIST, {"auki": month})) == [winter]
    assert listed(client.get(LIST, {"auki": "3"})) == []


def test_open_in_month_filter_lists_a_source_with_two_open_windows_once(client):
    source = make_funding_source()
    make_window(funding_source=source, name="A", start_month=3, end_month=5)
    make_window(funding_source=source, name="B", start_month=5, end_month=6, end_day=30)
    assert listed(client.get(LIST, {"auki": "5"})) == [source]


def test_month_choices_are_finnish_month_names(client):
    content = client.get(LIST).content.decode()
    assert '<option value="1">tammikuu</option>' in content
    assert '<option value="12">joulukuu</option>' in content


def test_text_filter_matches_name_and_description(client):
    by_name = make_funding_source(name="Nuorisotyön avustus")
    by_description = make_funding_source(description="Tukee nuorisotyötä kunnissa.")
    make_funding_source(name="Muu", description="Ei liity.")

    response = client.get(LIST, {"q": "nuorisotyö"})
    assert set(listed(response)) == {by_name, by_description}


def test_text_filter_requires_every_word(client):
    both = make_funding_source(name="Työllisyyden avustus", description="Järjestöille.")
    make_funding_source(name="Työllisyyden laina")
    assert listed(client.get(LIST, {"q": "työllisyyden järjestöille"})) == [both]


def test_blank_text_filter_lists_everything(client):
    make_funding_source()
    make_funding_source()
    assert len(listed(client.get(LIST, {"q": "  "}))) == 2


def test_filters_combine(client):
    applicant = make_applicant_type()
    administrator = make_actor()
    match = make_funding_source(
        name="Osuva avustus",
        category=FundingSource.Category.PUBLIC,
        applicant_types=[applicant],
        administrator=administrator,
    )
    make_window(funding_source=match, start_month=3, end_month=4, end_day=30)
    wrong_month = make_funding_source(
        name="Osuva mutta syksyllä", applicant_types=[applicant], administrator=administrator
    )
    make_window(funding_source=wrong_month, start_month=9, end_month=10)
    wrong_category = make_funding_source(
        name="Osuva mutta muu",
        category=FundingSource.Category.OTHER,
        applicant_types=[applicant],
        administrator=administrator,
    )
    make_window(funding_source=wrong_category, start_month=3, end_month=4, end_day=30)
    make_window(
        funding_source=make_funding_source(
            name="Osuva mutta eri hakija", administrator=administrator
        ),
        start_month=3,
        end_month=4,
        end_day=30,
    )

    response = client.get(
        LIST,
        {
            "q": "osuva",
            "luokka": "public",
            "hakija": applicant.slug,
            "myontaja": administrator.slug,
            "auki": "4",
        },
    )

    assert listed(response) == [match]
    assert "1 rahoituslähde" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"auki": "13"}, "auki"),
        ({"auki": "0"}, "auki"),
        ({"auki": "abc"}, "auki"),
        ({"hakija": "ei-ole"}, "hakija"),
        ({"myontaja": "ei-ole"}, "myontaja"),
        ({"luokka": "tuntematon"}, "luokka"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_filter_values_show_a_form_error(client, params, field):
    make_funding_source()

    response = client.get(LIST, params)

    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    content = response.content.decode()
    assert 'class="form-errors" role="alert"' in content
    assert 'class="errorlist' in content


def test_bad_page_number_serves_a_page(client):
    make_funding_source()
    for page in ("abc", "999", "-1"):
        response = client.get(LIST, {"page": page})
        assert response.status_code == 200
        assert len(listed(response)) == 1


def test_list_is_paginated_by_50_and_keeps_filters(client):
    for _ in range(51):
        make_funding_source(category=FundingSource.Category.PUBLIC)

    first = client.get(LIST, {"luokka": "public"})
    second = client.get(LIST, {"luokka": "public", "page": "2"})

    assert len(listed(first)) == 50
    assert len(listed(second)) == 1
    assert "luokka=public&amp;page=2" in first.content.decode()


@pytest.mark.parametrize("rows", [10, 1000])
def test_list_query_count_is_fixed(client, django_assert_num_queries, rows):
    applicants = [make_applicant_type(), make_applicant_type()]
    bulk_funding_sources(rows, administrator=make_actor(), applicant_types=applicants)
    # count, page, applicant types, windows, and the choices of two filters
    with django_assert_num_queries(6):
        response = client.get(LIST)
    assert len(listed(response)) == min(rows, 50)
    assert response.context["paginator"].count == rows


@pytest.mark.parametrize("count", [2, 35])
def test_filtered_list_query_count_is_fixed(client, django_assert_max_num_queries, count):
    sources = make_listed_sources(count)
    applicant = sources[0].applicant_types.first()
    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"hakija": applicant.slug, "auki": "4", "q": "rahoitus"})
    assert len(listed(response)) == count


# The detail page ----------------------------------------------------------------------------


def test_detail_shows_the_source(client):
    administrator = make_actor(name="Sosiaali- ja terveysjärjestöjen avustuskeskus")
    region = make_region(name_fi="Pohjois-Pohjanmaa")
    source = make_funding_source(
        name="STEA-avustus",
        category=FundingSource.Category.PUBLIC,
        administrator=administrator,
        description="Avustuksia järjestöille.",
        applicant_types=[make_applicant_type(name="Rekisteröidyt yhdistykset")],
        grant_forms="Kohdennettu toiminta-avustus",
        max_share_percent=Decimal("80.00"),
        max_duration_years=3,
        share_and_duration="Yleensä 1–3 vuotta.",
        restrictions="Ei yrityksille.",
        scope=FundingSource.Scope.REGIONAL,
        regions=[region],
        website="https://www.stea.fi/",
        source="KeKo-käsikirja, luku 5",
        source_url="https://example.org/kasikirja",
        verified_on=datetime.date(2025, 3, 14),
    )
    make_window(
        funding_source=source,
        name="Uudet avustukset",
        start_month=4,
        start_day=1,
        end_month=5,
        end_day=31,
        notes="Haku sähköisesti.",
    )

    response = client.get(source.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>STEA-avustus</h1>" in content
    assert "Julkinen rahoitus" in content
    assert f'<a href="{administrator.get_absolute_url()}">{administrator.name}</a>' in content
    assert "Rekisteröidyt yhdistykset" in content
    assert "Avustuksia järjestöille." in content
    assert "Kohdennettu toiminta-avustus" in content
    assert "80 %" in content
    assert "3 vuotta" in content
    assert "Yleensä 1–3 vuotta." in content
    assert "Ei yrityksille." in content
    assert "Alueellinen" in content
    assert f'<a href="{region.get_absolute_url()}">Pohjois-Pohjanmaa</a>' in content
    assert 'href="https://www.stea.fi/"' in content
    assert "Uudet avustukset: 1.4.–31.5. vuosittain" in content
    assert "Haku sähköisesti." in content
    assert '<a href="https://example.org/kasikirja">KeKo-käsikirja, luku 5</a>' in content
    assert "14.3.2025" in content


def test_detail_lists_published_practices_and_projects_only(client):
    source = make_funding_source()
    make_practice(title="Julkaistu käytäntö", funding_sources=[source])
    make_practice(title="Luonnoskäytäntö", funding_sources=[source], status=Status.DRAFT)
    project = make_actor(name="Julkaistu hanke", kind=ActorKind.PROJECT)
    make_project_funding(project=project, funding_source=source, start_year=2022, end_year=2024)
    make_project_funding(
        project=make_actor(name="Luonnoshanke", kind=ActorKind.PROJECT, status=Status.DRAFT),
        funding_source=source,
    )

    content = client.get(source.get_absolute_url()).content.decode()

    assert "Julkaistu käytäntö" in content
    assert "Luonnoskäytäntö" not in content
    assert f'<a href="{project.get_absolute_url()}">Julkaistu hanke</a> 2022–2024' in content
    assert "Luonnoshanke" not in content


def test_detail_hides_a_draft_administrator(client):
    source = make_funding_source(
        administrator=make_actor(name="Luonnostoimija", status=Status.DRAFT)
    )
    assert "Luonnostoimija" not in client.get(source.get_absolute_url()).content.decode()


def test_draft_detail_is_404_for_anonymous_users(client):
    draft = make_funding_source(status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_unknown_slug_is_404(client):
    assert (
        client.get(reverse("directory:funding_source", kwargs={"slug": "ei-ole"})).status_code
        == 404
    )


def test_staff_may_preview_a_draft(admin_client):
    draft = make_funding_source(name="Tuleva rahoitus", status=Status.DRAFT)
    response = admin_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Luonnos – näkyy vain ylläpitäjille" in response.content.decode()


@pytest.mark.parametrize("count", [2, 30])
def test_detail_query_count_is_fixed(client, django_assert_num_queries, count):
    source = make_funding_source(
        administrator=make_actor(),
        regions=[make_region(), make_region()],
        applicant_types=[make_applicant_type(), make_applicant_type()],
    )
    for n in range(count):
        make_window(funding_source=source, name=f"Haku {n}")
        make_practice(funding_sources=[source])
        make_project_funding(funding_source=source)
    # source with administrator, applicant types, regions, windows, practices, projects
    with django_assert_num_queries(6):
        response = client.get(source.get_absolute_url())
    assert len(response.context["funding"].project_fundings.all()) == count


# The calendar -------------------------------------------------------------------------------


def month_cells(content):
    """Return {month name: text of its row} from the calendar table."""
    rows = re.findall(
        r'<tr id="kuukausi-\d+".*?<th scope="row">(\w+).*?</th>(.*?)</tr>', content, re.S
    )
    return {name: cell for name, cell in rows}


def test_calendar_lists_every_month_with_its_open_windows(client):
    stea = make_funding_source(name="STEA")
    make_window(funding_source=stea, name="Kevään haku", start_month=4, end_month=6, end_day=30)

    response = client.get(CALENDAR)

    assert response.status_code == 200
    cells = month_cells(response.content.decode())
    assert list(cells) == [
        "Tammikuu",
        "Helmikuu",
        "Maaliskuu",
        "Huhtikuu",
        "Toukokuu",
        "Kesäkuu",
        "Heinäkuu",
        "Elokuu",
        "Syyskuu",
        "Lokakuu",
        "Marraskuu",
        "Joulukuu",
    ]
    opened = [name for name, cell in cells.items() if "Kevään haku" in cell]
    assert opened == ["Huhtikuu", "Toukokuu", "Kesäkuu"]
    assert f'<a href="{stea.get_absolute_url()}">STEA</a>' in cells["Toukokuu"]
    assert "Ei avoimia hakuja." in cells["Tammikuu"]


def test_calendar_shows_a_window_spanning_new_year_at_both_ends(client):
    make_window(name="Talven haku", start_month=11, start_day=15, end_month=1, end_day=31)

    cells = month_cells(client.get(CALENDAR).content.decode())

    opened = [name for name, cell in cells.items() if "Talven haku" in cell]
    assert opened == ["Tammikuu", "Marraskuu", "Joulukuu"]
    assert "15.11.–31.1." in cells["Tammikuu"]


def test_calendar_hides_windows_of_drafts(client):
    make_window(name="Luonnoksen haku", funding_source=make_funding_source(status=Status.DRAFT))
    assert "Luonnoksen haku" not in client.get(CALENDAR).content.decode()


def test_calendar_is_an_accessible_table_that_links_to_the_feed(client):
    content = client.get(CALENDAR).content.decode()
    assert "<caption>" in content
    assert content.count('<th scope="col">') == 2
    assert content.count('<th scope="row">') == 12
    assert f'href="{ICS}"' in content
    assert f'href="webcal://testserver{ICS}"' in content
    assert f"<code>http://testserver{ICS}</code>" in content
    assert "Google-kalenteri" in content and "Outlook" in content
    assert 'rel="alternate" type="text/calendar"' in content
    # The calendar needs no script of its own; the site-wide language suggestion is the only one.
    assert re.findall(r"<script[^>]*>", content) == [
        f'<script src="{static("js/language-suggestion.js")}" defer>'
    ]
    assert "style=" not in content


def test_calendar_query_count_is_fixed(client, django_assert_num_queries):
    for _ in range(30):
        make_window(start_month=11, end_month=2, end_day=28)
    with django_assert_num_queries(1):
        client.get(CALENDAR)


# The iCalendar feed -------------------------------------------------------------------------


def get_feed(client):
    response = client.get(ICS)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def unfold(body):
    """Return the content lines of an iCalendar body after checking its physical lines."""
    text = body.decode("utf-8")
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    lines = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def events(lines, *, closing_days=False):
    """Return each VEVENT of a window (or, with `closing_days`, of a window's closing day) as
    a {property: value} dict."""
    found, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, value = line.split(":", 1)
            current[name] = value
    return [e for e in found if e["UID"].endswith("-closes@keko") == closing_days]


def expected_start(month, day, end_month, end_day):
    """Return the start of the occurrence open today, or of the next one (no wrap)."""
    today = timezone.localdate()
    if (today.month, today.day) <= (end_month, end_day):
        return datetime.date(today.year, month, day)
    return datetime.date(today.year + 1, month, day)


def test_feed_is_a_valid_calendar(client):
    make_window()
    lines = unfold(get_feed(client))

    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert "CALSCALE:GREGORIAN" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert "X-WR-CALNAME:KeKo-hakemisto: rahoituksen hakuajat" in lines
    for component in ("VCALENDAR", "VEVENT"):
        assert lines.count(f"BEGIN:{component}") == lines.count(f"END:{component}")
    depth = 0
    for line in lines:
        depth += line.startswith("BEGIN:") - line.startswith("END:")
        assert depth >= 0
    assert depth == 0
    assert all(re.match(r"^[A-Z-]+[;:]", line) for line in lines)


def test_feed_has_one_event_per_window_of_published_sources(client):
    source = make_funding_source(name="STEA")
    spring = make_window(
        funding_source=source, name="Kevät", start_month=4, start_day=1, end_month=5, end_day=31
    )
    make_window(funding_source=source, name="Syksy", start_month=9, end_month=10)
    make_window(name="Luonnos", funding_source=make_funding_source(status=Status.DRAFT))

    found = events(unfold(get_feed(client)))

    assert len(found) == 2
    event = next(e for e in found if e["SUMMARY"] == "STEA: Kevät")
    start = expected_start(4, 1, 5, 31)
    assert event["UID"] == f"window-{spring.pk}@keko"
    assert event["DTSTART;VALUE=DATE"] == start.strftime("%Y%m%d")
    assert event["DTEND;VALUE=DATE"] == start.replace(month=6, day=1).strftime("%Y%m%d")
    assert event["RRULE"] == "FREQ=YEARLY"
    assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
    assert event["URL"] == f"http://testserver{source.get_absolute_url()}"
    assert "1.4.–31.5." in event["DESCRIPTION"]


def test_feed_uid_is_stable(client):
    make_window()
    first = [e["UID"] for e in events(unfold(get_feed(client)))]
    second = [e["UID"] for e in events(unfold(get_feed(client)))]
    assert first == second


def test_feed_window_spanning_new_year_ends_the_following_year(client):
    make_window(start_month=11, start_day=1, end_month=1, end_day=31)

    (event,) = events(unfold(get_feed(client)))

    start = datetime.datetime.strptime(event["DTSTART;VALUE=DATE"], "%Y%m%d").date()
    end = datetime.datetime.strptime(event["DTEND;VALUE=DATE"], "%Y%m%d").date()
    assert (start.month, start.day) == (11, 1)
    assert end == datetime.date(start.year + 1, 2, 1)
    assert end > timezone.localdate()


def test_feed_escapes_text_and_folds_long_lines(client):
    source = make_funding_source(name="Avustus, laina; tuki \\ muu " + "pitkä nimi " * 10)
    make_window(funding_source=source, name="Haku", notes="Ensimmäinen rivi\nToinen rivi")

    body = get_feed(client)
    (event,) = events(unfold(body))

    assert event["SUMMARY"].startswith("Avustus\\, laina\\; tuki \\\\ muu pitkä nimi")
    assert "Ensimmäinen rivi\\nToinen rivi" in event["DESCRIPTION"]
    assert b"\r\n " in body  # the long summary was folded


@pytest.mark.parametrize("rows", [10, 1000])
def test_feed_query_count_is_fixed(client, django_assert_num_queries, rows):
    bulk_funding_sources(rows)
    with django_assert_num_queries(1):
        body = get_feed(client)
    assert len(events(unfold(body))) == len(events(unfold(body), closing_days=True)) == 2 * rows
