"""The repeat missing rule starts at the Essex default: 3 episodes in 90 days."""

from django.db import migrations


def load_default(apps, schema_editor):
    RepeatMissingRule = apps.get_model("missing", "RepeatMissingRule")
    if not RepeatMissingRule.objects.exists():
        RepeatMissingRule.objects.create(episodes=3, days=90, include_away=True)


class Migration(migrations.Migration):
    dependencies = [("missing", "0001_initial")]

    operations = [migrations.RunPython(load_default, migrations.RunPython.noop)]
