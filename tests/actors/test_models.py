import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import translation

from actors.models import Actor, ActorKind
from actors.validators import validate_business_id
from tests.factories import make_actor, make_municipality, make_region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["0201256-6", "1572860-0", "0737546-2"])
def test_valid_business_ids_pass(value):
    validate_business_id(value)


@pytest.mark.parametrize("value", ["0201256-5", "201256-6", "02012566", "abcdefg-h", ""])
def test_invalid_business_ids_are_rejected(value):
    with pytest.raises(ValidationError):
        validate_business_id(value)


def test_business_id_is_unique_only_when_given():
    make_actor(business_id="")
    make_actor(business_id="")
    make_actor(business_id="0201256-6")
    with pytest.raises(IntegrityError):
        make_actor(business_id="0201256-6")


def test_full_clean_reports_a_bad_check_digit():
    actor = Actor(name="X", slug="x", kind=ActorKind.COMPANY, business_id="0201256-5")
    with pytest.raises(ValidationError) as error:
        actor.full_clean()
    assert "business_id" in error.value.message_dict


def test_active_excludes_ended_and_future_actors():
    today = datetime.date(2026, 6, 1)
    current = make_actor(active_from=datetime.date(2020, 1, 1))
    ended = make_actor(active_until=datetime.date(2024, 12, 31))
    future = make_actor(active_from=datetime.date(2027, 1, 1))
    active = set(Actor.objects.active(on=today))
    assert current in active
    assert ended not in active and future not in active


def test_serving_regions_includes_based_served_municipality_and_whole_region():
    region, other = make_region(), make_region()
    municipality = make_municipality(region=region)
    based = make_actor(municipality=municipality)
    serves_municipality = make_actor(served_municipalities=[municipality])
    serves_region = make_actor(served_regions=[region])
    elsewhere = make_actor(municipality=make_municipality(region=other))
    found = set(Actor.objects.serving_regions([region]))
    assert found == {based, serves_municipality, serves_region}
    assert elsewhere not in found


def test_serving_municipalities_includes_actors_covering_the_whole_region():
    municipality = make_municipality()
    serves_region = make_actor(served_regions=[municipality.region])
    neighbour = make_actor(municipality=make_municipality(region=municipality.region))
    found = set(Actor.objects.serving_municipalities([municipality]))
    assert serves_region in found
    assert neighbour not in found


def test_an_actor_cannot_take_the_slug_of_a_page_under_toimijat(db):
    actor = Actor(name="Tulosta", slug="tulosta", kind="association")
    with pytest.raises(ValidationError) as error:
        actor.full_clean()
    assert "on sivuston oman sivun osoite" in str(error.value)
    assert Actor.objects.free_slug("Tulosta") == "tulosta-2"
    assert Actor.objects.free_slug("") == "toimija"


def test_a_listed_actor_shows_its_actors_values_in_the_page_language_and_stands_for_it():
    town = make_municipality(name_fi="Pori", name_sv="Björneborg")
    translated = make_actor(
        name="Työpaja", name_sv="Verkstad", description="Kuvaus", municipality=town
    )
    finnish_only = make_actor(name="Yhdistys", description="Vain suomeksi")
    with translation.override("sv"):
        listed = {actor.pk: actor for actor in Actor.objects.for_list()}
    shown, fallback = listed[translated.pk], listed[finnish_only.pk]
    assert (shown.name, shown.name_fi, shown.description) == ("Verkstad", "Työpaja", "Kuvaus")
    assert (fallback.name, fallback.description) == ("Yhdistys", "Vain suomeksi")
    assert (shown.slug, shown.kind, shown.is_national) == (translated.slug, translated.kind, False)
    assert shown.get_absolute_url() == translated.get_absolute_url()
    assert shown.municipality == town and shown.municipality.name_sv == "Björneborg"
    assert fallback.municipality is None
    # Equal to its own actor (and hashed alike), to no other, and to no other model's row.
    assert shown == translated and {shown} == {translated} and shown != finnish_only
    assert shown != town and shown.municipality != translated


def test_a_printed_actor_shows_what_the_actor_shows_in_the_page_language():
    town = make_municipality(name_fi="Pori", name_sv="Björneborg")
    ended = datetime.date(2020, 12, 31)
    make_actor(
        name="Työpaja",
        name_sv="Verkstad",
        description="Kuvaus",
        municipality=town,
        website="https://example.org/",
        email="info@example.org",
        phone="040 123",
        street_address="Katu 1",
        postal_code="28100",
        post_office="Pori",
        verified_on=datetime.date(2026, 3, 1),
        active_until=ended,
    )
    # A description column left NULL (a bulk write): empty, as the model's descriptor gives it.
    no_description = make_actor(name="Kuvaukseton")
    Actor.objects.filter(pk=no_description.pk).update(description_fi=None)
    fields = ["pk", "slug", "kind", "is_national", "name", "description", "website", "email"]
    fields += ["phone", "street_address", "postal_code", "post_office", "verified_on"]
    fields += ["active_until", "has_ended"]
    for language in ("fi", "sv"):
        with translation.override(language):
            printed = list(Actor.objects.order_by("name").for_print())
            stored = list(Actor.objects.order_by("name"))
            assert [type(row).__name__ for row in printed] == ["PrintedActor"] * 2
            for row, model in zip(printed, stored, strict=True):
                assert [getattr(row, name) for name in fields] == [
                    getattr(model, name) for name in fields
                ]
                assert row.get_kind_display() == model.get_kind_display()
                assert row == model
            assert printed[1].municipality.name == town.name
    assert printed[1].name == "Verkstad" and printed[1].has_ended
    assert printed[0].description == "" and printed[0].municipality is None
