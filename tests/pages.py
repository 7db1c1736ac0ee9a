"""A small directory and the address of every public page type, for the site-wide tests
(security headers, hostile input, privacy)."""

from django.urls import reverse

from actors.models import ActorKind
from tests.factories import (
    make_actor,
    make_applicant_type,
    make_contact,
    make_contact_role,
    make_funding_source,
    make_municipality,
    make_practice,
    make_region,
    make_service,
    make_target_group,
    make_term,
    make_window,
)


def make_directory():
    """Create a region and a municipality with a published actor of each relation, and return
    the objects the public pages are addressed by."""
    region = make_region(name_fi="Testimaakunta", slug="testimaakunta")
    town = make_municipality(name_fi="Testikunta", slug="testikunta", region=region)
    service = make_service(slug="tyopajat")
    group = make_target_group(slug="nuoret")
    role = make_contact_role(checklist_order=1)
    funding = make_funding_source(
        slug="stea", regions=[region], applicant_types=[make_applicant_type(slug="yhdistys")]
    )
    actor = make_actor(
        name="Testikunnan Työpaja ry",
        slug="testikunnan-tyopaja",
        municipality=town,
        services=[service],
        target_groups=[group],
    )
    funding.administrator = actor
    funding.save()
    make_actor(kind=ActorKind.PROJECT, municipality=town, services=[service])
    make_contact(actor=actor, role=role, public=True)
    make_window(funding_source=funding)
    practice = make_practice(participants=[actor], regions=[region], funding_sources=[funding])
    term = make_term(slug="verkosto")
    return {
        "region": region,
        "municipality": town,
        "actor": actor,
        "funding": funding,
        "practice": practice,
        "term": term,
    }


def public_pages(directory):
    """Return the path of every public page type of `directory`, by a name of the type."""
    region, town = directory["region"].slug, directory["municipality"].slug
    return dict(
        [
            ("home", reverse("directory:home")),
            ("search", reverse("directory:search") + "?q=työpaja"),
            ("regions", reverse("directory:regions")),
            ("region", reverse("directory:region", args=[region])),
            ("region_print", reverse("directory:region_print", args=[region])),
            ("region_print_pdf", reverse("directory:region_print_pdf", args=[region])),
            ("region_csv", reverse("directory:region_csv", args=[region])),
            ("municipality", reverse("directory:municipality", args=[town])),
            ("municipality_print", reverse("directory:municipality_print", args=[town])),
            ("municipality_print_pdf", reverse("directory:municipality_print_pdf", args=[town])),
            ("municipality_csv", reverse("directory:municipality_csv", args=[town])),
            ("municipality_search", reverse("directory:municipality_search") + "?q=ei-osumaa"),
            (
                "municipality_suggestions",
                reverse("directory:municipality_suggestions") + "?q=test",
            ),
            ("list_print", reverse("directory:list_print") + f"?alue={region}"),
            ("list_print_pdf", reverse("directory:list_print_pdf") + f"?alue={region}"),
            ("list_csv", reverse("directory:list_csv") + f"?alue={region}"),
            ("actors", reverse("directory:actors")),
            ("actor", directory["actor"].get_absolute_url()),
            ("funding", reverse("funding:list")),
            ("funding_detail", directory["funding"].get_absolute_url()),
            ("calendar", reverse("funding:calendar")),
            ("calendar_ics", reverse("funding:calendar_ics")),
            ("practices", reverse("practices:list")),
            ("practice", directory["practice"].get_absolute_url()),
            ("glossary", reverse("glossary:list")),
            ("term", directory["term"].get_absolute_url()),
            ("accessibility_statement", reverse("accessibility_statement")),
            ("open_data", reverse("opendata_site:page")),
            ("healthz", reverse("healthz")),
            ("not_found", "/ei-tallaista-sivua/"),
            ("admin_login", reverse("admin:login")),
        ]
    )


PAGE_TYPES = [
    "home",
    "search",
    "regions",
    "region",
    "region_print",
    "region_print_pdf",
    "region_csv",
    "municipality",
    "municipality_print",
    "municipality_print_pdf",
    "municipality_csv",
    "municipality_search",
    "municipality_suggestions",
    "list_print",
    "list_print_pdf",
    "list_csv",
    "actors",
    "actor",
    "funding",
    "funding_detail",
    "calendar",
    "calendar_ics",
    "practices",
    "practice",
    "glossary",
    "term",
    "accessibility_statement",
    "open_data",
    "healthz",
    "not_found",
    "admin_login",
]
