from django.core.paginator import Paginator

from .cache import cached
from .search import SearchableQuerySet


class CachedPaginationMixin:
    """Paginate a list of published data with its count and page keys cached, and serve the
    nearest valid page for a malformed or out-of-range `page` instead of a 404.

    A view that defines `page_rows(pks)` gets a "deferred join": the page's primary keys are
    read first, by a query an index can answer without visiting the table (fast deep into a
    long list), and only the rows shown are then fetched with `page_rows`. Such lists show
    published data only, so the result count and each page's keys are also cached under the
    directory version (keko.cache), which any edit moves on: counting tens of thousands of
    matching rows is the slowest part of a filtered list.
    """

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size)
        if not hasattr(self, "page_rows"):
            page = paginator.get_page(self.request.GET.get(self.page_kwarg))
            return paginator, page, page.object_list, page.has_other_pages()

        selection = self._selection_key()
        paginator.count = self.result_count(queryset)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        pks = cached(("list-page", selection, page.number), lambda: self.page_keys(page))
        rows = {row.pk: row for row in self.page_rows(pks)}
        page.object_list = [rows[pk] for pk in pks if pk in rows]
        return paginator, page, page.object_list, page.has_other_pages()

    def page_keys(self, page):
        """Return the primary keys of the rows of `page`, in the list's order: a search's in
        its own order from its matches looked up in that order (keko.search), else by a
        query."""
        rows = page.object_list
        keys = rows.ranked_page_keys() if isinstance(rows, SearchableQuerySet) else None
        return list(rows.values_list("pk", flat=True)) if keys is None else keys

    def result_count(self, queryset):
        """Return how many rows the list has, cached per selection."""
        return cached(("list-count", self._selection_key()), queryset.count)

    def _selection_key(self):
        """Return this list and its filters (the page number left out) as text for a key."""
        params = sorted(
            (key, values) for key, values in self.request.GET.lists() if key != self.page_kwarg
        )
        return f"{type(self).__module__}.{type(self).__name__}?{params}"
