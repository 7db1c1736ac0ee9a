import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wsgi_application_freezes_what_it_loaded_out_of_the_collectors_sight():
    script = "import gc, keko.wsgi; print(gc.get_freeze_count())"
    env = {**os.environ, "SECRET_KEY": "t", "DJANGO_SETTINGS_MODULE": "keko.settings"}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    frozen = int(result.stdout.split()[-1])
    # Django and the apps: the objects a full collection would otherwise walk every time.
    assert frozen > 50_000
