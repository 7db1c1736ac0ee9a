"""The layering of docs/architecture.md, held against the code's imports.

Every module of every app is read (imports inside functions included) and each import of
another app of the project must go down: to an app on a lower layer, never to one on the same
layer or above.
"""

import ast
import importlib
from pathlib import Path

import pytest
from django.conf import settings

# Lower number, lower layer. Apps on one layer do not import each other.
LAYERS = {
    "keko": 0,
    "actors": 1,
    "funding": 2,
    "glossary": 2,
    "practices": 3,
    "curation": 4,
    "directory": 5,
    "seeding": 5,
    "opendata": 5,
    "catalogue": 5,
    "bench": 6,
}
BASE = Path(settings.BASE_DIR)


def app_modules():
    for app in LAYERS:
        for path in sorted((BASE / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def imported_apps(path):
    """Yield (line, app) for each import in `path` of an app of the project."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LAYERS:
                yield node.lineno, top


def test_every_app_of_the_project_has_a_layer():
    apps_on_disk = {path.parent.name for path in BASE.glob("*/apps.py")}
    assert apps_on_disk == set(LAYERS)


@pytest.mark.parametrize(
    ("app", "path"),
    list(app_modules()),
    ids=lambda v: str(v.relative_to(BASE)) if isinstance(v, Path) else v,
)
def test_imports_run_down_the_layers(app, path):
    upward = [
        f"{path.relative_to(BASE)}:{line} imports {other}"
        for line, other in imported_apps(path)
        if other != app and LAYERS[other] >= LAYERS[app]
    ]
    assert upward == []


def test_every_production_module_imports():
    """Every module of the production apps imports under the production settings (the
    layering is read from the source, so also make sure the source is what runs)."""
    for app, path in app_modules():
        if app == "bench":
            continue  # scripts, and an app of the benchmark's settings only
        module = ".".join(path.relative_to(BASE).with_suffix("").parts)
        if module.endswith("__init__"):
            module = module.rsplit(".", 1)[0]
        importlib.import_module(module)


def test_a_module_importing_upward_is_caught(tmp_path):
    """The check above can fail: an import of `directory` from `actors` is reported."""
    module = tmp_path / "upward.py"
    module.write_text("def f():\n    from directory.views import home\n")
    assert list(imported_apps(module)) == [(2, "directory")]
