"""actors.areas: ActorRegion and ActorMunicipality follow every kind of edit, and the area
QuerySets and the area pages that read them give the same answers as the actors' own links."""

import datetime

import pytest
from django.db import connection
from django.db.models import Q

from actors import areas
from actors.models import (
    Actor,
    ActorKind,
    ActorMunicipality,
    ActorRegion,
    Contact,
    Municipality,
    Region,
)
from directory.areas import kind_groups
from keko.models import Status
from tests.factories import (
    make_actor,
    make_contact,
    make_contact_role,
    make_municipality,
    make_region,
)

pytestmark = pytest.mark.django_db


def regions_of(actor):
    return set(ActorRegion.objects.filter(actor=actor).values_list("area_id", flat=True))


def municipalities_of(actor):
    return set(ActorMunicipality.objects.filter(actor=actor).values_list("area_id", flat=True))


def expected_regions(actor):
    """The regions `actor` serves, from its own links (the definition)."""
    return set(
        Region.objects.filter(
            Q(municipalities__based_actors=actor)
            | Q(municipalities__serving_actors=actor)
            | Q(serving_actors=actor)
        ).values_list("pk", flat=True)
    )


def expected_municipalities(actor):
    return set(
        Municipality.objects.filter(
            Q(based_actors=actor) | Q(serving_actors=actor) | Q(region__serving_actors=actor)
        ).values_list("pk", flat=True)
    )


def assert_follows(actor):
    assert regions_of(actor) == expected_regions(actor)
    assert municipalities_of(actor) == expected_municipalities(actor)


@pytest.fixture
def geography():
    """Two regions of two municipalities each."""
    north, south = make_region(), make_region()
    return {
        "north": north,
        "south": south,
        "n1": make_municipality(region=north),
        "n2": make_municipality(region=north),
        "s1": make_municipality(region=south),
        "s2": make_municipality(region=south),
    }


def test_a_new_actor_serves_its_home_municipality_and_region(geography):
    actor = make_actor(municipality=geography["n1"])
    assert regions_of(actor) == {geography["north"].pk}
    assert municipalities_of(actor) == {geography["n1"].pk}


def test_home_municipality_change_moves_the_rows(geography):
    actor = make_actor(municipality=geography["n1"])
    actor.municipality = geography["s1"]
    actor.save()
    assert regions_of(actor) == {geography["south"].pk}
    assert municipalities_of(actor) == {geography["s1"].pk}
    actor.municipality = None
    actor.save()
    assert regions_of(actor) == set() and municipalities_of(actor) == set()


def test_served_municipality_added_and_removed(geography):
    actor = make_actor(municipality=geography["n1"])
    actor.served_municipalities.add(geography["s2"])
    assert regions_of(actor) == {geography["north"].pk, geography["south"].pk}
    assert municipalities_of(actor) == {geography["n1"].pk, geography["s2"].pk}
    actor.served_municipalities.remove(geography["s2"])
    assert_follows(actor)
    assert regions_of(actor) == {geography["north"].pk}


def test_served_region_added_and_removed_covers_all_its_municipalities(geography):
    actor = make_actor(municipality=geography["n1"])
    actor.served_regions.add(geography["south"])
    assert municipalities_of(actor) == {geography["n1"].pk, geography["s1"].pk, geography["s2"].pk}
    assert_follows(actor)
    actor.served_regions.clear()
    assert municipalities_of(actor) == {geography["n1"].pk}
    assert_follows(actor)


def test_links_changed_from_the_areas_side(geography):
    actor = make_actor()
    geography["s1"].serving_actors.add(actor)
    geography["north"].serving_actors.add(actor)
    assert_follows(actor)
    geography["north"].serving_actors.clear()
    geography["s1"].serving_actors.remove(actor)
    assert regions_of(actor) == set() and municipalities_of(actor) == set()


def test_a_municipality_added_to_a_served_region_is_served(geography):
    actor = make_actor(served_regions=[geography["north"]])
    new = make_municipality(region=geography["north"])
    assert new.pk in municipalities_of(actor)
    new.region = geography["south"]
    new.save()
    assert new.pk not in municipalities_of(actor)


def test_a_renamed_municipality_keeps_its_actors_rows(geography):
    actor = make_actor(municipality=geography["n1"], served_regions=[geography["north"]])
    rows = set(ActorMunicipality.objects.filter(actor=actor).values_list("pk", flat=True))
    town = Municipality.objects.get(pk=geography["n1"].pk)
    town.name_fi = "Uusi nimi"
    town.save()
    assert set(ActorMunicipality.objects.filter(actor=actor).values_list("pk", flat=True)) == rows
    town.region = geography["south"]
    town.save()
    assert regions_of(actor) == {geography["north"].pk, geography["south"].pk}
    assert town.pk in municipalities_of(actor)


def test_deleted_actor_leaves_no_rows(geography):
    actor = make_actor(municipality=geography["n1"], served_regions=[geography["south"]])
    pk = actor.pk
    actor.delete()
    assert not ActorRegion.objects.filter(actor_id=pk).exists()
    assert not ActorMunicipality.objects.filter(actor_id=pk).exists()


def test_copied_fields_follow_save_bulk_create_and_update(geography):
    actor = make_actor(municipality=geography["n1"], name="Alku", status=Status.DRAFT)
    actor.name, actor.status, actor.kind = "Uusi", Status.PUBLISHED, ActorKind.PROJECT
    actor.active_until = datetime.date(2020, 1, 1)
    actor.save()
    row = ActorRegion.objects.get(actor=actor)
    assert (row.name, row.status, row.kind, row.active_until) == (
        "Uusi",
        Status.PUBLISHED,
        ActorKind.PROJECT,
        datetime.date(2020, 1, 1),
    )
    Actor.objects.filter(pk=actor.pk).update(status=Status.DRAFT, municipality=geography["s1"])
    row = ActorRegion.objects.get(actor=actor)
    assert (row.status, row.area_id) == (Status.DRAFT, geography["south"].pk)
    [bulk] = Actor.objects.bulk_create(
        [Actor(name="Massa", slug="massa", kind="other", municipality=geography["s2"])]
    )
    assert municipalities_of(bulk) == {geography["s2"].pk}


def test_rebuild_restores_rows_written_around_the_signals(geography):
    actor = make_actor(municipality=geography["n1"])
    Actor.served_regions.through.objects.create(actor=actor, region=geography["south"])
    ActorRegion.objects.all().delete()
    areas.rebuild()
    assert_follows(actor)
    Actor.served_municipalities.through.objects.create(actor=actor, municipality=geography["n2"])
    areas.refresh([actor.pk])
    assert_follows(actor)


def test_serving_querysets_read_the_table(geography):
    based = make_actor(municipality=geography["n1"])
    serves_municipality = make_actor(served_municipalities=[geography["n2"]])
    serves_region = make_actor(served_regions=[geography["north"]])
    make_actor(municipality=geography["s1"])
    both = Actor.objects.serving_regions([geography["north"], geography["south"]])
    assert both.count() == 4 and len(set(both)) == 4
    assert set(Actor.objects.serving_regions([geography["north"]])) == {
        based,
        serves_municipality,
        serves_region,
    }
    assert set(Actor.objects.serving_municipalities([geography["n2"]])) == {
        serves_municipality,
        serves_region,
    }


def test_area_page_counts_come_from_the_table_and_match_the_actors(geography):
    today = datetime.date.today()
    make_actor(municipality=geography["n1"], kind=ActorKind.PROJECT, name="B")
    make_actor(served_regions=[geography["north"]], kind=ActorKind.PROJECT, name="A")
    make_actor(municipality=geography["n1"], status=Status.DRAFT)
    make_actor(municipality=geography["n2"], active_until=today - datetime.timedelta(days=1))
    actors = Actor.objects.published().active().serving_regions([geography["north"]])
    assert actors.area_memberships() is not None
    # Any other selection is not an area's: it is counted from the actors.
    assert actors.filter(kind=ActorKind.PROJECT).area_memberships() is None
    assert actors.count() == 2
    [group] = kind_groups(actors)
    assert (group.kind, group.count, [a.name for a in group.actors]) == ("project", 2, ["A", "B"])
    plain = Actor.objects.published().active().filter(pk__in=actors.values("pk"))
    [same] = kind_groups(plain)
    assert (same.count, [a.name for a in same.actors]) == (2, ["A", "B"])


@pytest.mark.parametrize("national", [False, True])
def test_an_areas_actors_of_some_kinds_are_narrowed_in_their_membership_rows(geography, national):
    north, n1 = geography["north"], geography["n1"]
    project = make_actor(municipality=n1, kind=ActorKind.PROJECT)
    make_actor(municipality=n1, kind=ActorKind.ASSOCIATION)
    make_actor(municipality=geography["s1"], kind=ActorKind.PROJECT)
    ended = make_actor(
        municipality=n1,
        kind=ActorKind.FOUNDATION,
        active_until=datetime.date.today() - datetime.timedelta(days=1),
    )
    everywhere = make_actor(kind=ActorKind.PROJECT, is_national=True)
    make_actor(kind=ActorKind.ASSOCIATION, is_national=True)
    kinds = [ActorKind.PROJECT, ActorKind.FOUNDATION]
    expected = {project.pk, ended.pk} | ({everywhere.pk} if national else set())
    for actors in (
        Actor.objects.published().serving_regions([north], national=national),
        Actor.objects.published().serving_municipalities([n1], national=national),
    ):
        narrowed = actors.of_kinds(kinds)
        assert set(narrowed.values_list("pk", flat=True)) == expected
        assert set(narrowed.active().values_list("pk", flat=True)) == expected - {ended.pk}
        assert set(actors.active().of_kinds(kinds).values_list("pk", flat=True)) == (
            expected - {ended.pk}
        )
        # The kinds are a condition of the actors, of their membership rows, and of the
        # national actors beside them; the area's rows are read once, narrowed.
        sql = str(narrowed.query)
        assert sql.count("project") == (3 if national else 2)
        assert sql.count('"area_id" IN') == 1
        # The queryset narrowed from is left as it was.
        assert set(actors.values_list("pk", flat=True)) >= expected
        assert str(actors.query).count("project") == 0
    # Not an area's actors: the kinds alone.
    everyone = Actor.objects.published().of_kinds(kinds)
    assert str(everyone.query).count("project") == 1
    assert set(everyone.values_list("pk", flat=True)) == set(
        Actor.objects.filter(kind__in=kinds).values_list("pk", flat=True)
    )


def test_kinds_of_actors_combined_with_others_keep_both_conditions(geography):
    project = make_actor(municipality=geography["n1"], kind=ActorKind.PROJECT)
    elsewhere = make_actor(municipality=geography["s1"], kind=ActorKind.PROJECT)
    make_actor(municipality=geography["s1"], kind=ActorKind.ASSOCIATION)
    served = Actor.objects.published().serving_regions([geography["north"]])
    either = served | Actor.objects.filter(municipality=geography["s1"])
    # The area's semi-join is not a condition of every row: it is left as it is.
    narrowed = either.of_kinds([ActorKind.PROJECT])
    assert set(narrowed.values_list("pk", flat=True)) == {project.pk, elsewhere.pk}
    assert str(narrowed.query).count('"area_id" IN') == 1


def contact_marks(*actors):
    """{actor: (whether each of its region rows and municipality rows says it has a public
    contact)}."""
    return {
        actor: {
            *ActorRegion.objects.filter(actor=actor).values_list("has_public_contact", flat=True),
            *ActorMunicipality.objects.filter(actor=actor).values_list(
                "has_public_contact", flat=True
            ),
        }
        for actor in actors
    }


def test_the_rows_say_whether_the_actor_has_a_public_contact_after_each_write(geography):
    actor = make_actor(municipality=geography["n1"], served_regions=[geography["south"]])
    other = make_actor(municipality=geography["s1"])
    assert contact_marks(actor, other) == {actor: {False}, other: {False}}
    private = make_contact(actor=actor, public=False)
    assert contact_marks(actor) == {actor: {False}}
    private.public = True
    private.save()
    assert contact_marks(actor) == {actor: {True}}
    # Moved to another actor: the first has none left.
    private.actor = other
    private.save()
    assert contact_marks(actor, other) == {actor: {False}, other: {True}}
    private.delete()
    assert contact_marks(other) == {other: {False}}
    # Written in bulk, without signals.
    [bulk] = Contact.objects.bulk_create(
        [Contact(actor=actor, role=make_contact_role(), name="Massa", public=True)]
    )
    assert contact_marks(actor) == {actor: {True}}
    Contact.objects.filter(pk=bulk.pk).update(public=False)
    assert contact_marks(actor) == {actor: {False}}
    Contact.objects.filter(pk=bulk.pk).update(public=True, actor=other)
    assert contact_marks(actor, other) == {actor: {False}, other: {True}}
    Contact.objects.filter(pk=bulk.pk).update(actor_id=actor.pk)
    assert contact_marks(actor, other) == {actor: {True}, other: {False}}
    Contact.objects.filter(pk=bulk.pk).update(actor=other)
    # Rows rebuilt, from an actor's save or from scratch, keep the mark.
    other.save()
    assert contact_marks(other) == {other: {True}}
    ActorRegion.objects.update(has_public_contact=False)
    areas.rebuild()
    assert contact_marks(actor, other) == {actor: {False}, other: {True}}


def test_a_contact_read_and_moved_to_another_actor_leaves_the_first(geography):
    actor = make_actor(municipality=geography["n1"])
    other = make_actor(municipality=geography["s1"])
    pk = make_contact(actor=actor, public=True).pk
    contact = Contact.objects.get(pk=pk)
    contact.actor = other
    contact.save()
    assert contact_marks(actor, other) == {actor: {False}, other: {True}}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the facet table: PostgreSQL")
def test_a_contact_marks_the_rows_without_rebuilding_the_actors_facets(geography):
    actor = make_actor(municipality=geography["n1"])

    def facet_row():
        # The row's physical place: a new one after each update of it.
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid FROM actors_actorfacets WHERE actor_id = %s", [actor.pk])
            return cursor.fetchone()[0]

    before = facet_row()
    make_contact(actor=actor, public=True)
    assert contact_marks(actor) == {actor: {True}}
    assert facet_row() == before
    # A row moved to another area still rebuilds them.
    ActorRegion.objects.filter(actor=actor).update(area=geography["south"])
    assert facet_row() != before
    with connection.cursor() as cursor:
        cursor.execute("SELECT region_ids FROM actors_actorfacets WHERE actor_id = %s", [actor.pk])
        assert cursor.fetchone()[0] == [geography["south"].pk]
