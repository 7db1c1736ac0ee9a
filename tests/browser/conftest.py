import pytest


@pytest.fixture(autouse=True)
def _static_files_from_the_source(settings):
    """Serve the stylesheets and scripts in browser tests, so that what axe checks (contrast,
    visibility) and what the tests click is the styled, scripted page.

    The live server serves static files through the staticfiles finders, which know the
    source names; the production storage would write hashed names that only
    collectstatic's output holds, and every stylesheet would be a 404.
    """
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
