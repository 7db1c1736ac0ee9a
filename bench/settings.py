"""Settings of the benchmark: the site's own settings plus bench/urls.py, which adds the
minimal baseline view and the edit hook of the multi-instance check.

Those views live only here, never in the production URLconf.
"""

from keko.settings import *  # noqa: F403
from keko.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
