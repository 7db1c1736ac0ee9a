"""Migration operations the apps share."""

from django.db import migrations


def on_postgresql(forward, backward):
    """A migration operation that runs SQL statements on PostgreSQL only: the indexes,
    triggers and search configurations of the production database, which SQLite (the
    two-command start) has no syntax or no use for. `forward` and `backward` are each a
    statement, a list of them, or a function returning a list."""
    return migrations.RunPython(_statements(forward), _statements(backward))


def _statements(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        listed = statements() if callable(statements) else statements
        for statement in [listed] if isinstance(listed, str) else listed:
            schema_editor.execute(statement)

    return run
