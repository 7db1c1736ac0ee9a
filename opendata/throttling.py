"""A rate limit per client address on the API (keko.ratelimit): past API_RATE_LIMIT requests
per API_RATE_PERIOD seconds, 429 Too Many Requests with Retry-After. API_RATE_LIMIT 0 turns it
off. Counted in the database, so that every worker and server shares the count."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

from keko import ratelimit
from keko.middleware import client_ip


class AddressRateThrottle(BaseThrottle):
    key = ""

    def allow_request(self, request, view):
        limit = settings.API_RATE_LIMIT
        if not limit:
            return True
        self.key = f"api:{client_ip(request)}"
        return ratelimit.allow(self.key, limit=limit, period=settings.API_RATE_PERIOD)

    def wait(self):
        return ratelimit.retry_after(self.key, period=settings.API_RATE_PERIOD)


class TooManyRequests(Throttled):
    default_detail = _("Liikaa pyyntöjä tästä osoitteesta.")

    def __init__(self, wait):
        detail = " ".join(
            (
                str(self.default_detail),
                ngettext(
                    "Yritä uudelleen {wait} sekunnin kuluttua.",
                    "Yritä uudelleen {wait} sekunnin kuluttua.",
                    wait,
                ).format(wait=wait),
            )
        )
        super().__init__(detail=detail)
        self.wait = wait
