"""What a region's or a municipality's page shows, in a fixed number of queries."""

from dataclasses import dataclass, field
from itertools import chain
from types import SimpleNamespace

from django.db import connection
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from modeltranslation.utils import get_translation_fields

from actors.areas import municipality_scope, region_scope
from actors.models import Actor, ActorKind, Contact, ContactRole
from funding.models import FundingSource
from keko.cache import ALL_AREAS, cached
from keko.content_languages import shown_value
from keko.markup import slug_urls
from practices.models import Practice

FIRST_PER_KIND = 5
# The `kind` of the group of national actors in a print (directory.printing.national_group).
NATIONAL = "national"
# An area page lists this many public contacts per checklist role, then their total; the
# workshop print lists them all.
CONTACTS_PER_ROLE = 10


def area_page_scopes(scope, slug):
    """The page cache's scopes (keko.cache) of the page of the region or municipality (`scope`)
    `slug`, and of its print: an edit of an actor serving it, or the whole country, moves them
    on; an edit of an actor elsewhere does not."""
    return (ALL_AREAS, region_scope(slug) if scope == "region" else municipality_scope(slug))


@dataclass
class KindGroup:
    kind: str
    label: str
    count: int
    # The actors listed under the kind: the first few on an area page, all of them in a print.
    actors: list = field(default_factory=list)
    # In a print split into parts: the kind's heading repeated where its list runs on.
    continued: bool = False
    # The national actors of every kind, listed after an area's own in a print.
    national: bool = False

    @property
    def more(self):
        return self.count - len(self.actors)


@dataclass
class ChecklistItem:
    role: ContactRole
    contacts: list
    actors: list
    actor_count: int
    contact_count: int = 0

    @property
    def more_contacts(self):
        return self.contact_count - len(self.contacts)

    @property
    def known(self):
        return bool(self.contacts or self.actors)


def kind_groups(actors, first=FIRST_PER_KIND, *, rows=None):
    """Group `actors` by kind: the count of each kind and its first entries by name.

    A fixed number of queries whatever the number of actors. The published, active actors
    of an area (`actors.area_memberships()`, or its `rows` when the caller has them) are
    counted and listed from the membership table's index: the count and the first few keys
    of each kind, and those actors. Any other selection: one count per kind, and one
    window-function query that numbers the actors within their kind and keeps the first few
    of each.
    """
    rows = actors.area_memberships() if rows is None else rows
    if rows is None:
        counts = dict(actors.order_by().values_list("kind").annotate(n=Count("pk")))
        firsts = actors.annotate(
            position=Window(RowNumber(), partition_by=[F("kind")], order_by=[F("name").asc()])
        ).filter(position__lte=first)
    else:
        counts, keys = counts_and_first_keys(rows, first)
        firsts = Actor.objects.filter(pk__in=keys)
    by_kind = {}
    # Namesakes in the order they were chosen in.
    for actor in firsts.for_list(services=False).order_by("kind", "name", "pk"):
        by_kind.setdefault(actor.kind, []).append(actor)
    return [
        KindGroup(kind, label, counts[kind], by_kind.get(kind, []))
        for kind, label in ActorKind.choices
        if counts.get(kind)
    ]


def counts_and_first_keys(rows, first):
    """Return ({kind: count}, the actor keys of the first `first` by name of each kind, as a
    list or a subquery) of the membership `rows`.

    PostgreSQL: one query, the count of each kind and, for each, a LATERAL read of a short
    index range (the index is ordered by area, status, kind and name), so that a region of
    30 000 actors reads a few dozen index entries past its count. Raw SQL: the ORM has no
    LATERAL, and its UNION of one slice per kind took longer to compile than to run.
    SQLite has no LATERAL: a count per kind, and a window function over the rows.
    """
    if connection.vendor != "postgresql":
        counts = dict(rows.order_by().values_list("kind").annotate(n=Count("*")))
        numbered = rows.annotate(
            position=Window(
                RowNumber(), partition_by=[F("kind")], order_by=[F("name").asc(), F("actor_id")]
            )
        ).filter(position__lte=first)
        return counts, numbered.values("actor_id")
    members, params = rows.order_by().values("actor_id", "kind", "name").query.sql_with_params()
    sql = f"""
        SELECT k.kind, k.n, f.actor_id
        FROM (SELECT m.kind, COUNT(*) AS n FROM ({members}) m GROUP BY m.kind) k
        CROSS JOIN LATERAL (
            SELECT m.actor_id FROM ({members}) m WHERE m.kind = k.kind
            ORDER BY m.name, m.actor_id LIMIT %s
        ) f
    """  # noqa: S608 - the subquery compiled by the ORM, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params, first])
        found = cursor.fetchall()
    return {kind: n for kind, n, _key in found}, [key for _kind, _n, key in found]


def checklist(groups, actors, *, contacts_per_role=None, rows=None):
    """Return the handbook's roles to know in an area, with who fills each here.

    A role is filled by public contacts with that role at the area's actors, or by the area's
    actors of the kinds that fill it (a project fills "the region's projects"). With
    `contacts_per_role`, only the first contacts of each role are fetched, and their count.
    `rows`: the actors' `area_memberships()`, if the caller has them.
    """
    by_kind = {group.kind: group for group in groups}
    rows = actors.area_memberships() if rows is None else rows
    if contacts_per_role is not None and rows is not None:
        listed, counts = first_contacts(rows, contacts_per_role)
    else:
        # An area's actors as keys from the membership table's index, when they are that.
        listed, counts = _role_contacts(
            actors if rows is None else rows.values("actor_id"), contacts_per_role
        )
    contacts_by_role = {}
    for contact in listed:
        contacts_by_role.setdefault(contact.role_id, []).append(contact)
    items = []
    for role in checklist_roles():
        kind_groups_of_role = [by_kind[k] for k in role.actor_kinds if k in by_kind]
        items.append(
            ChecklistItem(
                role=role,
                contacts=contacts_by_role.get(role.pk, []),
                actors=[a for g in kind_groups_of_role for a in g.actors],
                actor_count=sum(g.count for g in kind_groups_of_role),
                contact_count=(
                    counts.get(role.pk, 0)
                    if counts is not None
                    else len(contacts_by_role.get(role.pk, []))
                ),
            )
        )
    return items


def _role_contacts(actor_keys, per_role):
    """Return (ContactRows, {role key: its count} or None) of the public contacts of the
    actors `actor_keys` with a checklist role: all of them, or the first `per_role` of each
    role and the counts."""
    contacts = Contact.objects.filter(
        public=True, actor__in=actor_keys, role__checklist_order__isnull=False
    )
    if per_role is None:
        return list(contact_rows(contacts.order_by("actor__name", "name", "pk"))), None
    # One narrow query numbers the contacts within their role and counts each role; the
    # rows of the first few are fetched next.
    ranked = list(
        contacts.annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("role_id")],
                order_by=[F("actor__name").asc(), F("name").asc(), F("pk").asc()],
            ),
            role_total=Window(Count("*"), partition_by=[F("role_id")]),
        )
        .filter(position__lte=per_role)
        .values_list("pk", "role_id", "role_total")
    )
    counts = {role: total for _pk, role, total in ranked}
    contacts = Contact.objects.filter(pk__in=[pk for pk, _role, _total in ranked])
    return list(contact_rows(contacts.order_by("actor__name", "name", "pk"))), counts


def checklist_roles():
    """The roles of the checklist, in its order: kept in the process until the directory
    version moves on (an edit of a role does), read on every area page."""
    return cached(
        ("checklist-roles",),
        lambda: list(ContactRole.objects.filter(checklist_order__isnull=False)),
        scopes=(),
        in_process=True,
    )


class ContactRow(SimpleNamespace):
    """A checklist's contact as its page shows it: name, title, email, phone, role_id and
    actor (an ActorRow). Read as values (contact_rows, first_contacts)."""


class ActorRow(SimpleNamespace):
    """A contact's actor as a checklist shows it: name and slug (and `url`, given by
    with_urls); an actor filling a role in a print's checklist also has its key and kind
    (actor_rows)."""


# What a checklist shows of a contact and its actor (ContactRow), by the names contact_rows()
# reads them with.
TITLE_FIELDS = get_translation_fields("title")
CONTACT_FIELDS = ("role_id", "name", "email", "phone", *TITLE_FIELDS)
NAME_FIELDS = get_translation_fields("name")
ACTOR_NAME_FIELDS = tuple(f"actor__{name}" for name in NAME_FIELDS)
ACTOR_FIELDS = ("actor__slug", *ACTOR_NAME_FIELDS)


def contact_rows(contacts):
    """The `contacts` (a Contact queryset) as ContactRows, in its order.

    An area page shows some 150 contacts and a print all of them: read as values, half
    the time a contact and its actor took to fetch as model instances."""
    language = get_language()
    for row in contacts.values(*CONTACT_FIELDS, *ACTOR_FIELDS):
        yield _contact_row(row, language)


def actor_rows(actors):
    """The `actors` (an Actor queryset) as ActorRows with their keys and kinds, in its order:
    a print's checklist names every actor of the area that fills a role, some 2 000 in a
    region, where model instances of them took some 60 ms more."""
    language = get_language()
    fields = ("pk", "kind", "slug", *NAME_FIELDS)
    for row in actors.values(*fields):
        yield ActorRow(**row, name=shown_value(row, "name", language))


def _contact_row(row, language):
    """A ContactRow of the values `row` (CONTACT_FIELDS and ACTOR_FIELDS by name). The
    translated title and actor name are what an instance shows (the page's language, else
    Finnish), with each language's value beside them, which marks a Finnish fallback
    (keko.templatetags.content_language)."""

    actor = ActorRow(
        slug=row["actor__slug"],
        name=shown_value(row, "actor__name", language),
        **{field.removeprefix("actor__"): row[field] for field in ACTOR_NAME_FIELDS},
    )
    return ContactRow(
        role_id=row["role_id"],
        name=row["name"],
        email=row["email"],
        phone=row["phone"],
        title=shown_value(row, "title", language),
        actor=actor,
        **{title: row[title] for title in TITLE_FIELDS},
    )


def first_contacts(rows, per_role):
    """Return (ContactRows, {role key: its count}) of the first `per_role` public contacts
    of each checklist role, by actor name, at the actors of the membership `rows`.

    Only the rows of actors with a public contact are joined, and the actor's name comes from
    the row, so that both sides are read from covering partial indexes (the rows' contact
    index, the contacts' public index) and the actor table is not visited but for the few
    contacts listed, whose values are read in the same query (a second query by their keys
    took 2 ms of an area page at 100 000 actors). Raw SQL: the ORM has no join between
    contacts and membership rows.
    """
    members = rows.filter(has_public_contact=True).values("actor_id", "name")
    members, params = members.query.sql_with_params()
    contact, role = Contact._meta.db_table, ContactRole._meta.db_table
    actor = Actor._meta.db_table
    columns = ", ".join(
        [
            *(f"c.{field}" for field in CONTACT_FIELDS),
            *(f"a.{field.removeprefix('actor__')}" for field in ACTOR_FIELDS),
        ]
    )
    sql = f"""
        SELECT ranked.role_total, {columns} FROM (
            SELECT c.id, c.role_id, m.name AS actor_name,
                COUNT(*) OVER (PARTITION BY c.role_id) AS role_total,
                ROW_NUMBER() OVER (
                    PARTITION BY c.role_id ORDER BY m.name, c.name, c.id
                ) AS position
            FROM {contact} c
            JOIN ({members}) m ON m.actor_id = c.actor_id
            JOIN {role} r ON r.id = c.role_id
            WHERE c.public AND r.checklist_order IS NOT NULL
        ) ranked
        JOIN {contact} c ON c.id = ranked.id
        JOIN {actor} a ON a.id = c.actor_id
        WHERE ranked.position <= %s
        ORDER BY ranked.actor_name, c.name, c.id
    """  # noqa: S608 - table and column names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, per_role])
        found = cursor.fetchall()
    language = get_language()
    counts = {}
    listed = []
    for role_total, *values in found:
        row = dict(zip((*CONTACT_FIELDS, *ACTOR_FIELDS), values, strict=True))
        counts[row["role_id"]] = role_total
        listed.append(_contact_row(row, language))
    return listed, counts


@dataclass
class AreaDirectory:
    """Everything an area page lists: actors by kind, the checklist, national actors,
    practices and funding."""

    groups: list
    total: int
    checklist: list
    # The national actors, a list fetched when first used.
    national: object
    practices: list
    funding: list


def area_directory(actors, *, regions):
    """Build the directory of an area served by the published, active `actors`.

    Each actor listed gets `url`, its page's address (see slug_urls)."""
    # Worked out once: comparing the selection with an area's takes a few milliseconds.
    rows = actors.area_memberships()
    groups = kind_groups(actors, rows=rows)
    national_actors = Actor.objects.published().active().national().for_list(services=False)
    # Fetched when first shown: every area page shows the same ones, and caches their part
    # (area_detail.html), so that only the first area page of a version reads them.
    national = SimpleLazyObject(lambda: with_urls(national_actors, "directory:actor"))
    practices, funding = regional_entries(regions)
    directory = AreaDirectory(
        groups=groups,
        total=sum(group.count for group in groups),
        checklist=checklist(groups, actors, contacts_per_role=CONTACTS_PER_ROLE, rows=rows),
        national=national,
        practices=practices,
        funding=funding,
    )
    with_urls(
        chain(
            (actor for group in groups for actor in group.actors),
            (contact.actor for item in directory.checklist for contact in item.contacts),
        ),
        "directory:actor",
    )
    return directory


def regional_entries(regions):
    """Return ([the published practices], [the published funding sources]) of `regions`, as
    an area page lists them. Cached until the directory version moves on (an edit of either
    does, an actor's does not): the pages of a region and of its municipalities share them."""

    def read():
        # What the page shows of them: DISTINCT over their whole rows (texts in three
        # languages, search vectors) took longer than the query.
        practices = (
            Practice.objects.published()
            .filter(regions__in=regions)
            .distinct()
            .only("title", "slug", "summary")
        )
        funding = (
            FundingSource.objects.published()
            .filter(regions__in=regions)
            .distinct()
            .only("name", "slug")
        )
        return list(practices), list(funding)

    return cached(("regional-entries", *sorted(region.pk for region in regions)), read, scopes=())


def with_urls(objects, viewname):
    """Return `objects` as a list, each with `url`: its page's address, `viewname` with its
    slug."""
    url = slug_urls(viewname)
    objects = list(objects)
    for obj in objects:
        obj.url = url(obj.slug)
    return objects
