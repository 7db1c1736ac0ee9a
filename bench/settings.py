"""Settings of the benchmark: the site's own settings plus the minimal baseline view's URL.

The baseline view lives only here, never in the production URLconf.
"""

from keko.settings import *  # noqa: F403
from keko.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
