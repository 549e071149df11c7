"""Load the starting reference data: quadrants, council areas, postcode districts, agencies,
national code lists, CSE indicators and the CSE definitions. Administrators edit it afterwards."""

from django.db import migrations


def load(apps, schema_editor):
    from mace.reference.data import load as load_reference

    load_reference(apps)


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
