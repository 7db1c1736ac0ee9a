"""WSGI entry point: `gunicorn keko.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keko.settings")

application = get_wsgi_application()
