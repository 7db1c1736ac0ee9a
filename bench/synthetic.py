"""Synthetic actors for load tests: plausible, deterministic, and quick to bulk-insert.

The data goes on top of the seed data (`manage.py seed`): it uses the seeded regions,
municipalities, services, target groups, contact roles and funding sources, and adds actors of
every kind with their links. Everything is drawn from `random.Random` seeded with the run's seed
and the chunk number, so a seed always yields the same rows, and a chunk is generated and
committed as a unit (CHUNK_SIZE actors with their contacts, networks, practices and funding).

Municipalities are weighted by a rough population proxy: the largest cities by their population
in thousands, every other municipality by a deterministic, skewed draw (median about 5, at most
35): together the large cities get about 60 % of the actors, as they hold about 60 % of the
population. It is a proxy, not Statistics Finland's figures.
"""

import datetime
import random
from dataclasses import dataclass, field
from itertools import accumulate

from django.db import transaction
from django.utils import timezone

from actors import areas
from actors.models import (
    Actor,
    ActorKind,
    Contact,
    ContactRole,
    Municipality,
    NetworkMembership,
    ServiceType,
    TargetGroup,
    TypicalService,
)
from funding.models import FundingSource, ProjectFunding
from keko.cache import bump_directory_version
from keko.models import Status
from practices.models import Participation, Practice

CHUNK_SIZE = 1000
SLUG_PREFIX = "synth"

# Population in thousands (rounded), used as weights.
LARGE_MUNICIPALITIES = {
    "Helsinki": 675,
    "Espoo": 320,
    "Tampere": 255,
    "Vantaa": 250,
    "Oulu": 215,
    "Turku": 205,
    "Jyväskylä": 148,
    "Kuopio": 125,
    "Lahti": 121,
    "Pori": 83,
    "Kouvola": 79,
    "Joensuu": 78,
    "Lappeenranta": 73,
    "Hämeenlinna": 68,
    "Vaasa": 68,
    "Seinäjoki": 65,
    "Rovaniemi": 65,
    "Mikkeli": 52,
    "Kotka": 51,
    "Salo": 51,
    "Porvoo": 51,
    "Kokkola": 48,
    "Lohja": 46,
    "Hyvinkää": 47,
    "Nurmijärvi": 44,
    "Järvenpää": 45,
    "Rauma": 38,
    "Kirkkonummi": 41,
    "Tuusula": 39,
    "Kajaani": 36,
}

# Shares of the synthetic actors by kind, per 1 000: associations dominate, as in Finland.
KIND_WEIGHTS = {
    ActorKind.ASSOCIATION: 620,
    ActorKind.FOUNDATION: 40,
    ActorKind.COMPANY: 90,
    ActorKind.SOCIAL_ENTERPRISE: 25,
    ActorKind.PROJECT: 100,
    ActorKind.PARISH: 25,
    ActorKind.EDUCATION: 25,
    ActorKind.NETWORK: 20,
    ActorKind.OTHER: 25,
    ActorKind.MUNICIPALITY: 8,
    ActorKind.EMPLOYMENT_AREA: 5,
    ActorKind.TE_OFFICE: 4,
    ActorKind.ELY_CENTRE: 3,
    ActorKind.ELINVOIMAKESKUS: 3,
    ActorKind.KELA: 4,
    ActorKind.PUBLIC_AGENCY: 3,
}

SHARE_DRAFT = 0.06
SHARE_ENDED = 0.05
SHARE_SERVING_MUNICIPALITIES = 0.18
SHARE_SERVING_REGION = 0.05
SHARE_NATIONAL = 0.0002  # national actors appear on every region page: keep them rare
SHARE_WITH_CONTACTS = 0.6
SHARE_PUBLIC_CONTACTS = 0.15
SHARE_FUNDED_PROJECTS = 0.6
# Verified by a curator within the last VERIFIED_WITHIN_DAYS (half of them over a year ago,
# which the admin flags as stale); the others never. The dates come from a generator of their
# own, so that the rest of a seed's data stays as it was before they were added.
SHARE_VERIFIED = 0.7
VERIFIED_WITHIN_DAYS = 2 * 365
PRACTICES_PER_CHUNK = 2

PLACE_WORDS = [
    "Kallion",
    "Mäen",
    "Järven",
    "Kosken",
    "Rannan",
    "Niemen",
    "Laakson",
    "Harjun",
    "Lahden",
    "Kummun",
    "Salon",
    "Metsän",
    "Kiven",
    "Pellon",
    "Saaren",
    "Vaaran",
    "Joen",
    "Lammen",
    "Suon",
    "Ahon",
    "Kylän",
    "Rinteen",
    "Selän",
    "Kankaan",
    "Nummen",
    "Kaupungin",
    "Seudun",
    "Pohjolan",
    "Etelän",
    "Idän",
    "Lännen",
    "Keskustan",
    "Tammen",
    "Koivun",
    "Haavan",
    "Kuusen",
]
ASSOCIATION_TOPICS = [
    "työttömät",
    "työttömien yhdistys",
    "mielenterveysyhdistys",
    "nuorisoseura",
    "kylätoimikunta",
    "työpajayhdistys",
    "martat",
    "invalidit",
    "kuntoutujat",
    "eläkeläiset",
    "setlementti",
    "vapaaehtoiset",
    "maahanmuuttajien yhdistys",
    "päihdetyön yhdistys",
    "omaishoitajat",
    "työllisyysyhdistys",
    "4H-yhdistys",
    "kotiseutuyhdistys",
    "järjestöjen yhteistyöyhdistys",
    "nuorten työpaja",
    "sosiaalipsykiatrinen yhdistys",
    "kehitysvammaisten tuki",
    "reumayhdistys",
    "sydänyhdistys",
    "työväenyhdistys",
]
FOUNDATION_TOPICS = ["säätiö", "työllisyyssäätiö", "kuntoutussäätiö", "nuorisosäätiö"]
COMPANY_TOPICS = [
    "Rakennus",
    "Siivouspalvelu",
    "Kiinteistöhuolto",
    "Puutarha",
    "Logistiikka",
    "Kahvila",
    "Konepaja",
    "Ohjelmisto",
    "Henkilöstöpalvelu",
    "Kuljetus",
    "Catering",
    "Tekstiili",
]
PROJECT_WORDS = [
    "Polku",
    "Silta",
    "Askel",
    "Työhön",
    "Osaaja",
    "Voimaa",
    "Uusi suunta",
    "Kasvu",
    "Kipinä",
    "Yhdessä",
    "Mahdollisuus",
    "Väylä",
    "Verso",
    "Tuuli",
    "Ponnistus",
    "Luotsi",
]
PROJECT_SUFFIXES = ["-hanke", " – työllisyyshanke", " -kehittämishanke", " -projekti"]
DESCRIPTION_SENTENCES = [
    "Edistämme työllisyyttä ja osallisuutta paikallisesti.",
    "Tarjoamme kuntouttavaa työtoimintaa ja työkokeilupaikkoja.",
    "Toimimme yhteistyössä kunnan työllisyyspalvelujen ja muiden järjestöjen kanssa.",
    "Järjestämme vertaistukiryhmiä ja ohjausta työttömille työnhakijoille.",
    "Palkkaamme palkkatuella ja tarjoamme työhönvalmennusta.",
    "Kohderyhmänämme ovat erityisesti nuoret ja pitkäaikaistyöttömät.",
    "Autamme maahanmuuttajia kielen ja työelämätaitojen oppimisessa.",
    "Järjestöjen yhteistyöverkosto kokoontuu kuukausittain.",
    "Toiminta rahoitetaan avustuksilla ja omalla varainhankinnalla.",
    "Tuemme osatyökykyisiä löytämään sopivan työpaikan.",
    "Ylläpidämme kierrätyskeskusta ja kahvilaa, joissa voi harjoitella työelämää.",
    "Kehitämme välityömarkkinoiden palveluja alueen yritysten kanssa.",
]
FIRST_NAMES = [
    "Anna",
    "Maria",
    "Liisa",
    "Aino",
    "Helmi",
    "Sanna",
    "Laura",
    "Elina",
    "Minna",
    "Tiina",
    "Juha",
    "Mikko",
    "Timo",
    "Jari",
    "Matti",
    "Antti",
    "Janne",
    "Petri",
    "Ville",
    "Eero",
]
SURNAMES = [
    "Korhonen",
    "Virtanen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Lehtinen",
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Heikkilä",
    "Kinnunen",
    "Salonen",
    "Turunen",
]
TITLES = [
    "toiminnanjohtaja",
    "työvalmentaja",
    "projektipäällikkö",
    "koordinaattori",
    "puheenjohtaja",
    "sihteeri",
    "ohjaaja",
    "palveluesimies",
]
OFFICIAL_NAMES = {
    ActorKind.MUNICIPALITY: "{town}, työllisyyspalvelujen toimipiste {n}",
    ActorKind.EMPLOYMENT_AREA: "{town}, työllisyysalueen palvelupiste {n}",
    ActorKind.TE_OFFICE: "{town}, TE-palvelujen toimipiste {n}",
    ActorKind.ELY_CENTRE: "{town}, ELY-keskuksen toimipiste {n}",
    ActorKind.ELINVOIMAKESKUS: "{town}, elinvoimakeskuksen toimipiste {n}",
    ActorKind.KELA: "Kela, {town} – palvelupiste {n}",
    ActorKind.PUBLIC_AGENCY: "{town}, viraston toimipiste {n}",
}


@dataclass
class Reference:
    """The seeded rows the synthetic data links to, in a stable order (by slug or code)."""

    municipalities: list
    # Cumulative, as random.choices takes them: summed once rather than for every actor.
    municipality_cum_weights: list
    municipalities_by_region: dict
    services: list
    typical_services: dict
    target_groups: list
    roles: list
    funding_sources: list

    @classmethod
    def load(cls):
        municipalities = list(Municipality.objects.order_by("code"))
        if not municipalities:
            raise ValueError("No municipalities: run `manage.py seed` first.")
        draw = random.Random("municipality-weights")
        weights = [
            LARGE_MUNICIPALITIES.get(m.name_fi)
            or min(35, max(1, round(draw.lognormvariate(1.6, 0.8))))
            for m in municipalities
        ]
        by_region = {}
        for municipality in municipalities:
            by_region.setdefault(municipality.region_id, []).append(municipality)
        services = list(ServiceType.objects.order_by("slug"))
        by_pk = {service.pk: service for service in services}
        typical = {}
        for row in TypicalService.objects.order_by("kind", "service__slug"):
            typical.setdefault(row.kind, []).append(by_pk[row.service_id])
        return cls(
            municipalities=municipalities,
            municipality_cum_weights=list(accumulate(weights)),
            municipalities_by_region=by_region,
            services=services,
            typical_services=typical,
            target_groups=list(TargetGroup.objects.order_by("slug")),
            roles=list(ContactRole.objects.order_by("slug")),
            funding_sources=list(FundingSource.objects.published().order_by("slug")),
        )


@dataclass
class ChunkStats:
    actors: int = 0
    services: int = 0
    target_groups: int = 0
    served_municipalities: int = 0
    served_regions: int = 0
    contacts: int = 0
    public_contacts: int = 0
    memberships: int = 0
    practices: int = 0
    participations: int = 0
    fundings: int = 0

    def add(self, other):
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Plan:
    """The rows of one chunk, before insertion (actors are linked by index within the chunk)."""

    actors: list = field(default_factory=list)
    services: list = field(default_factory=list)  # (actor index, ServiceType)
    target_groups: list = field(default_factory=list)
    served_municipalities: list = field(default_factory=list)
    served_regions: list = field(default_factory=list)
    contacts: list = field(default_factory=list)  # (actor index, Contact without actor)
    memberships: list = field(default_factory=list)  # (network index, member index, role)
    practices: list = field(default_factory=list)  # (Practice, [(actor index, role)])
    fundings: list = field(default_factory=list)  # (project index, FundingSource, years)


def slug_for(seed, number):
    return f"{SLUG_PREFIX}-{seed}-{number}"


def actor_name(rng, kind, town, number):
    if kind == ActorKind.ASSOCIATION:
        return f"{rng.choice(PLACE_WORDS)} {rng.choice(ASSOCIATION_TOPICS)} ry"
    if kind == ActorKind.FOUNDATION:
        return f"{rng.choice(PLACE_WORDS)} {rng.choice(FOUNDATION_TOPICS)} sr"
    if kind == ActorKind.COMPANY:
        return f"{rng.choice(PLACE_WORDS)} {rng.choice(COMPANY_TOPICS)} Oy"
    if kind == ActorKind.SOCIAL_ENTERPRISE:
        return f"{rng.choice(PLACE_WORDS)} Työ ja {rng.choice(COMPANY_TOPICS).lower()} Oy"
    if kind == ActorKind.PROJECT:
        return f"{rng.choice(PROJECT_WORDS)}{rng.choice(PROJECT_SUFFIXES)}"
    if kind == ActorKind.PARISH:
        return f"{rng.choice(PLACE_WORDS)} seurakunnan diakoniatyö"
    if kind == ActorKind.EDUCATION:
        school = rng.choice(["ammattiopisto", "kansanopisto", "opisto"])
        return f"{rng.choice(PLACE_WORDS)} {school}"
    if kind == ActorKind.NETWORK:
        return f"{rng.choice(PLACE_WORDS)} {rng.choice(['työllisyysverkosto', 'järjestöverkosto'])}"
    if kind == ActorKind.OTHER:
        return f"{rng.choice(PLACE_WORDS)} {rng.choice(['toimintakeskus', 'kohtaamispaikka'])}"
    return OFFICIAL_NAMES[kind].format(town=town.name_fi, n=number)


def description(rng):
    return " ".join(rng.sample(DESCRIPTION_SENTENCES, rng.randint(1, 3)))


def plan_chunk(seed, chunk, count, reference, *, today):
    """Return the Plan of chunk number `chunk` (`count` actors) of the run seeded `seed`."""
    rng = random.Random(f"keko-synthetic:{seed}:{chunk}")
    checks = random.Random(f"keko-synthetic-verified:{seed}:{chunk}")
    ref = reference
    kinds, kind_weights = zip(*KIND_WEIGHTS.items(), strict=True)
    plan = Plan()
    for i in range(count):
        number = chunk * CHUNK_SIZE + i
        kind = rng.choices(kinds, kind_weights)[0]
        town = rng.choices(ref.municipalities, cum_weights=ref.municipality_cum_weights)[0]
        national = rng.random() < SHARE_NATIONAL
        status = Status.DRAFT if rng.random() < SHARE_DRAFT else Status.PUBLISHED
        active_from = active_until = None
        if kind == ActorKind.PROJECT or rng.random() < 0.2:
            active_from = today - datetime.timedelta(days=rng.randint(30, 3650))
        if rng.random() < SHARE_ENDED:
            active_until = today - datetime.timedelta(days=rng.randint(1, 700))
            if active_from and active_from > active_until:
                active_from = active_until - datetime.timedelta(days=365)
        elif kind == ActorKind.PROJECT:
            active_until = today + datetime.timedelta(days=rng.randint(30, 900))
        verified_on = None
        if checks.random() < SHARE_VERIFIED:
            verified_on = today - datetime.timedelta(days=checks.randint(0, VERIFIED_WITHIN_DAYS))
        local = f"{rng.randint(100, 999)}{rng.randint(1000, 9999)}"
        plan.actors.append(
            Actor(
                name=actor_name(rng, kind, town, number),
                slug=slug_for(seed, number),
                kind=kind,
                status=status,
                description=description(rng),
                website=f"https://toimija-{number}.example.org/" if rng.random() < 0.7 else "",
                email=f"info@toimija-{number}.example.org" if rng.random() < 0.6 else "",
                phone=f"0{rng.choice([40, 44, 50])} {local[:3]} {local[3:]}",
                street_address=f"{rng.choice(PLACE_WORDS)[:-1]}katu {rng.randint(1, 80)}",
                postal_code=f"{rng.randint(0, 99):02d}{rng.randint(100, 999)}",
                post_office=town.name_fi.upper(),
                municipality=None if national else town,
                is_national=national,
                active_from=active_from,
                active_until=active_until,
                verified_on=verified_on,
                source="Synteettinen testiaineisto (seed_synthetic)",
            )
        )
        typical = ref.typical_services.get(kind) or ref.services
        for service in rng.sample(typical, min(len(typical), rng.randint(0, 4))):
            plan.services.append((i, service))
        groups = ref.target_groups
        for group in rng.sample(groups, min(len(groups), rng.randint(0, 3))):
            plan.target_groups.append((i, group))
        if not national and rng.random() < SHARE_SERVING_MUNICIPALITIES:
            neighbours = ref.municipalities_by_region[town.region_id]
            for served in rng.sample(neighbours, min(len(neighbours), rng.randint(1, 4))):
                if served != town:
                    plan.served_municipalities.append((i, served))
        if not national and rng.random() < SHARE_SERVING_REGION:
            plan.served_regions.append((i, town.region_id))
        if rng.random() < SHARE_WITH_CONTACTS and ref.roles:
            for _ in range(rng.randint(1, 2)):
                first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
                plan.contacts.append(
                    (
                        i,
                        Contact(
                            role=rng.choice(ref.roles),
                            name=f"{first} {last}",
                            title=rng.choice(TITLES),
                            email=f"{first}.{last}@toimija-{number}.example.org".lower(),
                            phone=f"050 {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
                            public=rng.random() < SHARE_PUBLIC_CONTACTS,
                        ),
                    )
                )
    # Networks gather members of the same chunk, ideally from their own region.
    for i, actor in enumerate(plan.actors):
        if actor.kind != ActorKind.NETWORK:
            continue
        candidates = [j for j in range(count) if j != i]
        members = rng.sample(candidates, min(len(candidates), rng.randint(3, 20)))
        for position, j in enumerate(members):
            role = (
                NetworkMembership.Role.COORDINATOR
                if position == 0
                else NetworkMembership.Role.MEMBER
            )
            plan.memberships.append((i, j, role))
    projects = [i for i, actor in enumerate(plan.actors) if actor.kind == ActorKind.PROJECT]
    if ref.funding_sources:
        for i in projects:
            if rng.random() < SHARE_FUNDED_PROJECTS:
                years = (today.year - rng.randint(0, 3), today.year + rng.randint(0, 2))
                plan.fundings.append((i, rng.choice(ref.funding_sources), years))
    for k in range(PRACTICES_PER_CHUNK if count >= 10 else 0):
        number = chunk * CHUNK_SIZE + k
        practice = Practice(
            title=f"{rng.choice(PROJECT_WORDS)}: yhteistyön malli {number}",
            slug=slug_for(seed, f"kaytanto-{number}"),
            summary=description(rng),
            what_was_done=description(rng),
            results=description(rng),
            partner_type=rng.choice(Practice.PartnerType.values),
            status=Status.PUBLISHED,
            source="Synteettinen testiaineisto (seed_synthetic)",
        )
        roles = Participation.Role.values
        participants = rng.sample(range(count), min(count, rng.randint(2, 6)))
        plan.practices.append((practice, [(j, rng.choice(roles)) for j in participants]))
    return plan


def insert_plan(plan, *, batch_size):
    """Insert the rows of `plan` with bulk inserts; return its ChunkStats."""
    actors = Actor.objects.bulk_create(plan.actors, batch_size=batch_size)
    stats = ChunkStats(actors=len(actors))

    def through_rows(relation, pairs, column):
        through = relation.through
        rows = [through(**{"actor_id": actors[i].pk, column: value}) for i, value in pairs]
        through.objects.bulk_create(rows, batch_size=batch_size)
        return len(rows)

    stats.services = through_rows(
        Actor.services, [(i, s.pk) for i, s in plan.services], "servicetype_id"
    )
    stats.target_groups = through_rows(
        Actor.target_groups, [(i, g.pk) for i, g in plan.target_groups], "targetgroup_id"
    )
    stats.served_municipalities = through_rows(
        Actor.served_municipalities,
        [(i, m.pk) for i, m in plan.served_municipalities],
        "municipality_id",
    )
    stats.served_regions = through_rows(Actor.served_regions, plan.served_regions, "region_id")
    # The link tables were filled without signals: the areas the actors serve follow by hand.
    areas.refresh(actor.pk for actor in actors)
    contacts = []
    for i, contact in plan.contacts:
        contact.actor = actors[i]
        contacts.append(contact)
    Contact.objects.bulk_create(contacts, batch_size=batch_size)
    stats.contacts = len(contacts)
    stats.public_contacts = sum(contact.public for contact in contacts)
    NetworkMembership.objects.bulk_create(
        [
            NetworkMembership(network=actors[i], member=actors[j], role=role)
            for i, j, role in plan.memberships
        ],
        batch_size=batch_size,
    )
    stats.memberships = len(plan.memberships)
    ProjectFunding.objects.bulk_create(
        [
            ProjectFunding(project=actors[i], funding_source=source, start_year=start, end_year=end)
            for i, source, (start, end) in plan.fundings
        ],
        batch_size=batch_size,
    )
    stats.fundings = len(plan.fundings)
    practices = Practice.objects.bulk_create([p for p, _ in plan.practices])
    Participation.objects.bulk_create(
        [
            Participation(practice=practice, actor=actors[j], role=role)
            for practice, (_, participants) in zip(practices, plan.practices, strict=True)
            for j, role in participants
        ],
        batch_size=batch_size,
    )
    stats.practices = len(practices)
    stats.participations = sum(len(participants) for _, participants in plan.practices)
    return stats


def existing_count(seed):
    """Return how many synthetic actors of `seed` the database holds."""
    return Actor.objects.filter(slug__startswith=f"{SLUG_PREFIX}-{seed}-").count()


def chunks(total):
    """Yield (chunk number, actor count) covering `total` actors."""
    for chunk, start in enumerate(range(0, total, CHUNK_SIZE)):
        yield chunk, min(CHUNK_SIZE, total - start)


def load_chunk(seed, chunk, count, reference, *, batch_size=1000, today=None):
    """Generate and insert one chunk in its own transaction; return its ChunkStats."""
    plan = plan_chunk(seed, chunk, count, reference, today=today or timezone.localdate())
    with transaction.atomic():
        stats = insert_plan(plan, batch_size=batch_size)
        # bulk_create sends no signals: move cached pages on by hand (keko.cache).
        bump_directory_version()
        return stats
