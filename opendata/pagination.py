from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class HSDSPagination(PageNumberPagination):
    """HSDS's `Page`: `page` and `per_page` (at most 100) in, the counts and `contents` out."""

    page_size = 50
    page_query_param = "page"
    page_size_query_param = "per_page"
    max_page_size = 100

    def get_paginated_response(self, data):
        page = self.page
        total = page.paginator.count
        return Response(
            {
                "total_items": total,
                "total_pages": page.paginator.num_pages if total else 0,
                "page_number": page.number,
                "size": len(data),
                "first_page": page.number == 1,
                "last_page": not page.has_next(),
                "empty": total == 0,
                "contents": data,
            }
        )


class KnownCountPaginator(Paginator):
    """A paginator given its count (cached elsewhere) instead of counting."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # Paginator.count is a cached_property
