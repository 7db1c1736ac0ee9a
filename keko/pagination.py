from django.core.paginator import Paginator


class SafePaginationMixin:
    """Serve the nearest valid page for a malformed or out-of-range `page` instead of a 404."""

    def paginate_queryset(self, queryset, page_size):
        paginator = Paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()
