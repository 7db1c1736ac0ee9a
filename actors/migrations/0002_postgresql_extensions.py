from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """pg_trgm for typo-tolerant search; both operations do nothing on SQLite."""

    dependencies = [("actors", "0001_initial")]

    operations = [TrigramExtension(), UnaccentExtension()]
