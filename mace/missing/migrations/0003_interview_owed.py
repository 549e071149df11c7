"""Whether each episode still owes a return home interview, kept on the episode so that the
overdue lists read an index (missing_episode_owed) instead of looking for every episode's
interview; filled in here for the episodes already recorded."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q


def fill(apps, schema_editor):
    MissingEpisode = apps.get_model("missing", "MissingEpisode")
    ReturnInterview = apps.get_model("missing", "ReturnInterview")
    # interview_done(): held, declined, or recorded as not applicable or not offered.
    done = ReturnInterview.objects.filter(episode=OuterRef("pk")).filter(
        Q(held_at__isnull=False) | Q(accepted="N") | Q(offered__in=["NA", "N"])
    )
    MissingEpisode.objects.update(interview_owed=~Exists(done))


class Migration(migrations.Migration):
    dependencies = [
        ("missing", "0002_default_repeat_rule"),
        ("people", "0005_involvement_live_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="missingepisode",
            name="interview_owed",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="missingepisode",
            index=models.Index(
                condition=models.Q(("ended_at__isnull", False), ("interview_owed", True)),
                fields=["agency", "ended_at", "id"],
                name="missing_episode_owed",
            ),
        ),
        migrations.AddIndex(
            model_name="missingepisode",
            index=models.Index(
                condition=models.Q(("ended_at__isnull", False), ("interview_owed", True)),
                fields=["ended_at", "id"],
                name="missing_episode_owed_all",
            ),
        ),
    ]
