"""The "Avoin data" page (/avoin-data/): how to use the API, the data package and the feeds,
and on what terms."""

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from actors.models import Region
from keko.cache import cache_public_page

from .licence import LICENSE, attribution, sources


@cache_public_page
def open_data(request):
    def absolute(name, *args):
        return request.build_absolute_uri(reverse(name, args=args))

    regions = list(Region.objects.order_by("name_fi"))
    example_region = regions[0].slug if regions else "uusimaa"
    return render(
        request,
        "opendata/open_data.html",
        {
            "title": _("Avoin data"),
            "api_root": absolute("opendata:root"),
            "organizations_url": absolute("opendata:organizations"),
            "services_url": absolute("opendata:services"),
            "openapi_url": absolute("opendata:openapi"),
            "profile_url": absolute("opendata:profile"),
            "package_url": absolute("opendata:datapackage"),
            "example_region": example_region,
            "example_feed": absolute("opendata_site:region_feed", example_region),
            "regions": regions,
            "licence": LICENSE,
            "attribution": attribution(),
            "sources": sources(),
            "rate_limit": settings.API_RATE_LIMIT,
            "rate_minutes": max(1, settings.API_RATE_PERIOD // 60),
        },
    )
