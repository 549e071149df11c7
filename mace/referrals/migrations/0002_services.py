"""The partnership's receiving services, with their response targets. Contact numbers are in
Ofcom's range for drama (01632 960xxx), so none reaches a real line."""

from django.db import migrations

CHOICES_AGENCY = "Essex Involvement Team (Choices programme)"

# (code, name, kind, agency, area codes, days, working days, phone, contact note)
SERVICES = [
    (
        "essex-csc",
        "Essex Children and Families front door",
        "csc",
        "Essex Children and Families (social care)",
        [],
        1,
        True,
        "01632 960100",
        "Office hours; out of hours, the emergency duty team on the same number.",
    ),
    (
        "southend-csc",
        "Southend Children's Services front door",
        "csc",
        "Southend Children's Services",
        ["southend"],
        1,
        True,
        "01632 960200",
        "Office hours; out of hours, the emergency duty team on the same number.",
    ),
    (
        "thurrock-csc",
        "Thurrock Children's Services front door",
        "csc",
        "Thurrock Children's Services",
        ["thurrock"],
        1,
        True,
        "01632 960300",
        "Office hours; out of hours, the emergency duty team on the same number.",
    ),
    (
        "police",
        "Essex Police child exploitation referrals",
        "police",
        "Essex Police",
        [],
        1,
        False,
        "01632 960400",
        "In an emergency, call 999.",
    ),
    (
        "care",
        "CARE (Children at Risk of Exploitation)",
        "care",
        "CARE (Children at Risk of Exploitation)",
        [],
        14,
        False,
        "01632 960311",
        "We aim to respond to enquiries within two weeks; call us if you are yet to hear.",
    ),
    (
        "choices",
        "The Choices programme",
        "choices",
        CHOICES_AGENCY,
        [],
        10,
        True,
        "01632 960500",
        "A six-week peer-led programme for young women aged 13 to 17.",
    ),
]


def load(apps, schema_editor):
    Agency = apps.get_model("reference", "Agency")
    Area = apps.get_model("reference", "Area")
    ReferralService = apps.get_model("referrals", "ReferralService")
    Agency.objects.get_or_create(name=CHOICES_AGENCY, defaults={"type": "youth_service"})
    for code, name, kind, agency, areas, days, working, phone, note in SERVICES:
        service, _ = ReferralService.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "agency": Agency.objects.get(name=agency),
                "response_days": days,
                "working_days": working,
                "phone": phone,
                "contact_note": note,
            },
        )
        service.areas.set(Area.objects.filter(code__in=areas))


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
