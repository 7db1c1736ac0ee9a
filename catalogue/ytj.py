"""The HTTP adapter of the business register's open data (PRH's YTJ open data API, v3).

Only `GET /companies?businessId=…` is used. The response is the schema's `CompanyResult`:
{"totalResults": n, "companies": [Company, …]}. Registered associations (ry) and other
entities outside the open data give `totalResults` 0; `company()` returns None for them.

The HTTP manners (pause, retries, Finnish errors) are catalogue/http.py's `RetryingClient`.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy

from .http import RetryingClient, ServiceError, ServiceNotFound


class YTJError(ServiceError):
    """The register could not be read; the message is one Finnish line for the operator."""


class YTJNotFound(YTJError, ServiceNotFound):
    """A 404: the register has nothing under the path."""


class YTJClientV3(RetryingClient):
    """Read one company at a time from YTJ's open data API v3."""

    error = YTJError
    not_found = YTJNotFound
    messages = {
        "not_found": gettext_lazy("YTJ:ssä ei ole kohdetta %(path)s."),
        "refused": gettext_lazy("YTJ hylkäsi pyynnön %(path)s (vastaus %(status)s)."),
        "not_json": gettext_lazy("YTJ:n vastaus pyyntöön %(path)s ei ole JSONia."),
        "unreachable": gettext_lazy(
            "YTJ-palvelu ei vastaa (%(problem)s, %(tries)d yritystä): %(url)s"
        ),
    }

    def __init__(
        self, base_url=None, *, transport=None, delay=None, timeout=None, retries=None, sleep=None
    ):
        super().__init__(
            base_url or settings.YTJ_API_URL,
            transport=transport,
            delay=settings.YTJ_REQUEST_DELAY if delay is None else delay,
            timeout=settings.YTJ_TIMEOUT if timeout is None else timeout,
            retries=settings.YTJ_RETRIES if retries is None else retries,
            sleep=sleep,
        )

    def company(self, business_id):
        """The company of a Y-tunnus as the schema's `Company`, or None when the open data
        does not have it."""
        try:
            data = self._get("companies", {"businessId": business_id})
        except YTJNotFound:
            return None  # some deployments answer an unknown id with 404, not an empty list
        if not isinstance(data, dict):
            raise YTJError(
                gettext_lazy("YTJ:n vastaus Y-tunnukselle %(id)s ei ole odotetun muotoinen.")
                % {"id": business_id}
            )
        for company in data.get("companies") or ():
            if ((company or {}).get("businessId") or {}).get("value") == business_id:
                return company
        return None  # totalResults 0, or only other companies
