"""Generated hostile query strings against every public list, search, calendar and print URL.

Whatever the query, a page must answer without a server error (< 500) and must never echo
a submitted value containing "<" unescaped into HTML.
"""

import os
from urllib.parse import parse_qsl, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pages import make_directory, public_pages

pytestmark = pytest.mark.django_db

# About 4,000 requests with the fixed attacks below; HYPOTHESIS_EXAMPLES scales the random
# part for a longer hunt.
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "150"))
PDF_EXAMPLES = max(5, EXAMPLES // 20)

FRAGMENTS = [
    "' OR 1=1 --",
    '" OR ""="',
    "1; DROP TABLE actors_actor; --",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</title><svg onload=alert(1)>",
    "{{ 7*7 }}{% debug %}",
    "%00",
    "\x00",
    "..%2F..%2Fetc%2Fpasswd",
    "９９９",
    "١٢٣",
    "ääkkönen Åland",
    "😀",
    "\u202e",
    "-1",
    "0",
    "1e309",
    "NaN",
    str(2**63),
    str(10**100),
    " ",
    "",
]

PARAMETERS = {
    "actors": [
        "q",
        "alue",
        "kunta",
        "tyyppi",
        "palvelu",
        "kohderyhma",
        "rahoitus",
        "voimassa",
        "page",
    ],
    "funding": ["q", "luokka", "hakija", "myontaja", "auki", "page"],
    "practices": ["q", "tyyppi", "alue", "kohderyhma", "rahoitus", "page"],
    "glossary": ["q", "luokka"],
    "search": ["q"],
    "municipality_search": ["q"],
    "municipality_suggestions": ["q"],
    "calendar": ["kuukausi", "q"],
    "calendar_ics": ["q"],
    "regions": ["q", "page"],
    "region": ["q", "page"],
    "municipality": ["q", "page"],
    "home": ["q"],
}
PRINT_PARAMETERS = ["tyyppi", "palvelu", "yhteystiedot", "paattyneet", "tarkistuslista"]
for name in (
    "region_print",
    "region_csv",
    "region_print_pdf",
    "municipality_print",
    "municipality_csv",
    "municipality_print_pdf",
):
    PARAMETERS[name] = PRINT_PARAMETERS
# A print of the list's selection takes the list's filters too.
for name in ("list_print", "list_csv", "list_print_pdf"):
    PARAMETERS[name] = [*PARAMETERS["actors"], *PRINT_PARAMETERS, "asettelu"]

# Text a URL can carry: any code point but lone surrogates (not encodable as UTF-8).
any_text = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)
values = st.one_of(
    any_text,
    st.sampled_from(FRAGMENTS),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.builds(lambda a, b: a + b, st.sampled_from(FRAGMENTS), any_text),
    st.sampled_from(
        [
            "association",
            "company",
            "1",
            "0",
            "2",
            "13",
            "public",
            "markets",
            "testimaakunta",
            "testikunta",
            "tyopajat",
            "nuoret",
            "stea",
            "yhdistys",
        ]
    ),
)
# Raw query-string pieces that urlencode would never produce.
raw_junk = st.sampled_from(
    [
        "",
        "&",
        "&&=&",
        "=x",
        "%",
        "%ZZ",
        "%FF%FE",
        "%C3%28",
        "a=%00",
        "page=1&page=2&page=x",
        "q",
        "q=&q=&q=",
        ";q=1",
        "+++",
        "%2B%26",
    ]
)


def queries(keys):
    """Strategy of raw query strings over the URL's own parameters and random keys,
    repeated parameters included."""
    key = st.one_of(st.sampled_from(keys), any_text)
    pair = st.tuples(key, values)
    return st.builds(
        lambda pairs, junk: "&".join(
            [f"{quote_plus(k)}={quote_plus(v)}" for k, v in pairs] + ([junk] if junk else [])
        ),
        st.lists(pair, max_size=8),
        raw_junk,
    )


def submitted_values(query):
    return [text for pair in parse_qsl(query, keep_blank_values=True) for text in pair]


@pytest.fixture
def directory():
    return make_directory()


def check(client, path, query, baseline):
    response = client.get(f"{path}?{query}")
    assert response.status_code < 500, (path, query)
    if response.status_code in (301, 302) or not response["Content-Type"].startswith("text/html"):
        return
    body = response.getvalue().decode()
    for value in submitted_values(query):
        # A value that the normal page contains anyway ("<a", "</li>") cannot be told apart.
        if "<" in value and value not in baseline:
            assert value not in body, f"{value!r} reflected unescaped by {path}?{query}"


def page_markup(client, path):
    """Return the markup the pages of `path` contain anyway: the normal page, and the HTML
    pages that answer unknown and rejected options (the CSV and PDF endpoints answer a
    rejected print option in HTML)."""
    pages = (
        client.get(path),
        client.get(f"{path}?tyyppi=not-a-kind"),
        client.get(f"{path}?yhteystiedot=not-a-flag"),
    )
    return "".join(page.getvalue().decode(errors="replace") for page in pages)


def run_hostile_queries(client, directory, name, examples):
    path = public_pages(directory)[name].split("?")[0]
    baseline = page_markup(client, path)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(query=queries(PARAMETERS[name]))
    def hostile(query):
        check(client, path, query, baseline)

    hostile()


@pytest.mark.parametrize("name", [name for name in PARAMETERS if not name.endswith("_pdf")])
def test_hostile_query_strings_never_cause_a_server_error(client, directory, name):
    run_hostile_queries(client, directory, name, EXAMPLES)


@pytest.mark.parametrize("name", ["region_print_pdf", "municipality_print_pdf", "list_print_pdf"])
def test_hostile_query_strings_never_break_the_pdf(client, directory, name):
    # WeasyPrint makes each valid request take a moment: fewer examples.
    run_hostile_queries(client, directory, name, PDF_EXAMPLES)


@pytest.mark.parametrize("name", sorted(PARAMETERS))
def test_known_attacks_are_answered_safely(client, directory, name):
    """Every fragment in every parameter, once, besides the random search above."""
    path = public_pages(directory)[name].split("?")[0]
    baseline = page_markup(client, path)
    for key in PARAMETERS[name]:
        # Each valid PDF request renders a PDF; one request per parameter there.
        for fragment in [] if name.endswith("_pdf") else FRAGMENTS:
            check(client, path, f"{quote_plus(key)}={quote_plus(fragment)}", baseline)
        repeated = "&".join(f"{key}={quote_plus(fragment)}" for fragment in FRAGMENTS)
        check(client, path, repeated, baseline)
