"""What a region's or a municipality's page shows, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from actors.models import Actor, ActorKind, Contact, ContactRole
from funding.models import FundingSource
from practices.models import Practice

FIRST_PER_KIND = 5
# An area page lists this many public contacts per checklist role, then their total; the
# workshop print lists them all.
CONTACTS_PER_ROLE = 10


@dataclass
class KindGroup:
    kind: str
    label: str
    count: int
    # The actors listed under the kind: the first few on an area page, all of them in a print.
    actors: list = field(default_factory=list)
    # In a print split into parts: the kind's heading repeated where its list runs on.
    continued: bool = False

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


def kind_groups(actors, first=FIRST_PER_KIND):
    """Group `actors` by kind: the count of each kind and its first entries by name.

    Two queries whatever the number of actors: one count per kind, and one window-function
    query that numbers the actors within their kind and keeps the first few of each.
    """
    counts = dict(actors.order_by().values_list("kind").annotate(n=Count("pk")))
    numbered = actors.annotate(
        position=Window(RowNumber(), partition_by=[F("kind")], order_by=[F("name").asc()])
    ).filter(position__lte=first)
    firsts = {}
    for actor in numbered.select_related("municipality").order_by("kind", "name"):
        firsts.setdefault(actor.kind, []).append(actor)
    return [
        KindGroup(kind, label, counts[kind], firsts.get(kind, []))
        for kind, label in ActorKind.choices
        if counts.get(kind)
    ]


def checklist(groups, actors, *, contacts_per_role=None):
    """Return the handbook's roles to know in an area, with who fills each here.

    A role is filled by public contacts with that role at the area's actors, or by the area's
    actors of the kinds that fill it (a project fills "the region's projects"). With
    `contacts_per_role`, only the first contacts of each role are fetched, and their count.
    """
    by_kind = {group.kind: group for group in groups}
    contacts = Contact.objects.filter(
        public=True, actor__in=actors, role__checklist_order__isnull=False
    )
    counts = None
    if contacts_per_role is not None:
        counts = dict(contacts.order_by().values_list("role").annotate(n=Count("pk")))
        contacts = contacts.annotate(
            position=Window(
                RowNumber(),
                partition_by=[F("role_id")],
                order_by=[F("actor__name").asc(), F("name").asc(), F("pk").asc()],
            )
        ).filter(position__lte=contacts_per_role)
    contacts_by_role = {}
    for contact in contacts.select_related("actor").order_by("actor__name", "name", "pk"):
        contacts_by_role.setdefault(contact.role_id, []).append(contact)
    items = []
    for role in ContactRole.objects.filter(checklist_order__isnull=False):
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


@dataclass
class AreaDirectory:
    """Everything an area page lists: actors by kind, the checklist, national actors,
    practices and funding."""

    groups: list
    total: int
    checklist: list
    national: list
    practices: list
    funding: list


def area_directory(actors, *, regions):
    """Build the directory of an area served by the published, active `actors`."""
    groups = kind_groups(actors)
    national = Actor.objects.published().active().national().select_related("municipality")
    practices = Practice.objects.published().filter(regions__in=regions).distinct()
    funding = FundingSource.objects.published().filter(regions__in=regions).distinct()
    return AreaDirectory(
        groups=groups,
        total=sum(group.count for group in groups),
        checklist=checklist(groups, actors, contacts_per_role=CONTACTS_PER_ROLE),
        national=list(national),
        practices=list(practices),
        funding=list(funding),
    )
