"""Load version 1 of the SET CSE Risk and Vulnerabilities Assessment (in force) and the default
review intervals (high 6 weeks, medium 3 months, low 6 months). Administrators revise them
afterwards: a revised instrument is a new version, so past assessments keep theirs."""

from django.db import migrations


def load(apps, schema_editor):
    from mace.assessments.data import load as load_instrument

    load_instrument(apps)


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
