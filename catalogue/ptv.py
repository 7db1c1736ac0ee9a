"""The HTTP adapter of Suomi.fi Palvelutietovaranto's open API, version 11.

Everything that knows PTV's URLs and paging is here; the mapping
(catalogue/mapping.py) reads only the JSON records it returns. A v12 adapter with the same
methods can replace this class without touching the mapping.

The HTTP manners (pause, retries, Finnish errors) are catalogue/http.py's `RetryingClient`.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy

from .http import RetryingClient, ServiceError, ServiceNotFound


class PTVError(ServiceError):
    """The service could not be read; the message is one Finnish line for the operator."""


class PTVNotFound(PTVError, ServiceNotFound):
    """One entity is gone (404): a record-level problem, not the whole service's."""


class PTVClientV11(RetryingClient):
    """Read organisations, services and service channels from PTV's open API v11."""

    AREA_REGION = "Province"  # maakunta, by Statistics Finland's two-digit code
    AREA_MUNICIPALITY = "Municipality"  # kunta, by its three-digit code

    error = PTVError
    not_found = PTVNotFound
    messages = {
        "not_found": gettext_lazy("PTV:ssä ei ole kohdetta %(path)s."),
        "refused": gettext_lazy("PTV hylkäsi pyynnön %(path)s (vastaus %(status)s)."),
        "not_json": gettext_lazy("PTV:n vastaus pyyntöön %(path)s ei ole JSONia."),
        "unreachable": gettext_lazy(
            "PTV-palvelu ei vastaa (%(problem)s, %(tries)d yritystä): %(url)s"
        ),
    }

    def __init__(
        self, base_url=None, *, transport=None, delay=None, timeout=None, retries=None, sleep=None
    ):
        super().__init__(
            base_url or settings.PTV_API_URL,
            transport=transport,
            delay=settings.PTV_REQUEST_DELAY if delay is None else delay,
            timeout=settings.PTV_TIMEOUT if timeout is None else timeout,
            retries=settings.PTV_RETRIES if retries is None else retries,
            sleep=sleep,
        )

    # -- the API -------------------------------------------------------------------------------

    def organizations_in_area(self, area_type, code, page=1):
        """One page of the full records of the organisations of an area, nationwide ones
        included: {"pageNumber", "pageCount", "itemList": [organisation, …]}."""
        return self._get(
            f"Organization/list/area/{area_type}/code/{code}",
            {"includeWholeCountry": "true", "page": page},
        )

    def organization_ids_in_area(self, area_type, code, *, since=None, page=1):
        """One page of the ids of an area's organisations created or changed since `since`."""
        params = {"includeWholeCountry": "true", "page": page}
        if since:
            params["date"] = _format_date(since)
        return self._get(f"Organization/area/{area_type}/code/{code}", params)

    def organization_ids(self, *, since=None, page=1):
        """One page of the ids of every published organisation (changed since `since`)."""
        params = {"page": page}
        if since:
            params["date"] = _format_date(since)
        return self._get("Organization", params)

    def organization(self, organization_id):
        return self._get(f"Organization/{organization_id}")

    def service(self, service_id):
        return self._get(f"Service/{service_id}")

    def service_channel(self, channel_id):
        return self._get(f"ServiceChannel/{channel_id}")


def _format_date(value):
    """PTV takes "yyyy-MM-ddTHH:mm:ss" (UTC) only."""
    return value.strftime("%Y-%m-%dT%H:%M:%S")
