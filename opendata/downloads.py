"""GET /api/hsds/datapackage.zip: the newest data package, built in the task queue.

Never built in the request: when the data changed since the newest package was built, the
request queues one rebuild (shared by every request that finds the same change) and is still
answered with the previous package; until there is none, 503 with Retry-After.
"""

from django.http import HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from rest_framework.response import Response

from .models import DataPackage
from .tasks import current_package, data_stamp, request_build
from .views import PublicView

# What a client is told to wait for the first package (a build takes seconds at the
# directory's size).
RETRY_AFTER = 30


def site_origin(request):
    return request.build_absolute_uri("/").rstrip("/")


class DataPackageView(PublicView):
    def get(self, request):
        stamp = data_stamp()
        package = current_package()
        if package is None or package.built_stamp != stamp:
            request_build(stamp, site_origin(request))
        if package is None:
            response = Response(
                {"detail": _("Datapakettia kootaan. Yritä hetken kuluttua uudelleen.")},
                status=503,
            )
            response["Retry-After"] = str(RETRY_AFTER)
            return response
        headers = {
            "ETag": f'"{package.sha256}"',
            "Last-Modified": http_date(package.built_at.timestamp()),
            "Cache-Control": "no-cache",
        }
        conditional = get_conditional_response(
            request, etag=headers["ETag"], last_modified=int(package.built_at.timestamp())
        )
        if conditional is None:
            content = (
                DataPackage.objects.filter(pk=package.pk).values_list("content", flat=True).first()
            )
            if content is None:  # replaced by a newer one this very moment
                return self.get(request)
            conditional = HttpResponse(bytes(content), content_type="application/zip")
            name = f"keko-hsds-{package.built_at:%Y%m%d}.zip"
            conditional["Content-Disposition"] = f'attachment; filename="{name}"'
        for header, value in headers.items():
            conditional[header] = value
        return conditional
