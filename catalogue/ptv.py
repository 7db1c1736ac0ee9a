"""The HTTP adapter of Suomi.fi Palvelutietovaranto's open API, version 11.

Everything that knows PTV's URLs, paging and HTTP manners is here; the mapping
(catalogue/mapping.py) reads only the JSON records it returns. A v12 adapter with the same
methods can replace this class without touching the mapping.

The transport is anything with requests' `get(url, params=…, timeout=…)` returning an object
with `status_code`, `headers` and `json()`: a `requests.Session` in production, a recorded-
responses fake in the tests. `sleep` is injectable for the same reason.
"""

import time

import requests
from django.conf import settings
from django.utils.translation import gettext as _

RETRY_STATUSES = {429, 500, 502, 503, 504}
# Back-off when the service does not say how long to wait: 1 s, 2 s, 4 s, …, at most a minute.
BACKOFF_BASE = 1.0
BACKOFF_MAX = 60.0


class PTVError(Exception):
    """The service could not be read; the message is one Finnish line for the operator."""


class PTVNotFound(PTVError):
    """One entity is gone (404): a record-level problem, not the whole service's."""


class PTVClientV11:
    """Read organisations, services and service channels from PTV's open API v11."""

    AREA_REGION = "Province"  # maakunta, by Statistics Finland's two-digit code
    AREA_MUNICIPALITY = "Municipality"  # kunta, by its three-digit code

    def __init__(
        self, base_url=None, *, transport=None, delay=None, timeout=None, retries=None, sleep=None
    ):
        self.base_url = (base_url or settings.PTV_API_URL).rstrip("/") + "/"
        self.transport = transport if transport is not None else requests.Session()
        self.delay = settings.PTV_REQUEST_DELAY if delay is None else delay
        self.timeout = settings.PTV_TIMEOUT if timeout is None else timeout
        self.retries = settings.PTV_RETRIES if retries is None else retries
        self.sleep = sleep or time.sleep
        self.requests_made = 0

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

    # -- HTTP ----------------------------------------------------------------------------------

    def _get(self, path, params=None):
        url = self.base_url + path
        attempt = 0
        while True:
            if self.requests_made and self.delay:
                self.sleep(self.delay)  # a polite pace, between every two requests
            self.requests_made += 1
            wait, problem = None, None
            try:
                response = self.transport.get(url, params=params or {}, timeout=self.timeout)
            except requests.Timeout:
                problem = _("aikakatkaisu")
            except requests.RequestException as error:
                problem = _("yhteys ei onnistu (%(error)s)") % {"error": type(error).__name__}
            else:
                status = response.status_code
                if status == 404:
                    raise PTVNotFound(_("PTV:ssä ei ole kohdetta %(path)s.") % {"path": path})
                if status in RETRY_STATUSES:
                    problem = _("vastaus %(status)s") % {"status": status}
                    wait = _retry_after(response)
                elif status >= 400:
                    raise PTVError(
                        _("PTV hylkäsi pyynnön %(path)s (vastaus %(status)s).")
                        % {"path": path, "status": status}
                    )
                else:
                    try:
                        return response.json()
                    except ValueError:
                        raise PTVError(
                            _("PTV:n vastaus pyyntöön %(path)s ei ole JSONia.") % {"path": path}
                        ) from None
            if attempt >= self.retries:
                raise PTVError(
                    _("PTV-palvelu ei vastaa (%(problem)s, %(tries)d yritystä): %(url)s")
                    % {"problem": problem, "tries": attempt + 1, "url": url}
                )
            self.sleep(wait if wait is not None else min(BACKOFF_BASE * 2**attempt, BACKOFF_MAX))
            attempt += 1


def _retry_after(response):
    """The seconds a 429 or 503 asks us to wait (Retry-After in seconds), else None."""
    value = (response.headers or {}).get("Retry-After", "")
    try:
        return min(max(float(value), 0.0), BACKOFF_MAX * 5)
    except (TypeError, ValueError):
        return None  # absent, or an HTTP date: fall back to the back-off


def _format_date(value):
    """PTV takes "yyyy-MM-ddTHH:mm:ss" (UTC) only."""
    return value.strftime("%Y-%m-%dT%H:%M:%S")
