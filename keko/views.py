import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """Report whether the site can reach its database, for the load balancer and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.error("Health check failed: %s", error)
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


def accessibility_statement(request):
    """The accessibility statement that the law on digital services (306/2019) asks for."""
    return render(
        request,
        "accessibility_statement.html",
        {"feedback_email": settings.FEEDBACK_EMAIL},
    )
