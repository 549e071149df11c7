"""An agency's live caseload read through indexes: newest involvements first (the home page),
and which children it works with now (index-only, for the lists drawn from the caseload)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_search_name_and_identifier_value"),
        ("reference", "0002_load_reference_data"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="agencyinvolvement",
            index=models.Index(
                condition=models.Q(("ended_at__isnull", True)),
                fields=["agency", "-since", "-id"],
                name="people_involvement_live",
            ),
        ),
        migrations.AddIndex(
            model_name="agencyinvolvement",
            index=models.Index(
                condition=models.Q(("ended_at__isnull", True)),
                fields=["agency", "child"],
                name="people_involvement_live_child",
            ),
        ),
    ]
