"""Each child's latest completed assessment marked (`is_latest`), so overdue reviews are read
from an index by assessor or agency and review date, instead of finding every child's latest
assessment in turn; filled in here for the assessments already made."""

from django.db import migrations, models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When


def fill(apps, schema_editor):
    Assessment = apps.get_model("assessments", "Assessment")
    latest = (
        Assessment.objects.filter(child_id=OuterRef("child_id"), status="completed")
        .order_by("-assessed_on", F("completed_at").desc(nulls_first=True), "-id")
        .values("pk")[:1]
    )
    Assessment.objects.filter(status="completed").update(
        is_latest=Case(
            When(Q(pk=Subquery(latest)), then=Value(True)),
            default=Value(False),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_load_instrument"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="is_latest",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                condition=models.Q(("is_latest", True)),
                fields=["assessor", "review_due", "id"],
                name="assessment_latest_assessor",
            ),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                condition=models.Q(("is_latest", True)),
                fields=["agency", "review_due", "id"],
                name="assessment_latest_agency",
            ),
        ),
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                condition=models.Q(("status", "completed"), _negated=True),
                fields=["assessor", "-updated_at", "-id"],
                name="assessment_open_assessor",
            ),
        ),
    ]
