"""The first version of the instrument and the default review intervals, loaded by a migration.
Administrators revise the instrument afterwards as a new version (docs/assessments.md); this
module is only ever the starting point, and version 1 as loaded is never changed.

The four seed groups repeat the codes and labels of the concern indicators in
mace.reference.data.INDICATORS (a test keeps them in step), so a concern's indicators and an
assessment's line up. The exploitation sections and the vulnerabilities are the SET tool's
areas, in plain words; `actual` marks indicators that the child is being exploited rather than
at risk of it."""

from __future__ import annotations

from typing import Any

INSTRUMENT_NAME = "SET CSE Risk and Vulnerabilities Assessment"
FIRST_VERSION = "1"

# (code, title, hint, [(code, label, actual exploitation?), ...])
SECTIONS: list[tuple[str, str, str, list[tuple[str, str, bool]]]] = [
    (
        "behaviour",
        "Behaviour",
        "Changes in how the child behaves and who they spend time with",
        [
            ("disruptive-or-hostile", "Disruptive or hostile behaviour", False),
            ("older-associates", "Associating with older men or women", False),
            ("behaviour-change", "A marked change in behaviour", False),
        ],
    ),
    (
        "health",
        "Health and mental health",
        "",
        [
            ("concealed-marks", "Marks or scars they try to conceal", False),
            ("sexual-health", "Increased health or sexual health problems", False),
            ("mental-health-change", "A change in mental health", False),
        ],
    ),
    (
        "online_school",
        "Online, school and risk-taking",
        "",
        [
            ("concealed-internet", "Concealing their use of the internet", False),
            ("school-exclusion", "Exclusion from school", False),
            ("unexplained-absence", "Unexplained absences", False),
            (
                "sexualised-risk-taking",
                "Sexualised risk-taking, including online or on mobiles",
                False,
            ),
            ("gang-association", "Association with gangs", False),
        ],
    ),
    (
        "possessions",
        "Possessions",
        "",
        [
            ("unexplained-money", "Unexplained amounts of money or credit", False),
            ("unexplained-gifts", "Unexplained gifts", False),
            ("multiple-phones", "Several phones or SIM cards", False),
            ("unknown-keys", "Hotel keys or keys to unknown premises", False),
        ],
    ),
    (
        "sexual",
        "Sexual exploitation",
        "Signs that the child is being, or is being prepared to be, sexually exploited",
        [
            (
                "sexual-exchange",
                "Sexual activity in exchange for money, drugs, gifts, a place to stay or status",
                True,
            ),
            (
                "sexual-abuse-disclosed",
                "Has disclosed sexual abuse by someone exploiting them",
                True,
            ),
            ("moved-for-sex", "Taken or moved between places to be sexually exploited", True),
            ("older-partner", "A much older boyfriend or girlfriend", False),
            ("parties-with-adults", "Goes to parties or addresses with unknown adults", False),
            (
                "pregnancy-or-termination",
                "Pregnancy or a termination, with an older partner",
                False,
            ),
        ],
    ),
    (
        "criminal",
        "Criminal exploitation",
        "Signs that the child is being used by others to commit crime, including county lines",
        [
            ("drug-running", "Carrying, holding or selling drugs for others", True),
            ("weapon-carrying", "Carrying or hiding weapons for others", True),
            ("debt-bondage", "In debt to others and made to work it off", True),
            ("home-taken-over", "Their home or a family home used by others to deal drugs", True),
            ("found-out-of-area", "Found out of area without explanation", False),
            (
                "stopped-with-adults",
                "Stopped or arrested with older people involved in crime",
                False,
            ),
            ("unexplained-injuries", "Injuries from violence they will not explain", False),
        ],
    ),
    (
        "online",
        "Online exploitation",
        "",
        [
            ("images-shared-or-demanded", "Sexual images of them shared, sold or demanded", True),
            ("coerced-on-camera", "Made to perform sexual acts on camera or a live stream", True),
            ("recruited-online", "Recruited online to carry drugs or move money", True),
            ("groomed-online", "Being groomed online by someone they have not met", False),
            ("meeting-online-contacts", "Meets people they first met online", False),
        ],
    ),
]

# (code, label, learning disability?)
VULNERABILITIES: list[tuple[str, str, bool]] = [
    ("learning-disability", "Learning disability or difficulty", True),
    ("looked-after", "Looked after by the local authority, or a care leaver", False),
    ("missing", "Has gone missing or been absent", False),
    ("previous-abuse", "Has been abused before (sexual, physical or emotional)", False),
    ("domestic-abuse", "Lives with, or has lived with, domestic abuse", False),
    ("substance-misuse", "Misuses drugs or alcohol", False),
    ("mental-health", "Mental health needs or self-harm", False),
    ("not-in-education", "Not in education, excluded or on a reduced timetable", False),
    ("isolated", "Socially isolated or bereaved", False),
    ("sexuality", "Unsure about, or unable to talk about, their sexuality", False),
    ("family-difficulties", "Parents' or carers' own difficulties", False),
    ("unstable-housing", "Homeless or in unstable accommodation", False),
    ("trafficked-or-asylum", "Unaccompanied asylum-seeking, or trafficked into the UK", False),
    ("physical-disability", "Physical disability or sensory impairment", False),
]

# Review intervals by level: high 6 weeks, medium 3 months, low 6 months (the partnership's
# defaults; administrators change them in the admin).
REVIEW_INTERVALS: list[tuple[str, int, str]] = [
    ("high", 6, "weeks"),
    ("medium", 3, "months"),
    ("low", 6, "months"),
]


def load(apps: Any) -> None:
    """Create version 1 in force and the review intervals, unless they exist; safe to run again."""
    Instrument = apps.get_model("assessments", "Instrument")
    Section = apps.get_model("assessments", "InstrumentSection")
    Indicator = apps.get_model("assessments", "InstrumentIndicator")
    Vulnerability = apps.get_model("assessments", "InstrumentVulnerability")
    ReviewInterval = apps.get_model("assessments", "ReviewInterval")

    instrument, created = Instrument.objects.get_or_create(
        name=INSTRUMENT_NAME,
        version=FIRST_VERSION,
        defaults={
            "status": "in_force",
            "in_force_from": "2017-02-01",
            "current_window_months": 3,
            "previous_window_months": 6,
            "source": "Southend, Essex and Thurrock (SET) CSE and Missing arrangements",
            "notes": "The tool as the partnership first adopted it on the platform.",
        },
    )
    if created:
        for order, (code, title, hint, items) in enumerate(SECTIONS):
            section = Section.objects.create(
                instrument=instrument, code=code, title=title, hint=hint, order=order
            )
            for n, (item_code, label, actual) in enumerate(items):
                Indicator.objects.create(
                    section=section,
                    code=item_code,
                    label=label,
                    order=n,
                    actual_exploitation=actual,
                )
        for order, (code, label, learning) in enumerate(VULNERABILITIES):
            Vulnerability.objects.create(
                instrument=instrument,
                code=code,
                label=label,
                order=order,
                learning_disability=learning,
            )
    for level, amount, unit in REVIEW_INTERVALS:
        ReviewInterval.objects.get_or_create(level=level, defaults={"amount": amount, "unit": unit})
