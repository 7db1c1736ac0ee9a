"""Settings of the benchmark: the site's own settings plus the bench app (its seed_synthetic
command and the minimal template) and bench/urls.py, which adds the minimal baseline view and
the edit hook of the multi-instance check.

The bench app and its views live only here, never in the production settings or URLconf.
"""

from keko.settings import *  # noqa: F403
from keko.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
ROOT_URLCONF = "bench.urls"
