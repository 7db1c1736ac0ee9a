"""keko.search: the SearchableQuerySet's stems, matching and ranking, and the stored search
vector, on the actors' QuerySet."""

import pytest
from django.db import connection

from actors.models import Actor
from keko.search import ANY_KEY, SEARCH_CONFIGS, key_array, search_terms, word_prefixes
from tests.factories import make_actor, make_funding_source, make_practice, make_term

pytestmark = pytest.mark.django_db


def test_search_terms_cut_inflected_finnish_words_to_a_shared_stem():
    assert search_terms("Oulussa") == ["oulu"]
    assert search_terms("järjestöjen") == ["järjestö"]
    assert search_terms("TYP") == ["typ"]
    assert search_terms("<script>; DROP") == ["scri", "drop"]


def test_search_finds_inflected_forms():
    oulu = make_actor(name="Oulun Työvalmennus", description="Järjestö Oulussa.")
    make_actor(name="Muu", description="Ei osumaa.")
    assert list(Actor.objects.search("järjestöjen")) == [oulu]
    assert list(Actor.objects.search("Oulussa")) == [oulu]


def test_an_inflected_form_apart_from_its_stem_seeks_its_base_form_too():
    assert word_prefixes("yhdistyksen") == ["yhdistyk", "yhdistys"]
    assert word_prefixes("kuntoutukseen") == ["kuntoutuks", "kuntoutus"]
    assert word_prefixes("osatyökykyisten") == ["osatyökykyis", "osatyökykyinen"]
    assert word_prefixes("vammaiset") == ["vammai", "vammainen"]
    assert word_prefixes("työttömien") == ["työttöm", "työtön"]
    assert word_prefixes("työllisyydestä") == ["työllisyyde", "työllisyys"]
    assert word_prefixes("asunnottomille") == ["asunnottomi", "asunnoton"]
    assert word_prefixes("yhdistys") == ["yhdis"]
    assert word_prefixes("kaksi") == ["kaks"]


@pytest.mark.parametrize(
    ("base", "inflected"),
    [
        ("yhdistys", "yhdistyksen"),
        ("kuntoutus", "kuntoutuksessa"),
        ("osatyökykyinen", "osatyökykyisten"),
        ("vammainen", "vammaisille"),
        ("työtön", "työttömien"),
        ("työllisyys", "työllisyydestä"),
        ("nuori", "nuorille"),
    ],
)
def test_search_finds_a_word_from_its_inflected_forms_and_back(base, inflected):
    in_base = make_actor(name="Kylän toimija", description=f"Tukee: {base.capitalize()}.")
    in_inflected = make_actor(name="Toinen", description=f"Tukee {inflected}.")
    make_actor(name="Muu", description="Ei osumaa.")
    assert set(Actor.objects.search(inflected)) == {in_base, in_inflected}
    assert set(Actor.objects.search(base)) == {in_base, in_inflected}


def test_search_forgives_a_typo_on_postgresql_only():
    tampere = make_actor(name="Tampereen Työvalmennus")
    found = list(Actor.objects.search("tyvalmennus"))
    # pg_trgm matches the word typed with a letter missing; SQLite's plain match cannot.
    assert found == ([tampere] if connection.vendor == "postgresql" else [])


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="typos are forgiven on PostgreSQL only (pg_trgm)"
)
def test_a_row_the_text_finds_ranks_above_a_row_only_its_titles_likeness_finds():
    # The word only in a description, which weighs least, and a name one letter off it.
    described = make_actor(name="Aalto ry", description="Työvalmennusta nuorille.")
    misspelt = make_actor(name="Tyvalmennus Oy", description="Muuta.")
    assert list(Actor.objects.search("tyovalmennus")) == [described, misspelt]


def test_search_ranks_name_matches_before_description_matches():
    described = make_actor(name="Aaltoyhdistys", description="Tukee työpajoja.")
    named = make_actor(name="Työpaja Verstas", description="Muuta.")
    found = list(Actor.objects.search("työpaja"))
    assert set(found) == {described, named}
    if connection.vendor == "postgresql":
        assert found[0] == named


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the stored search vector is PostgreSQL's; SQLite matches the text itself",
)
def test_stored_search_vector_follows_edits_on_postgresql():
    actor = make_actor(name="Alkuperäinen")
    actor.name = "Muutettu Nimi"
    actor.save()
    assert list(Actor.objects.search("muutettu")) == [actor]
    assert not Actor.objects.search("alkuperäinen").exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL's text search configuration folds accents; SQLite matches the text",
)
def test_words_typed_without_their_umlauts_find_the_words_with_them():
    employment = make_actor(name="Työllisyyspalvelut", description="Järjestöjen yhteistyö.")
    make_actor(name="Muu", description="Ei osu.")
    assert list(Actor.objects.search("tyollisyyspalvelut")) == [employment]
    assert list(Actor.objects.search("jarjestojen")) == [employment]
    # With the umlauts, and inflected, as before.
    assert list(Actor.objects.search("työllisyyspalveluja")) == [employment]
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector(%s, 'Työllisyys')::text", [SEARCH_CONFIGS["fi"]])
        [(vector,)] = cursor.fetchall()
    assert "ö" not in vector


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the stored search vector is PostgreSQL's; SQLite matches the text itself",
)
@pytest.mark.parametrize(
    ("make", "fields", "edit"),
    [
        (
            make_practice,
            {"title": "Alkuperäinen malli", "summary": "Tiivistelmä.",
             "what_was_done": "Työpajoja nuorille."},
            ("results", "Kaksikymmentä työllistyi."),
        ),
        (
            make_funding_source,
            {"name": "Alkuperäinen avustus", "description": "Työpajoja nuorille."},
            ("grant_forms", "Kaksikymmentä työllistyi."),
        ),
        (
            make_term,
            {"term": "Alkuperäinen käsite", "definition": "Työpajoja nuorille."},
            ("abbreviation", "Työllistyi"),
        ),
    ],
)  # fmt: skip
def test_a_stored_search_vector_is_the_computed_one_and_follows_edits(make, fields, edit):
    entry = make(**fields)
    setattr(entry, *edit)
    entry.save()
    queryset = type(entry).objects
    # The one SearchableQuerySet would compute from the columns: the same matches and ranks.
    searched = queryset.all()
    computed = searched._vector(
        searched.search_fields_a, searched.search_fields_b, SEARCH_CONFIGS["fi"]
    )
    stored, expected = (
        queryset.annotate(computed=computed)
        .values_list("search_vector", "computed")
        .get(pk=entry.pk)
    )
    assert stored == expected
    assert searched.search_vector_field == "search_vector"
    assert list(queryset.search("työllistyi")) == [entry]
    assert list(queryset.search("nuorille")) == [entry]
    assert not queryset.search("kolmekymmentä").exists()


def test_search_matches_word_starts_not_letters_inside_words():
    workshop = make_actor(name="Oulun Työpaja")
    located = make_actor(name="Verstas", description="Toimii Oulussa.")
    make_actor(name="Ammatillinen koulutus", description="Koulutusta aikuisille.")
    assert set(Actor.objects.search("Oulu")) == {workshop, located}
    assert set(Actor.objects.search("oulussa")) == {workshop, located}


def test_word_start_match_folds_the_case_of_nordic_letters():
    aland = make_actor(name="Ålands Arbetsverkstad")
    voice = make_actor(name="Äänityöpaja Öljy")
    make_actor(name="Kaupunki", description="Sanat väänä ja ööljy.")
    assert list(Actor.objects.search("åland")) == [aland]
    assert list(Actor.objects.search("äänityö")) == [voice]
    assert list(Actor.objects.search("ÖLJY")) == [voice]


def test_every_term_must_match_at_a_word_start():
    both = make_actor(name="Oulun Nuorten Työpaja")
    make_actor(name="Oulun Verstas")
    make_actor(name="Nuorten koulutuspaja")
    assert list(Actor.objects.search("oulu työpaja")) == [both]


def test_keys_are_written_as_one_array_literal():
    assert key_array([3, 1, 2]) == "{3,1,2}"
    assert key_array([]) == "{}"
    with pytest.raises(ValueError):
        key_array(["1}"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="an array parameter: PostgreSQL")
def test_an_array_of_keys_selects_those_rows():
    kept = make_actor(name="Mukana")
    make_actor(name="Poissa")
    with connection.cursor() as cursor:
        for keys, found in (([kept.pk], [kept.pk]), ([], [])):
            cursor.execute(
                f"SELECT id FROM actors_actor WHERE id = {ANY_KEY} ORDER BY id",
                [key_array(keys)],
            )
            assert [pk for (pk,) in cursor.fetchall()] == found
