from django.db import migrations

# The four rules the Essex arrangements describe, all on; the window for "missing while
# assessed at medium or high risk" is 90 days, as the repeat missing rule's default is.
DEFAULTS = ["known_exploited", "high_risk", "repeat_missing", "missing_at_risk"]


def load(apps, schema_editor):
    Criterion = apps.get_model("criteria", "Criterion")
    for code in DEFAULTS:
        Criterion.objects.get_or_create(code=code, defaults={"active": True, "days": 90})


class Migration(migrations.Migration):
    dependencies = [("criteria", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
