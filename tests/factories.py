"""Small builders for test data. Every argument has a sensible default; override what matters."""

import itertools

from django.utils.text import slugify

from actors.models import (
    Actor,
    ActorKind,
    Contact,
    ContactRole,
    Municipality,
    NetworkMembership,
    Region,
    ServiceType,
    TargetGroup,
)
from funding.models import ApplicantType, ApplicationWindow, FundingSource, ProjectFunding
from glossary.models import Term
from keko.models import Status
from practices.models import Participation, Practice

_sequence = itertools.count(1)


def _n():
    return next(_sequence)


def _free_code(model, width):
    """A classification code of `width` digits that no row of `model` has yet, from the top
    down: tests also create rows with real (low) codes, which a counter ran into."""
    taken = set(model.objects.values_list("code", flat=True))
    codes = (f"{n:0{width}d}" for n in reversed(range(10**width)))
    return next(code for code in codes if code not in taken)


def make_region(**fields):
    n = _n()
    fields.setdefault("name_fi", f"Maakunta {n}")
    fields.setdefault("name_sv", f"Landskap {n}")
    if "code" not in fields:
        fields["code"] = _free_code(Region, 2)
    fields.setdefault("slug", f"maakunta-{n}")
    return Region.objects.create(**fields)


def make_municipality(**fields):
    n = _n()
    fields.setdefault("name_fi", f"Kunta {n}")
    fields.setdefault("name_sv", f"Kommun {n}")
    if "code" not in fields:
        fields["code"] = _free_code(Municipality, 3)
    fields.setdefault("slug", slugify(f"kunta-{n}-{fields['name_fi']}"))
    if "region" not in fields:
        fields["region"] = make_region()
    return Municipality.objects.create(**fields)


def make_service(**fields):
    n = _n()
    fields.setdefault("name", f"Palvelu {n}")
    fields.setdefault("slug", f"palvelu-{n}")
    return ServiceType.objects.create(**fields)


def make_target_group(**fields):
    n = _n()
    fields.setdefault("name", f"Kohderyhmä {n}")
    fields.setdefault("slug", f"kohderyhma-{n}")
    return TargetGroup.objects.create(**fields)


def make_contact_role(**fields):
    n = _n()
    fields.setdefault("name", f"Rooli {n}")
    fields.setdefault("slug", f"rooli-{n}")
    return ContactRole.objects.create(**fields)


def make_actor(
    *, served_municipalities=(), served_regions=(), services=(), target_groups=(), **fields
):
    n = _n()
    fields.setdefault("name", f"Toimija {n}")
    fields.setdefault("slug", f"toimija-{n}")
    fields.setdefault("kind", ActorKind.ASSOCIATION)
    fields.setdefault("status", Status.PUBLISHED)
    actor = Actor.objects.create(**fields)
    actor.served_municipalities.set(served_municipalities)
    actor.served_regions.set(served_regions)
    actor.services.set(services)
    actor.target_groups.set(target_groups)
    return actor


def make_actors(count, **fields):
    """Create `count` actors with services and target groups, as a list page would show them."""
    service, group = make_service(), make_target_group()
    return [make_actor(services=[service], target_groups=[group], **fields) for _ in range(count)]


def make_contact(**fields):
    if "actor" not in fields:
        fields["actor"] = make_actor()
    if "role" not in fields:
        fields["role"] = make_contact_role()
    fields.setdefault("name", f"Henkilö {_n()}")
    return Contact.objects.create(**fields)


def make_membership(**fields):
    if "network" not in fields:
        fields["network"] = make_actor(kind=ActorKind.NETWORK)
    if "member" not in fields:
        fields["member"] = make_actor()
    return NetworkMembership.objects.create(**fields)


def make_applicant_type(**fields):
    n = _n()
    fields.setdefault("name", f"Hakija {n}")
    fields.setdefault("slug", f"hakija-{n}")
    return ApplicantType.objects.create(**fields)


def make_funding_source(*, applicant_types=(), regions=(), **fields):
    n = _n()
    fields.setdefault("name", f"Rahoitus {n}")
    fields.setdefault("slug", f"rahoitus-{n}")
    fields.setdefault("category", FundingSource.Category.PUBLIC)
    fields.setdefault("status", Status.PUBLISHED)
    source = FundingSource.objects.create(**fields)
    source.applicant_types.set(applicant_types)
    source.regions.set(regions)
    return source


def make_window(**fields):
    if "funding_source" not in fields:
        fields["funding_source"] = make_funding_source()
    fields.setdefault("name", f"Haku {_n()}")
    fields.setdefault("start_month", 4)
    fields.setdefault("end_month", 5)
    fields.setdefault("end_day", 31)
    return ApplicationWindow.objects.create(**fields)


def make_project_funding(**fields):
    if "project" not in fields:
        fields["project"] = make_actor(kind=ActorKind.PROJECT)
    if "funding_source" not in fields:
        fields["funding_source"] = make_funding_source()
    return ProjectFunding.objects.create(**fields)


def make_practice(*, participants=(), funding_sources=(), regions=(), target_groups=(), **fields):
    n = _n()
    fields.setdefault("title", f"Käytäntö {n}")
    fields.setdefault("slug", f"kaytanto-{n}")
    fields.setdefault("summary", f"Tiivistelmä {n}")
    fields.setdefault("partner_type", Practice.PartnerType.NGO)
    fields.setdefault("status", Status.PUBLISHED)
    practice = Practice.objects.create(**fields)
    for actor in participants:
        Participation.objects.create(practice=practice, actor=actor)
    practice.funding_sources.set(funding_sources)
    practice.regions.set(regions)
    practice.target_groups.set(target_groups)
    return practice


def make_term(*, related=(), **fields):
    n = _n()
    fields.setdefault("term", f"Käsite {n}")
    fields.setdefault("slug", f"kasite-{n}")
    fields.setdefault("definition", f"Määritelmä {n}")
    fields.setdefault("category", Term.Category.MARKETS)
    fields.setdefault("status", Status.PUBLISHED)
    term = Term.objects.create(**fields)
    term.related.set(related)
    return term


# -- bulk builders: a thousand rows in a few inserts, for query counts at scale ----------------
# Every row's name holds the word "Työttömien", so that one site search finds them all.


def _bulk_link(field, objects, targets):
    """Link each of `objects` to each of `targets` through the many-to-many `field`."""
    through = field.through
    source = field.field.m2m_field_name()
    target = field.field.m2m_reverse_field_name()
    through.objects.bulk_create(
        through(**{f"{source}_id": obj.pk, f"{target}_id": t.pk})
        for obj in objects
        for t in targets
    )


def bulk_actors(count, *, municipality, kinds=(ActorKind.ASSOCIATION,)):
    """Create `count` published actors, of `kinds` in turn, each with a service, a target group
    and a public contact in a checklist role; return the actors, the service and the group."""
    batch = _n()
    service, group = make_service(), make_target_group()
    role = make_contact_role(checklist_order=1, actor_kinds=[ActorKind.ASSOCIATION])
    actors = Actor.objects.bulk_create(
        Actor(
            name=f"Työttömien yhdistys {n:04d}",
            slug=f"toimija-{batch}-{n}",
            kind=kinds[n % len(kinds)],
            status=Status.PUBLISHED,
            description="Järjestöjen yhteistyötä työllisyyden hyväksi.",
            municipality=municipality,
        )
        for n in range(count)
    )
    _bulk_link(Actor.services, actors, [service])
    _bulk_link(Actor.target_groups, actors, [group])
    Contact.objects.bulk_create(
        Contact(actor=a, role=role, name=f"Henkilö {a.pk}", public=True) for a in actors
    )
    return actors, service, group


def bulk_funding_sources(count, *, administrator=None, applicant_types=()):
    """Create `count` published sources with a spring and an autumn application window."""
    batch = _n()
    sources = FundingSource.objects.bulk_create(
        FundingSource(
            name=f"Työttömien rahoitus {n:04d}",
            slug=f"rahoitus-{batch}-{n}",
            category=FundingSource.Category.PUBLIC,
            status=Status.PUBLISHED,
            administrator=administrator,
        )
        for n in range(count)
    )
    _bulk_link(FundingSource.applicant_types, sources, applicant_types)
    ApplicationWindow.objects.bulk_create(
        ApplicationWindow(
            funding_source=source, name=name, start_month=start, end_month=end, end_day=31
        )
        for source in sources
        for name, start, end in [("Kevät", 4, 5), ("Syksy", 9, 10)]
    )
    return sources


def bulk_practices(count, *, regions=(), target_groups=(), funding_sources=()):
    """Create `count` published practices linked to `regions`, `target_groups` and
    `funding_sources`."""
    batch = _n()
    practices = Practice.objects.bulk_create(
        Practice(
            title=f"Työttömien käytäntö {n:04d}",
            slug=f"kaytanto-{batch}-{n}",
            summary="Tiivistelmä yhteistyön mallista.",
            partner_type=Practice.PartnerType.NGO,
            status=Status.PUBLISHED,
        )
        for n in range(count)
    )
    _bulk_link(Practice.regions, practices, regions)
    _bulk_link(Practice.target_groups, practices, target_groups)
    _bulk_link(Practice.funding_sources, practices, funding_sources)
    return practices


def bulk_terms(count):
    """Create `count` published terms."""
    batch = _n()
    return Term.objects.bulk_create(
        Term(
            term=f"Työttömien käsite {n:04d}",
            slug=f"kasite-{batch}-{n}",
            definition="Määritelmä.",
            category=Term.Category.COLLABORATION,
            status=Status.PUBLISHED,
        )
        for n in range(count)
    )


# -- curation: users, groups and correction requests ---------------------------------------------
from django.contrib.auth.models import Group, User  # noqa: E402

from curation.models import CorrectionRequest, RegionalEditor  # noqa: E402
from curation.permissions import CURATOR_GROUP, REGIONAL_EDITOR_GROUP, sync_groups  # noqa: E402


def make_user(*, groups=(), **fields):
    """Create a staff user in `groups` (by name), creating the groups if a test needs them."""
    n = _n()
    fields.setdefault("username", f"kayttaja-{n}")
    fields.setdefault("is_staff", True)
    user = User.objects.create_user(**fields)
    if groups:
        if Group.objects.filter(name__in=groups).count() < len(groups):
            sync_groups()
        user.groups.set(Group.objects.filter(name__in=groups))
    return user


def make_curator(**fields):
    return make_user(groups=[CURATOR_GROUP], **fields)


def make_regional_editor(*, regions, **fields):
    user = make_user(groups=[REGIONAL_EDITOR_GROUP], **fields)
    RegionalEditor.objects.create(user=user).regions.set(regions)
    return user


def make_correction(**fields):
    if "actor" not in fields and "practice" not in fields:
        fields["actor"] = make_actor()
    fields.setdefault("what_is_wrong", "Puhelinnumero on vanha.")
    fields.setdefault("proposed_fix", "Uusi numero on 040 123 4567.")
    return CorrectionRequest.objects.create(**fields)
