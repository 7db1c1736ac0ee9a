"""Relations that most rows have none of, fetched only for the rows that have some.

A prefetch is a query, built and sent, even when it finds nothing. An actor's page shows
thirteen relations, and most actors have none of eleven of them (areas served besides their
own, contacts, successors, networks, practices, funding, …): their empty queries were a
third of the page's time. Whether a row has any such relation is read with the row instead,
an EXISTS each (`flag_sparse`), and only the relations a row has are fetched
(`fetch_sparse`).
"""

from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects


class Sparse:
    """A relation most rows lack, by its `lookup` on the model, fetched as a Prefetch of
    `queryset` (all related rows if None) into the list `listed_<lookup>`; `flag`, the
    annotation that tells whether a row has any related row at all."""

    def __init__(self, lookup, queryset=None):
        self.lookup = lookup
        self.flag = f"has_{lookup}"
        self.to_attr = f"listed_{lookup}"
        self.queryset = queryset

    def exists(self, model):
        """EXISTS of a related row of the outer row of `model`: of the link table's rows for
        a many-to-many relation, of the related table's for a reverse foreign key."""
        field = model._meta.get_field(self.lookup)
        if field.many_to_many:
            if field.auto_created:  # the reverse side: the link's column to the target
                through, column = field.through, field.field.m2m_reverse_field_name()
            else:
                through, column = field.remote_field.through, field.m2m_field_name()
            return Exists(through._base_manager.filter(**{column: OuterRef("pk")}))
        related = field.related_model._base_manager
        return Exists(related.filter(**{field.field.name: OuterRef("pk")}))


def flag_sparse(queryset, relations):
    """`queryset` with each of the Sparse `relations`' flags."""
    flags = {relation.flag: relation.exists(queryset.model) for relation in relations}
    return queryset.annotate(**flags)


def fetch_sparse(instances, relations):
    """Fetch the Sparse `relations` of the `instances` (read with flag_sparse) that have
    any, a query each; the others' lists are empty without one."""
    for relation in relations:
        having = []
        for instance in instances:
            if getattr(instance, relation.flag):
                having.append(instance)
            else:
                setattr(instance, relation.to_attr, [])
        if having:
            prefetch_related_objects(
                having, Prefetch(relation.lookup, relation.queryset, to_attr=relation.to_attr)
            )
