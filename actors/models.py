import uuid

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
)
from django.db.models.query import ValuesListIterable
from django.db.models.sql.where import AND
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import get_translation_fields
from simple_history.models import HistoricalRecords

from keko.cache import ACTORS, ALL_AREAS, bump_directory_version
from keko.content_languages import FinnishColumnsQuerySet, FinnishOriginalMixin, shown_value
from keko.models import CuratedModel, CuratedQuerySet, Status
from keko.prefetch import Sparse
from keko.search import BoundedSearchQuery

from . import areas, facets
from .validators import RESERVED_ACTOR_SLUGS, validate_actor_slug, validate_business_id


class AreaName:
    """A region's or municipality's name in the active language: Statistics Finland's
    `name_sv`, and a region's `name_en`, else the Finnish one (a municipality's English name is
    its Finnish one)."""

    @property
    def name(self):
        return getattr(self, f"name_{self.name_language}")

    @property
    def name_language(self):
        """The language `name` is in, for the `lang` of the element that shows it."""
        language = get_language()
        return language if getattr(self, f"name_{language}", "") else "fi"


class Region(AreaName, models.Model):
    """A maakunta, as classified by Statistics Finland."""

    code = models.CharField(_("koodi"), max_length=2, unique=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_fi = models.CharField(_("nimi suomeksi"), max_length=100)
    name_sv = models.CharField(_("nimi ruotsiksi"), max_length=100)
    name_en = models.CharField(_("nimi englanniksi"), max_length=100, blank=True)
    slug = models.SlugField(_("tunniste"), max_length=100, unique=True)

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("maakunta")
        verbose_name_plural = _("maakunnat")

    def __str__(self):
        return self.name_fi

    def get_absolute_url(self):
        return reverse("directory:region", kwargs={"slug": self.slug})


class Municipality(AreaName, models.Model):
    """A kunta, as classified by Statistics Finland."""

    code = models.CharField(_("koodi"), max_length=3, unique=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_fi = models.CharField(_("nimi suomeksi"), max_length=100)
    name_sv = models.CharField(_("nimi ruotsiksi"), max_length=100)
    slug = models.SlugField(_("tunniste"), max_length=100, unique=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("maakunta"),
    )

    class Meta:
        ordering = ["name_fi"]
        verbose_name = _("kunta")
        verbose_name_plural = _("kunnat")

    def __str__(self):
        return self.name_fi

    def get_absolute_url(self):
        return reverse("directory:municipality", kwargs={"slug": self.slug})

    @classmethod
    def from_db(cls, db, field_names, values):
        municipality = super().from_db(db, field_names, values)
        # Its region before any edit: only a move to another region changes the areas its
        # actors serve (actors.areas.municipality_saved).
        municipality._stored_region_id = municipality.__dict__.get("region_id")
        return municipality


class ServiceType(FinnishOriginalMixin, models.Model):
    """A service area of employment support, from the handbook's service table."""

    slug = models.SlugField(_("tunniste"), max_length=100, unique=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nimi"), max_length=200)
    description = models.TextField(_("kuvaus"), blank=True)

    objects = FinnishColumnsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("palvelu")
        verbose_name_plural = _("palvelut")

    def __str__(self):
        return self.name


class TargetGroup(FinnishOriginalMixin, models.Model):
    slug = models.SlugField(_("tunniste"), max_length=100, unique=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nimi"), max_length=200)

    objects = FinnishColumnsQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("kohderyhmä")
        verbose_name_plural = _("kohderyhmät")

    def __str__(self):
        return self.name


class ActorKind(models.TextChoices):
    ASSOCIATION = "association", _("Yhdistys tai järjestö")
    FOUNDATION = "foundation", _("Säätiö")
    MUNICIPALITY = "municipality", _("Kunta")
    TE_OFFICE = "te_office", _("TE-toimisto")
    EMPLOYMENT_AREA = "employment_area", _("Työllisyysalue")
    ELY_CENTRE = "ely_centre", _("ELY-keskus")
    ELINVOIMAKESKUS = "elinvoimakeskus", _("Elinvoimakeskus")
    KELA = "kela", _("Kela")
    EDUCATION = "education", _("Oppilaitos")
    COMPANY = "company", _("Yritys")
    SOCIAL_ENTERPRISE = "social_enterprise", _("Sosiaalinen yritys")
    PARISH = "parish", _("Seurakunta")
    PROJECT = "project", _("Hanke")
    NETWORK = "network", _("Verkosto")
    PUBLIC_AGENCY = "public_agency", _("Valtion viranomainen")
    OTHER = "other", _("Muu toimija")

    @property
    def url_slug(self):
        """The kind in URLs (`?tyyppi=yhdistys`): Finnish, like the other filter values; the
        database keeps the English `value`."""
        return ACTOR_KIND_URL_SLUGS[self]

    @classmethod
    def from_url_slug(cls, slug):
        """Return the kind whose URL value is `slug`, or None."""
        return _ACTOR_KINDS_BY_URL_SLUG.get(slug)


# One Finnish URL value per kind (ActorKind.url_slug). Links that used the English database
# values redirect to these (directory.views.ActorListView).
ACTOR_KIND_URL_SLUGS = {
    ActorKind.ASSOCIATION: "yhdistys",
    ActorKind.FOUNDATION: "saatio",
    ActorKind.MUNICIPALITY: "kunta",
    ActorKind.TE_OFFICE: "te-toimisto",
    ActorKind.EMPLOYMENT_AREA: "tyollisyysalue",
    ActorKind.ELY_CENTRE: "ely-keskus",
    ActorKind.ELINVOIMAKESKUS: "elinvoimakeskus",
    ActorKind.KELA: "kela",
    ActorKind.EDUCATION: "oppilaitos",
    ActorKind.COMPANY: "yritys",
    ActorKind.SOCIAL_ENTERPRISE: "sosiaalinen-yritys",
    ActorKind.PARISH: "seurakunta",
    ActorKind.PROJECT: "hanke",
    ActorKind.NETWORK: "verkosto",
    ActorKind.PUBLIC_AGENCY: "viranomainen",
    ActorKind.OTHER: "muu",
}
_ACTOR_KINDS_BY_URL_SLUG = {slug: kind for kind, slug in ACTOR_KIND_URL_SLUGS.items()}
_KIND_LABELS = dict(ActorKind.choices)
# An actor's fields that the actor list's facets count it by (actors.facets), its many-to-many
# links aside.
FACET_FIELDS = ("kind", "status", "active_from", "active_until", "is_national", "municipality_id")
# The stored value of a field that was not loaded (deferred): unknown.
NOT_LOADED = object()
# The page cache's scope (keko.cache) of every actor's page, and the fields of an actor that
# tell which pages show it beside its own: its URL and its parent's page (Actor.page_scopes).
ACTOR_PAGES = "actor-pages"
PAGE_FIELDS = ("slug", "parent_id")


def actor_page_scope(slug):
    """The page cache's scope of the actor page at `slug`: moved on by an edit of the actor,
    or of an actor whose name it shows (its parent, a successor, …)."""
    return f"actor-page:{slug}"


class TypicalService(models.Model):
    """A service that a kind of provider typically offers (the handbook's service table)."""

    kind = models.CharField(_("toimijatyyppi"), max_length=20, choices=ActorKind.choices)
    service = models.ForeignKey(
        ServiceType,
        on_delete=models.CASCADE,
        related_name="typical_providers",
        verbose_name=_("palvelu"),
    )

    class Meta:
        ordering = ["kind", "service__name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "service"], name="unique_typical_service"),
        ]
        verbose_name = _("tyypillinen palvelu")
        verbose_name_plural = _("tyypilliset palvelut")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.service}"


class ContactRole(FinnishOriginalMixin, models.Model):
    """A role to know in a region; those with a checklist order form the handbook's checklist."""

    slug = models.SlugField(_("tunniste"), max_length=100, unique=True)
    name = models.CharField(_("nimi"), max_length=200)
    checklist_order = models.PositiveSmallIntegerField(
        _("järjestys tarkistuslistalla"),
        null=True,
        blank=True,
        help_text=_("Tyhjä, jos rooli ei ole 'tunnetko alueesi toimijat?' -listalla."),
    )
    # Actors of these kinds fill the role even without a named contact (a project fills
    # "the region's projects"); kept as a short list because it is only read in Python.
    actor_kinds = models.JSONField(_("roolin täyttävät toimijatyypit"), default=list, blank=True)

    objects = FinnishColumnsQuerySet.as_manager()

    class Meta:
        ordering = ["checklist_order", "name"]
        verbose_name = _("yhteyshenkilön rooli")
        verbose_name_plural = _("yhteyshenkilöiden roolit")

    def __str__(self):
        return self.name


class ActorQuerySet(FinnishColumnsQuerySet, CuratedQuerySet):
    search_fields_a = ("name",)
    search_fields_b = ("description",)
    search_vector_field = "search_vector"

    def free_slug(self, name, fallback="toimija"):
        """Return a slug made of `name` that no actor has and that is not reserved for a
        page of the site: `name`, then `name-2`, `name-3`, …"""
        max_length = self.model._meta.get_field("slug").max_length
        base = (slugify(name) or fallback)[: max_length - 6].strip("-")
        slug, n = base, 1
        while slug in RESERVED_ACTOR_SLUGS or self.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def active(self, on=None):
        """Return actors whose active period includes `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=on),
            Q(active_until__isnull=True) | Q(active_until__gte=on),
        )

    # Set by serving_regions()/serving_municipalities() to (method name, areas, national): lets
    # area_memberships() answer an area page from the membership table alone.
    _serving = None

    def _clone(self):
        clone = super()._clone()
        clone._serving = self._serving
        return clone

    def bulk_create(self, objs, *args, **kwargs):
        """Insert actors in bulk, and their area memberships (no signals are sent, so every
        cached page is made stale: keko.cache)."""
        created = super().bulk_create(objs, *args, **kwargs)
        areas.refresh(actor.pk for actor in created)
        bump_directory_version()
        return created

    def update(self, **kwargs):
        """Update in bulk; the area memberships copy some fields, so refresh them too (no
        signals are sent, so every cached page is made stale: keko.cache)."""
        if not areas.WATCHED_FIELDS.intersection(kwargs):
            rows = super().update(**kwargs)
        else:
            pks = list(self.values_list("pk", flat=True))
            rows = super().update(**kwargs)
            areas.refresh(pks)
        bump_directory_version()
        return rows

    def serving_regions(self, regions, *, national=False):
        """Return actors based in, serving a municipality of, or covering any of `regions`;
        with `national`, the actors that serve the whole country too.

        Read from ActorRegion (kept up to date by actors.areas), one indexed semi-join.
        """
        return self._serving_areas("serving_regions", regions, national)

    def serving_municipalities(self, municipalities, *, national=False):
        """Return actors based in or serving any of `municipalities`, or their whole region;
        with `national`, the actors that serve the whole country too.

        Read from ActorMunicipality (kept up to date by actors.areas).
        """
        return self._serving_areas("serving_municipalities", municipalities, national)

    def _serving_areas(self, method, areas, national):
        clone = self.filter(pk__in=self._area_members(method, areas, national))
        # Marked, so that of_kinds() can narrow it (the mark is kept when the query is cloned).
        clone.query.where.children[-1].serving_areas = True
        clone._serving = (method, areas, national)
        return clone

    def _area_members(self, method, areas, national, kinds=None):
        """The keys of the actors of `areas` (`method`'s membership rows), of `kinds` if
        given, and of the national actors too with `national`."""
        members = _membership_model(method).objects.filter(area__in=areas)
        nationals = self.model.objects.filter(is_national=True)
        if kinds is not None:
            members, nationals = members.filter(kind__in=kinds), nationals.filter(kind__in=kinds)
        members = members.values("actor_id")
        if not national:
            return members
        # A UNION inside the semi-join, not an OR beside it: each side stays one index range
        # (the areas' membership rows, the partial index of national actors), where an OR
        # makes SQLite scan every actor (see tests/actors).
        return members.order_by().union(nationals.order_by().values("pk"), all=True)

    def of_kinds(self, kinds):
        """Return the actors of `kinds`.

        An area's actors (serving_regions(), serving_municipalities()) are then found among
        the area's membership rows of those kinds (the rows copy the kind), rather than by
        looking every actor of the area up in the actor table: at 100 000 actors, Uusimaa's
        1 160 foundations took 8 ms rather than 77.
        """
        actors = self.filter(kind__in=kinds)
        where = actors.query.where
        marked = [
            index
            for index, condition in enumerate(where.children)
            if getattr(condition, "serving_areas", False)
        ]
        # Only where the area's semi-join is a condition of every row: not when the area's
        # actors were combined with others (the kinds alone then).
        if self._serving is None or where.connector != AND or where.negated or not marked:
            return actors
        members = self._area_members(*self._serving, kinds=kinds)
        # The area's semi-join replaced by the narrowed one, in a list of conditions of this
        # queryset's own (the queryset it was cloned from keeps the area's).
        [narrowed] = self.model.objects.filter(pk__in=members).query.where.children
        where.children[marked[0]] = narrowed
        return actors

    def area_memberships(self):
        """Return the membership rows of these actors if they are exactly the published,
        active actors serving some areas (`published().active().serving_regions(areas)` or
        `…serving_municipalities(areas)`), else None.

        The rows carry the actor's kind, name, status and active period, so that an area's
        counts per kind and first names come from an index alone, without the actor table.
        """
        if self._serving is not None and self._serving[2]:
            # The rows hold no national actors outside the areas.
            return None
        return self._membership_rows()

    def _membership_rows(self):
        """The membership rows of the areas, if these actors are exactly the published,
        active actors serving them (national ones included or not, as asked), else None."""
        if self._serving is None or isinstance(self.query, BoundedSearchQuery):
            return None
        method, areas, national = self._serving
        published = self.model.objects.published()
        # Each compiled only if the one before differs (0.7 ms each, an area page's own first).
        expected = (
            lambda: getattr(published.active(), method)(areas, national=national),
            lambda: getattr(published, method)(areas, national=national).active(),
        )
        filters = _filters_of(self)
        if not any(_filters_of(queryset()) == filters for queryset in expected):
            return None
        return _membership_model(method).objects.filter(area__in=areas).listed()

    def count(self):
        """Count; the published, active actors of an area from the membership index alone
        (and the few national ones outside it)."""
        rows = self._membership_rows() if self._result_cache is None else None
        if rows is None:
            return super().count()
        # One row per actor and area: distinct actors unless one area is asked.
        _method, areas, national = self._serving
        one_area = isinstance(areas, list | tuple) and len(areas) == 1
        if not national:
            return rows.count() if one_area else rows.values("actor_id").distinct().count()
        if not one_area:
            return super().count()
        # The area's rows, and beside them the national actors that are not among them: a
        # few, from the partial index of national actors. One query.
        national = self.model.objects.national().order_by().values("pk")
        outside = (
            self.model.objects.published()
            .active()
            # By key, so that the partial index of national actors is read, not every
            # published actor.
            .filter(pk__in=national)
            # One lookup per national actor in the (actor, area) unique index.
            .exclude(Exists(rows.filter(actor_id=OuterRef("pk"))))
            .order_by()
            .values(n=Func(F("pk"), function="COUNT", output_field=models.IntegerField()))
        )
        return rows.aggregate(n=Count("*") + Subquery(outside))["n"]

    def national(self):
        """Return actors that serve the whole country."""
        return self.filter(is_national=True)

    def without_area(self):
        """Return actors that no area's selection lists: no home municipality, no
        municipality or region served (actors.areas keeps no row for them), not national."""
        served = ActorRegion.objects.filter(actor=OuterRef("pk"))
        # A home municipality is a region served (its region's row): the few without one are
        # looked up in the index first, where every actor was tested (63 ms at 100 000).
        return self.filter(is_national=False, municipality=None).exclude(Exists(served))

    def for_list(self, services=True):
        """Fetch what an actor list shows (directory's actor_cards) as ListedActors, in one
        query: with their services by name unless not `services` (an area page shows none),
        a row per actor and service, in the order of the actors' keys (the services' names
        within each)."""
        fields = [*LISTED_ACTOR_FIELDS, *LISTED_PLACE_FIELDS]
        if services:
            queryset = self.values_list(*fields, *LISTED_SERVICE_FIELDS).order_by(
                "pk", "services__name", "services__pk"
            )
        else:
            queryset = self.values_list(*fields)
        # Django's own hook for what a queryset's rows are made into (values() sets it too).
        queryset._iterable_class = ListedActors
        return queryset

    def for_print(self):
        """Fetch what a printed entry shows (directory.printing) as PrintedActors, in one
        query, in this queryset's order: a print lists up to 2 500 actors, and building a
        model instance of each (its 35 fields' descriptors, the model's signals and stored
        state, two timestamps parsed in Python) took 0.1 ms an actor."""
        queryset = self.values_list(*PRINTED_ACTOR_FIELDS, *LISTED_PLACE_FIELDS)
        queryset._iterable_class = PrintedActors
        return queryset

    def for_detail(self):
        """Fetch the actor page's own relations that most actors have, in a fixed number of
        queries: services and target groups (the others: sparse_page_links)."""
        return self.select_related("municipality__region", "parent").prefetch_related(
            Prefetch("services", queryset=ServiceType.objects.only("name", "slug")),
            Prefetch("target_groups", queryset=TargetGroup.objects.only("name", "slug")),
        )


def sparse_page_links():
    """The actor page's relations that few actors have, fetched for an actor that has some
    (keko.prefetch): the municipalities and regions it serves besides its own (a fifth of the
    actors serve some), its public contacts (a seventh have any), and related actors and
    network links, published ones only, as on their own pages. Of a linked actor the page
    shows its name and kind: a tenth of its columns."""
    # Its name in each language too: only() of a joined table's names does not add them.
    linked = ("name", *get_translation_fields("name"), "slug", "kind")
    published_actors = Actor.objects.published().only(*linked)
    return [
        Sparse("served_municipalities"),
        Sparse("served_regions"),
        Sparse("contacts", Contact.objects.filter(public=True).select_related("role")),
        Sparse("successors", published_actors),
        Sparse("predecessors", published_actors),
        # With the key of their parent, which their list is matched to.
        Sparse("children", Actor.objects.published().only(*linked, "parent")),
        Sparse(
            "memberships",
            NetworkMembership.objects.filter(member__status=Status.PUBLISHED)
            .select_related("member")
            .only("role", "network_id", *(f"member__{name}" for name in linked)),
        ),
        Sparse(
            "network_memberships",
            NetworkMembership.objects.filter(network__status=Status.PUBLISHED)
            .select_related("network")
            .only("role", "member_id", *(f"network__{name}" for name in linked)),
        ),
    ]


def _filters_of(queryset):
    """The SQL of `queryset` without its order and related rows: which rows it selects."""
    query = queryset.query.clone()
    query.clear_ordering(force=True)
    query.select_related = False
    return str(query)


# An actor's own contact details: how to reach it, and its address.
CONTACT_DETAIL_FIELDS = (
    "website",
    "email",
    "phone",
    "street_address",
    "postal_code",
    "post_office",
)


class Actor(FinnishOriginalMixin, CuratedModel):
    """An organisation, project or network that promotes employment."""

    name = models.CharField(_("nimi"), max_length=250)
    slug = models.SlugField(
        _("tunniste"),
        max_length=120,
        unique=True,
        validators=[validate_actor_slug],
        help_text=_(
            "Toimijan sivun osoitteen loppu, täytetään nimestä. Älä muuta julkaistun toimijan "
            "tunnistetta: vanhat linkit lakkaavat toimimasta."
        ),
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(
        _("tyyppi"),
        max_length=20,
        choices=ActorKind.choices,
        db_index=True,
        help_text=_("Millainen toimija on; hakemiston sivut ryhmittelevät toimijat tyypin mukaan."),
    )
    business_id = models.CharField(
        _("Y-tunnus"),
        max_length=9,
        blank=True,
        validators=[validate_business_id],
        help_text=_(
            "Muodossa 1234567-8. Tyhjä, jos toimijalla ei ole omaa Y-tunnusta (esim. hanke)."
        ),
    )
    description = models.TextField(
        _("kuvaus"),
        blank=True,
        help_text=_(
            "Muutama lause siitä, mitä toimija tekee ja kenelle. Näkyy toimijan sivulla ja haussa."
        ),
    )
    website = models.URLField(
        _("verkkosivut"),
        max_length=500,
        blank=True,
        help_text=_("Koko osoite, esim. https://esimerkki.fi."),
    )
    email = models.EmailField(_("sähköposti"), blank=True)
    phone = models.CharField(_("puhelin"), max_length=50, blank=True)
    street_address = models.CharField(_("käyntiosoite"), max_length=200, blank=True)
    postal_code = models.CharField(_("postinumero"), max_length=10, blank=True)
    post_office = models.CharField(_("postitoimipaikka"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        # Indexed with the verification date (Meta.indexes).
        db_index=False,
        related_name="based_actors",
        verbose_name=_("kotikunta"),
        help_text=_(
            "Kunta, jossa toimijan kotipaikka tai toimipiste on. Toimija näkyy tämän kunnan ja "
            "sen maakunnan sivulla."
        ),
    )
    is_national = models.BooleanField(
        _("valtakunnallinen"),
        default=False,
        help_text=_(
            "Valitse, jos toimija palvelee koko maata: se näkyy silloin jokaisella alueella."
        ),
    )
    served_municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="serving_actors",
        verbose_name=_("palvelee kuntia"),
        help_text=_(
            "Muut kunnat, joiden asukkaita toimija palvelee; toimija näkyy niiden sivuilla. "
            "Kotikuntaa ei tarvitse valita uudelleen."
        ),
    )
    served_regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="serving_actors",
        verbose_name=_("palvelee maakuntia"),
        help_text=_(
            "Maakunnat, joita toimija palvelee kokonaan; toimija näkyy maakunnan ja sen "
            "jokaisen kunnan sivulla."
        ),
    )
    services = models.ManyToManyField(
        ServiceType,
        blank=True,
        related_name="actors",
        verbose_name=_("palvelut"),
        help_text=_("Mitä toimija tarjoaa; hakemiston haku ja suodattimet käyttävät näitä."),
    )
    target_groups = models.ManyToManyField(
        TargetGroup,
        blank=True,
        related_name="actors",
        verbose_name=_("kohderyhmät"),
        help_text=_("Keitä toimija palvelee; hakemiston suodattimet käyttävät näitä."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("hallinnoija tai emo-organisaatio"),
        help_text=_("Esim. hankkeen hallinnoija tai organisaatio, jonka osa toimija on."),
    )
    active_from = models.DateField(
        _("toiminta alkoi"),
        null=True,
        blank=True,
        help_text=_("Esim. hankkeen alkupäivä. Tyhjä, jos ei tiedossa."),
    )
    active_until = models.DateField(
        _("toiminta päättyi"),
        null=True,
        blank=True,
        help_text=_("Päättynyt toimija ei näy alueiden listoissa. Tyhjä, jos toiminta jatkuu."),
    )
    # Who vouched for the data on `verified_on`: the organisation itself answering the yearly
    # e-mail (curation/confirmations.py) or a curator; empty when not recorded.
    verified_by = models.CharField(
        _("tarkistanut"),
        max_length=100,
        blank=True,
        help_text=_("Kuka tiedot tarkisti, esim. 'vahvistanut organisaatio itse'."),
    )
    # Kept up to date by a PostgreSQL trigger (migration 0003) and indexed with GIN, so that
    # full-text search stays fast with 100 000 actors; unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="predecessors",
        verbose_name=_("seuraajat"),
        help_text=_("Toimijat, jotka jatkavat päättyneen toimijan tehtäviä."),
    )

    objects = ActorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("toimija")
        verbose_name_plural = _("toimijat")
        constraints = [
            models.UniqueConstraint(
                fields=["business_id"],
                condition=~Q(business_id=""),
                name="unique_business_id_when_given",
            ),
            models.CheckConstraint(
                condition=Q(active_from__isnull=True)
                | Q(active_until__isnull=True)
                | Q(active_from__lte=models.F("active_until")),
                name="active_period_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind", "name"]),
            # Every area page lists the national actors: a few among 100 000.
            models.Index(
                fields=["name"], condition=Q(is_national=True), name="actors_actor_national_idx"
            ),
            # An area's change feed (opendata.feeds) reads its newest changes and its latest
            # ends: walked in these orders, a large area's 50 are found among its first few
            # hundred actors, where every actor was sorted (at 100 000 actors, 76 and 41 ms).
            models.Index(
                fields=["-updated_at", "-id"],
                condition=Q(status=Status.PUBLISHED),
                name="actors_actor_changed_idx",
            ),
            models.Index(
                fields=["-active_until", "-id"],
                condition=Q(status=Status.PUBLISHED, active_until__isnull=False),
                name="actors_actor_ended_idx",
            ),
            # The home municipality's actors; with their verification dates, the admin index's
            # stale actors by region are counted from this index alone (curation.stale).
            models.Index(
                fields=["municipality"],
                include=["verified_on"],
                name="actors_actor_municipality_idx",
            ),
            # The admin's list in its default order (keko.admin.CuratedAdmin.ordering, then
            # the key): a page read from the index, not every actor sorted. Its search's
            # trigram indexes are PostgreSQL's own (actors/0023).
            models.Index(
                fields=["status", "-created_at", "-id"], name="actors_actor_admin_order_idx"
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def from_db(cls, db, field_names, values):
        actor = super().from_db(db, field_names, values)
        # What the stored row says of what the page cache's scopes depend on, before any
        # edit (cache_scopes); NOT_LOADED where not loaded.
        actor._stored_facets = actor._loaded_facets()
        actor._stored_page = {name: actor.__dict__.get(name) for name in PAGE_FIELDS}
        return actor

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._stored_facets = self._loaded_facets()
        self._stored_page = {name: self.__dict__.get(name) for name in PAGE_FIELDS}

    def _facets(self, value):
        return {name: value(name) for name in FACET_FIELDS}

    def _loaded_facets(self):
        # A field not loaded (deferred) is not known: never taken for an empty one.
        return self._facets(lambda name: self.__dict__.get(name, NOT_LOADED))

    def cache_scopes(self, linked=False):
        """Return what an edit of this actor makes stale in the page cache (keko.cache): every
        list, search and actor page, the pages of the areas it serves, and every area's page
        if it serves the whole country or did before the edit; and the counts of the actor
        list's facets if what they count changed: a link (its services, say), or its kind,
        status, active period, home town or national scope (and the funded or national and
        ended actors the counts keep whole, if it is or was among them: facets.edit_scopes).
        (Saving also rebuilds its area rows, which moves on the pages of the areas it served
        before: actors.areas.)"""
        scopes = {ACTORS, *areas.area_scopes([self.pk]), *self.page_scopes(linked)}
        stored = getattr(self, "_stored_facets", None) or {}
        # Not loaded: perhaps national.
        if self.is_national or stored.get("is_national", False) is not False:
            scopes.add(ALL_AREAS)
        current = self._facets(lambda name: getattr(self, name))
        if linked or stored != current:
            scopes |= facets.edit_scopes(self.pk, stored, current)
        return scopes

    def page_scopes(self, linked=False):
        """Return the scopes of the actor pages that show this actor: its own, at its URL
        before and after the edit, and those of the actors whose pages name it (its parent,
        before the edit too, its children, networks, members, predecessors and successors).
        A change of its many-to-many links moves on every actor's page: its successors
        before the change are no longer known."""
        if linked:
            return {ACTOR_PAGES}
        stored = getattr(self, "_stored_page", None) or {}
        parents = {self.parent_id, stored.get("parent_id")} - {None}
        # A UNION of one indexed lookup per link: the same condition as one filter OR-ed
        # across five joins read every actor (73 ms a save at 100 000 actors).
        lookups = [
            Actor.objects.filter(pk__in=parents),
            Actor.objects.filter(parent=self),
            Actor.objects.filter(memberships__member=self),
            Actor.objects.filter(network_memberships__network=self),
            Actor.objects.filter(successors=self),
            Actor.objects.filter(predecessors=self),
        ]
        first, *others = (lookup.order_by().values_list("slug", flat=True) for lookup in lookups)
        naming = first.union(*others)
        slugs = {self.slug, stored.get("slug"), *naming} - {None}
        return {actor_page_scope(slug) for slug in slugs}

    def get_absolute_url(self):
        return reverse("directory:actor", kwargs={"slug": self.slug})

    def get_kind_display(self):
        # Django's own hashes every choice's lazy label on each call: a tenth of a
        # millisecond, times the hundreds of entries of an area page.
        return _KIND_LABELS.get(self.kind, self.kind)

    def is_active(self, on=None):
        on = on or timezone.localdate()
        started = self.active_from is None or self.active_from <= on
        return started and (self.active_until is None or self.active_until >= on)

    @property
    def has_ended(self):
        return self.active_until is not None and self.active_until < timezone.localdate()


# A service's name in each language (name_fi, name_sv, …).
NAME_FIELDS = get_translation_fields("name")


class ListedService:
    """A service as an actor list's card names it: in the page's language, else in Finnish,
    with the columns that `translated()` reads to mark the Finnish one."""

    def __init__(self, pk, names, language):
        self.pk = pk
        for field, name in zip(NAME_FIELDS, names, strict=True):
            setattr(self, field, name)
        self.name = getattr(self, f"name_{language}", "") or self.name_fi


class ListedRow:
    """A row read as values that stands for an instance of its `model`: equal to the
    instance of its key, and hashed alike."""

    model = None

    def __eq__(self, other):
        if isinstance(other, ListedRow):
            return other.model is self.model and other.pk == self.pk
        if isinstance(other, models.Model):
            return other._meta.concrete_model is self.model and other.pk == self.pk
        return NotImplemented

    def __hash__(self):
        return hash(self.pk)


class ListedPlace(ListedRow, AreaName):
    """An actor's home municipality as a list's card names it (ListedActor)."""

    model = Municipality

    def __init__(self, pk, name_fi, name_sv, slug):
        self.pk, self.name_fi, self.name_sv, self.slug = pk, name_fi, name_sv, slug


class ListedActor(ListedRow):
    """An actor as a list's card shows it (directory's actor_cards), read as values: its name
    and description in each language and as the page shows them (the page's language, else
    Finnish, as the fields' descriptors give them), kind, home municipality (ListedPlace),
    end date and services (`listed_services`).

    Building a model instance for each of a list page's 50 actors (every field's descriptor,
    the model's signals and its stored state) took 1.5 ms of the page.
    """

    model = Actor

    def __init__(self, values, place, language):
        self.__dict__.update(values)
        self.municipality = place
        self.listed_services = []
        self.name = shown_value(values, "name", language)
        self.description = shown_value(values, "description", language)

    def __repr__(self):
        return f"<ListedActor {self.pk}: {self.name}>"

    # The actor's own, which read its slug and kind alone.
    get_absolute_url = Actor.get_absolute_url
    get_kind_display = Actor.get_kind_display


# What ListedActor reads of an actor, of its home municipality (ListedPlace) and of each of
# its services (ListedService).
LISTED_ACTOR_FIELDS = (
    "pk",
    "slug",
    "kind",
    "is_national",
    "active_until",
    *get_translation_fields("name"),
    *get_translation_fields("description"),
)
LISTED_PLACE_FIELDS = (
    "municipality_id",
    "municipality__name_fi",
    "municipality__name_sv",
    "municipality__slug",
)
LISTED_SERVICE_FIELDS = ("services__pk", *(f"services__{field}" for field in NAME_FIELDS))


class ListedActors(ValuesListIterable):
    """The rows of `ActorQuerySet.for_list()`: ListedActors, each with its services
    (ListedService, each built once) when they are read too, a row per actor and service."""

    actor_class = ListedActor
    actor_fields = LISTED_ACTOR_FIELDS

    def __iter__(self):
        language = get_language()
        places, services, actors = {}, {}, {}
        place_at = len(self.actor_fields)
        service_at = place_at + len(LISTED_PLACE_FIELDS)
        with_services = len(self.queryset._fields) > service_at
        for row in super().__iter__():
            actor = actors.get(row[0])
            if actor is None:
                place_key = row[place_at]
                place = places.get(place_key)
                if place is None and place_key is not None:
                    place = places[place_key] = ListedPlace(*row[place_at:service_at])
                values = dict(zip(self.actor_fields, row[:place_at], strict=True))
                actor = actors[row[0]] = self.actor_class(values, place, language)
            service_key = row[service_at] if with_services else None
            if service_key is not None:
                service = services.get(service_key)
                if service is None:
                    names = row[service_at + 1 :]
                    service = services[service_key] = ListedService(service_key, names, language)
                actor.listed_services.append(service)
        return iter(actors.values())


class PrintedActor(ListedActor):
    """An actor as a print's entry shows it (directory.printing), read as values: what its
    card shows, and how to reach it, where it is and when it was last verified."""

    has_ended = Actor.has_ended

    def __repr__(self):
        return f"<PrintedActor {self.pk}: {self.name}>"


# What PrintedActor reads of an actor beside its home municipality (ListedPlace).
PRINTED_ACTOR_FIELDS = (*LISTED_ACTOR_FIELDS, *CONTACT_DETAIL_FIELDS, "verified_on")


class PrintedActors(ListedActors):
    """The rows of `ActorQuerySet.for_print()`: PrintedActors, in the queryset's order."""

    actor_class = PrintedActor
    actor_fields = PRINTED_ACTOR_FIELDS


class ContactQuerySet(FinnishColumnsQuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Insert contacts in bulk, and mark their actors' area memberships as having a public
        contact (actors.areas). No signals are sent, so every cached page is made stale
        (keko.cache)."""
        created = super().bulk_create(objs, *args, **kwargs)
        areas.contacts_changed(contact.actor_id for contact in created)
        bump_directory_version()
        return created

    def update(self, **kwargs):
        """Update in bulk; a change of `public` or of the actor marks the actors' area
        memberships again (actors.areas). No signals are sent, so every cached page is made
        stale (keko.cache)."""
        if not {"public", "actor", "actor_id"}.intersection(kwargs):
            rows = super().update(**kwargs)
        else:
            actor_ids = set(self.values_list("actor_id", flat=True))
            rows = super().update(**kwargs)
            moved_to = kwargs.get("actor_id", kwargs.get("actor"))
            areas.contacts_changed({*actor_ids, getattr(moved_to, "pk", moved_to)})
        bump_directory_version()
        return rows


# The admin's list of contacts: by name, a role's contacts without one (a shared e-mail, say)
# after those of people rather than first, as an empty name sorts.
CONTACT_ADMIN_ORDER = (
    ExpressionWrapper(Q(name=""), output_field=models.BooleanField()),
    F("name"),
    F("id"),
)


class Contact(FinnishOriginalMixin, models.Model):
    """A role-based contact person of an actor. Personal data: private unless marked public."""

    actor = models.ForeignKey(
        Actor, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("toimija")
    )
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role = models.ForeignKey(
        ContactRole,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("rooli"),
        help_text=_("Missä tehtävässä henkilö on alueen toimijoiden tarkistuslistalla."),
    )
    name = models.CharField(
        _("nimi"),
        max_length=200,
        blank=True,
        help_text=_("Tyhjä, jos yhteystieto on rooliin (esim. yhteinen sähköposti)."),
    )
    title = models.CharField(_("tehtävänimike"), max_length=200, blank=True)
    email = models.EmailField(_("sähköposti"), blank=True)
    phone = models.CharField(_("puhelin"), max_length=50, blank=True)
    public = models.BooleanField(
        _("julkinen"),
        default=False,
        help_text=_("Yhteystiedot ovat henkilötietoja: näytetään vain, jos tämä on valittu."),
    )

    objects = ContactQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["role__checklist_order", "name"]
        indexes = [
            # An area page's checklist: the public contacts of the area's actors.
            models.Index(
                fields=["actor", "role"],
                include=["name", "id"],
                condition=Q(public=True),
                name="actors_contact_public_idx",
            ),
            # The admin's list of contacts in its order (actors.admin.ContactAdmin.ordering).
            models.Index(*CONTACT_ADMIN_ORDER, name="actors_contact_admin_order_idx"),
        ]
        verbose_name = _("yhteyshenkilö")
        verbose_name_plural = _("yhteyshenkilöt")

    def __str__(self):
        return f"{self.name or self.role} ({self.actor})"

    @classmethod
    def from_db(cls, db, field_names, values):
        contact = super().from_db(db, field_names, values)
        # Its actor before any edit: a contact moved to another actor leaves that actor's
        # area rows (actors.areas.contact_written).
        contact._stored_actor_id = contact.__dict__.get("actor_id")
        return contact

    def cache_scopes(self, linked=False):
        # Shown on its actor's page and the pages of the actor's areas.
        return self.actor.cache_scopes()


def _membership_model(method):
    """The membership table ActorQuerySet's `method` (serving_regions or
    serving_municipalities) reads."""
    return ActorRegion if method == "serving_regions" else ActorMunicipality


class AreaMembershipQuerySet(models.QuerySet):
    def listed(self, on=None):
        """Return the rows of published actors whose active period includes `on` (today)."""
        on = on or timezone.localdate()
        return self.filter(
            Q(active_from__isnull=True) | Q(active_from__lte=on),
            Q(active_until__isnull=True) | Q(active_until__gte=on),
            status=Status.PUBLISHED,
        )


class AreaMembership(models.Model):
    """An area an actor serves: derived data, rebuilt by actors.areas on every write.

    The actor's kind, name, status and active period are copied in, so that an area page's
    counts and first entries per kind are read from one index (see the subclasses' indexes).
    """

    # Indexed by the unique constraints (actor, area) of the subclasses.
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=20, choices=ActorKind.choices)
    name = models.CharField(max_length=250)
    status = models.CharField(max_length=10, choices=Status.choices)
    active_from = models.DateField(null=True)
    active_until = models.DateField(null=True)
    # Whether the actor has a public contact: an area page's checklist reads only these rows
    # (the subclasses' partial indexes), an eighth of Uusimaa's at 100 000 actors. Kept by
    # actors.areas.
    has_public_contact = models.BooleanField(default=False)

    objects = AreaMembershipQuerySet.as_manager()
    # Rebuilt from the actors' own saves (keko.registry.directory_models leaves it out).
    derived_data = True

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.name} – {self.area}"


class ActorRegion(AreaMembership):
    """A region an actor serves: its home region, the regions of the municipalities it
    serves, and the regions it serves as a whole."""

    area = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", db_index=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "area"], name="unique_actor_region"),
        ]
        indexes = [
            # Counts per kind, and the keys of an area's actors, from the index alone
            # (PostgreSQL; SQLite ignores INCLUDE).
            models.Index(
                fields=["area", "status", "kind"],
                include=["actor", "active_from", "active_until"],
                name="actors_actorregion_area_idx",
            ),
            # The first few names of each kind; the area's actors by name (the checklist).
            models.Index(
                fields=["area", "status", "kind", "name"],
                include=["actor", "active_from", "active_until"],
                name="actors_actorregion_name_idx",
            ),
            # The area's actors with a public contact (the checklist's first contacts).
            models.Index(
                fields=["area", "status"],
                include=["actor", "name", "active_from", "active_until"],
                condition=Q(has_public_contact=True),
                name="actors_actorreg_contact_idx",
            ),
        ]


class ActorMunicipality(AreaMembership):
    """A municipality an actor serves: its home municipality, the municipalities it serves,
    and every municipality of the regions it serves as a whole."""

    area = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["actor", "area"], name="unique_actor_municipality"),
        ]
        indexes = [
            # Counts per kind, and the keys of an area's actors, from the index alone
            # (PostgreSQL; SQLite ignores INCLUDE).
            models.Index(
                fields=["area", "status", "kind"],
                include=["actor", "active_from", "active_until"],
                name="actors_actormunicip_area_idx",
            ),
            # The first few names of each kind; the area's actors by name (the checklist).
            models.Index(
                fields=["area", "status", "kind", "name"],
                include=["actor", "active_from", "active_until"],
                name="actors_actormunicip_name_idx",
            ),
            # The area's actors with a public contact (the checklist's first contacts).
            models.Index(
                fields=["area", "status"],
                include=["actor", "name", "active_from", "active_until"],
                condition=Q(has_public_contact=True),
                name="actors_actormunic_contact_idx",
            ),
        ]


class NetworkMembership(models.Model):
    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("Koordinaattori")
        MEMBER = "member", _("Jäsen")

    network = models.ForeignKey(
        Actor,
        on_delete=models.CASCADE,
        related_name="memberships",
        limit_choices_to={"kind": ActorKind.NETWORK},
        verbose_name=_("verkosto"),
    )
    member = models.ForeignKey(
        Actor,
        on_delete=models.PROTECT,
        related_name="network_memberships",
        verbose_name=_("jäsen"),
    )
    role = models.CharField(_("rooli"), max_length=20, choices=Role.choices, default=Role.MEMBER)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "member"], name="unique_network_member"),
        ]
        verbose_name = _("verkoston jäsenyys")
        verbose_name_plural = _("verkostojen jäsenyydet")

    def __str__(self):
        return f"{self.member} – {self.network} ({self.get_role_display()})"
