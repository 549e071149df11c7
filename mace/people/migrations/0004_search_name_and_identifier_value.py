"""Search at national scale: every name of a child in one lower-case column kept by the database
(`search_name`), with a trigram index on PostgreSQL (pg_trgm) so that a part of a name is found
without reading every child; and identifiers indexed by value first, as search looks them up.

SQLite runs the same queries without the trigram index (it has no pg_trgm): the tests check what
is found, benchmarks/ and docs/performance.md how fast on PostgreSQL."""

import django.db.models.functions.text
from django.db import migrations, models

TRIGRAM_INDEX = "people_child_search_name_trgm"


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON people_child "
        "USING gin (search_name gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_more_entry_kinds"),
        ("reference", "0002_load_reference_data"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="childidentifier",
            name="people_chil_type_9d26f0_idx",
        ),
        migrations.AddIndex(
            model_name="childidentifier",
            index=models.Index(fields=["value", "type"], name="people_chil_value_07a935_idx"),
        ),
        migrations.AddField(
            model_name="child",
            name="search_name",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.db.models.functions.text.Lower(
                    django.db.models.functions.text.Concat(
                        "forename", models.Value(" "), "surname", models.Value(" "), "other_names"
                    )
                ),
                output_field=models.CharField(max_length=402),
            ),
        ),
        migrations.RunPython(trigram_index, drop_trigram_index, elidable=False),
    ]
