"""A GIN index for Wagtail's PostgreSQL search over whole pages.

Searching a page queryset without naming fields, Wagtail's PostgreSQL backend matches
`(title || body) @@ query` on its index table, an expression its own GIN indexes (on title and on
body apart) cannot serve: every entry's vectors were joined and tested, 45 ms at 5,000 help
articles (benchmarks/care.py). An index on the expression itself finds them in under 1 ms.
SQLite's FTS5 table needs nothing, so the migration does nothing there.
"""

from django.db import migrations

INDEX = "help_search_title_body_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON wagtailsearch_indexentry USING gin ((title || body))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("help", "0001_initial"), ("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
