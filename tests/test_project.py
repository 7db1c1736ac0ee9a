"""Project-wide checks: the system check framework and migrations agree with the models."""

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_system_check_is_clean():
    out = io.StringIO()
    call_command("check", "--fail-level", "WARNING", stdout=out)
    assert "no issues" in out.getvalue()


def test_models_have_no_missing_migrations():
    # --check exits with status 1 when a migration is missing.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
