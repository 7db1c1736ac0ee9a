"""Middleware of the whole site: a Permissions-Policy header and a 503 page when the database
is out of reach."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class PermissionsPolicyMiddleware:
    """Add `settings.PERMISSIONS_POLICY` to every response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY:
            response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 "try again shortly" when a view loses its database connection.

    Nothing needs resetting afterwards: with CONN_HEALTH_CHECKS a broken connection is
    replaced at the start of the next request, so the site recovers when the database returns.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unavailable: %s",
            exception,
            extra={"request": request, "status_code": 503},
        )
        return service_unavailable()


def service_unavailable():
    """Return the 503 page, rendered without the request so that nothing touches the database."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def client_ip(request):
    """Return the client's IP address, for django-axes' lockout and the correction form's
    rate limit.

    Behind `settings.TRUSTED_PROXY_COUNT` proxies it is the address the outermost trusted proxy
    saw, counted from the right of X-Forwarded-For (the entries left of it are client-supplied
    and can be forged); with no proxy, REMOTE_ADDR.
    """
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")
