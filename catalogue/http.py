"""The HTTP manners the catalogue adapters share (catalogue/ptv.py, catalogue/ytj.py).

`RetryingClient._get` reads one JSON document: a polite pause between every two requests,
retries with back-off on 429, 5xx and timeouts (honouring Retry-After), and one-line Finnish
errors. A subclass names its service's base URL and settings, its exceptions and its messages.

The transport is anything with requests' `get(url, params=…, timeout=…)` returning an object
with `status_code`, `headers` and `json()`: a `requests.Session` in production, a recorded-
responses fake in the tests. `sleep` is injectable for the same reason.
"""

import time

import requests
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

RETRY_STATUSES = {429, 500, 502, 503, 504}
# Back-off when the service does not say how long to wait: 1 s, 2 s, 4 s, …, at most a minute.
BACKOFF_BASE = 1.0
BACKOFF_MAX = 60.0


class ServiceError(Exception):
    """The service could not be read; the message is one Finnish line for the operator."""


class ServiceNotFound(ServiceError):
    """One entity is gone (404): a record-level problem, not the whole service's."""


class RetryingClient:
    """The GET of a JSON API; subclasses set the class attributes below."""

    error = ServiceError
    not_found = ServiceNotFound
    # Each service's own Finnish wording (its name inflects: "PTV:ssä", "YTJ:n", …).
    messages = {
        "not_found": gettext_lazy("Palvelussa ei ole kohdetta %(path)s."),
        "refused": gettext_lazy("Palvelu hylkäsi pyynnön %(path)s (vastaus %(status)s)."),
        "not_json": gettext_lazy("Palvelun vastaus pyyntöön %(path)s ei ole JSONia."),
        "unreachable": gettext_lazy("Palvelu ei vastaa (%(problem)s, %(tries)d yritystä): %(url)s"),
    }

    def __init__(self, base_url, *, transport, delay, timeout, retries, sleep):
        self.base_url = base_url.rstrip("/") + "/"
        self.transport = transport if transport is not None else requests.Session()
        self.delay = delay
        self.timeout = timeout
        self.retries = retries
        self.sleep = sleep or time.sleep
        self.requests_made = 0

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
                    raise self.not_found(self.messages["not_found"] % {"path": path})
                if status in RETRY_STATUSES:
                    problem = _("vastaus %(status)s") % {"status": status}
                    wait = retry_after(response)
                elif status >= 400:
                    raise self.error(self.messages["refused"] % {"path": path, "status": status})
                else:
                    try:
                        return response.json()
                    except ValueError:
                        raise self.error(self.messages["not_json"] % {"path": path}) from None
            if attempt >= self.retries:
                raise self.error(
                    self.messages["unreachable"]
                    % {"problem": problem, "tries": attempt + 1, "url": url}
                )
            self.sleep(wait if wait is not None else min(BACKOFF_BASE * 2**attempt, BACKOFF_MAX))
            attempt += 1


def retry_after(response):
    """The seconds a 429 or 503 asks us to wait (Retry-After in seconds), else None."""
    value = (response.headers or {}).get("Retry-After", "")
    try:
        return min(max(float(value), 0.0), BACKOFF_MAX * 5)
    except (TypeError, ValueError):
        return None  # absent, or an HTTP date: fall back to the back-off
