"""Middleware of the whole site and the request guards around it: the security headers of
every response, a 503 page when the database is out of reach, the client's address behind the
proxies, django-axes' lockout page and the refusal of file uploads on public forms."""

import functools
import ipaddress
import logging
import math

from csp.utils import build_policy
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


class SecurityHeadersMiddleware:
    """Give every response the site's security headers, also the responses that the middleware
    adding them never sees. First in MIDDLEWARE.

    WhiteNoise answers static files before XFrameOptionsMiddleware and CSPMiddleware run, and
    a request for a host outside ALLOWED_HOSTS fails (DisallowedHost, a 400) in
    SecurityMiddleware or CommonMiddleware, before them too. This adds only the headers a
    response lacks, with the values of the settings, so that other responses keep theirs
    (and the exemptions of `xframe_options_exempt` and django-csp's `csp_exempt` hold).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        headers = response.headers
        if settings.X_FRAME_OPTIONS and not getattr(response, "xframe_options_exempt", False):
            headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            headers.setdefault("X-Content-Type-Options", "nosniff")
        referrer_policy = settings.SECURE_REFERRER_POLICY
        if referrer_policy:
            if not isinstance(referrer_policy, str):
                referrer_policy = ",".join(referrer_policy)
            headers.setdefault("Referrer-Policy", referrer_policy)
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            headers.setdefault(
                "Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
            )
        if settings.PERMISSIONS_POLICY:
            headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # django-csp leaves out Django's debug pages, whose styles are inline.
        debug_page = settings.DEBUG and response.status_code in (404, 500)
        if not (
            "Content-Security-Policy" in headers
            or getattr(response, "_csp_exempt", False)
            or debug_page
        ):
            policy = build_policy()
            if policy:
                headers["Content-Security-Policy"] = policy
        return response


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
    """Return the client's IP address, for django-axes' lockout and the rate limits.

    Behind `settings.TRUSTED_PROXY_COUNT` proxies it is the address the outermost trusted
    proxy saw: the TRUSTED_PROXY_COUNT-th entry of X-Forwarded-For from the right (the entries
    left of it are client-supplied and can be forged). REMOTE_ADDR instead when there is no
    proxy (a count of 0), when the header has fewer entries than the count or an entry that
    is no IP address, and when the request does not come from a proxy's network
    (`settings.TRUSTED_PROXY_NETWORKS`; empty: any): a client that reaches gunicorn directly
    cannot pick its address by sending the header itself.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if not count or not _from_trusted_proxy(remote):
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",")] if header.strip() else []
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


@functools.cache
def _networks(cidrs):
    return [ipaddress.ip_network(cidr, strict=False) for cidr in cidrs]


def _from_trusted_proxy(address):
    cidrs = tuple(settings.TRUSTED_PROXY_NETWORKS)
    if not cidrs:
        return True
    try:
        address = ipaddress.ip_address(address)
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in _networks(cidrs))


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login (`AXES_LOCKOUT_CALLABLE`): the site's page in
    Finnish, 429, saying when to try again, with a Retry-After header."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    context = {"wait": None, "until": None}
    if cool_off:
        seconds = math.ceil(cool_off.total_seconds())
        context["wait"] = _finnish_wait(seconds)
        context["until"] = timezone.localtime(timezone.now() + cool_off)
    response = render(request, "keko/lockout.html", context, status=429)
    if cool_off:
        response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response


def _finnish_wait(seconds):
    """Return "tunnin kuluttua", "2 tunnin kuluttua" or "15 minuutin kuluttua"."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("tunnin kuluttua", "%(count)d tunnin kuluttua", hours) % {"count": hours}
    return ngettext("minuutin kuluttua", "%(count)d minuutin kuluttua", minutes) % {
        "count": minutes
    }


class _RefuseFiles(FileUploadHandler):
    """The upload handler of a public form: stops parsing at the first file part, keeping
    nothing of it."""

    refused = False

    def new_file(self, *args, **kwargs):
        self.refused = True
        # The rest of the body is not read: the answer is a 400 whatever it holds.
        raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data, start):
        return None

    def file_complete(self, file_size):
        return None


def refuse_file_uploads(view):
    """Decorate a public form's view: a POST that carries a file part gets a 400 before any of
    the file is kept (in memory or in a temporary file) and before the view runs.

    The body is parsed here with `_RefuseFiles` as the only upload handler, so the CSRF check,
    which reads the body too, moves from the middleware to just after (`csrf_protect`).
    """
    protected = csrf_protect(view)

    @csrf_exempt  # checked by `protected`, once the body has been parsed here
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and request.content_type == "multipart/form-data":
            handler = _RefuseFiles(request)
            request.upload_handlers = [handler]
            request.POST  # noqa: B018 - parses the body with the handler above
            if handler.refused:
                return HttpResponseBadRequest(
                    gettext("Lomake ei ota vastaan tiedostoja."),
                    content_type="text/plain; charset=utf-8",
                )
        return protected(request, *args, **kwargs)

    return wrapped
