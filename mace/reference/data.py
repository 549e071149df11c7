"""The starting reference data. Migrations load it; administrators edit it afterwards.

Postcode districts are public geography (outward codes), placed in the council area that holds
most of each; a district that straddles a boundary can be corrected in the admin, and any single
address can be placed by hand."""

from __future__ import annotations

from typing import Any

QUADRANTS = [("mid", "Mid"), ("north", "North"), ("south", "South"), ("west", "West")]

# (code, name, quadrant code or None for unitary councils)
DISTRICTS = [
    ("basildon", "Basildon", "south"),
    ("braintree", "Braintree", "mid"),
    ("brentwood", "Brentwood", "south"),
    ("castle-point", "Castle Point", "south"),
    ("chelmsford", "Chelmsford", "mid"),
    ("colchester", "Colchester", "north"),
    ("epping-forest", "Epping Forest", "west"),
    ("harlow", "Harlow", "west"),
    ("maldon", "Maldon", "mid"),
    ("rochford", "Rochford", "south"),
    ("tendring", "Tendring", "north"),
    ("uttlesford", "Uttlesford", "west"),
]
UNITARIES = [("southend", "Southend-on-Sea"), ("thurrock", "Thurrock")]

POSTCODE_DISTRICTS = {
    "basildon": ["CM11", "CM12", "SS11", "SS12", "SS13", "SS14", "SS15", "SS16"],
    "braintree": ["CM7", "CM77", "CM8", "CO9"],
    "brentwood": ["CM13", "CM14", "CM15", "CM4"],
    "castle-point": ["SS7", "SS8"],
    "chelmsford": ["CM1", "CM2", "CM3"],
    "colchester": ["CO1", "CO2", "CO3", "CO4", "CO5", "CO6"],
    "epping-forest": ["CM16", "CM5", "IG10", "IG7", "EN9"],
    "harlow": ["CM17", "CM18", "CM19", "CM20"],
    "maldon": ["CM9", "CM0"],
    "rochford": ["SS4", "SS5", "SS6"],
    "tendring": ["CO7", "CO11", "CO12", "CO13", "CO14", "CO15", "CO16"],
    "uttlesford": ["CB10", "CB11", "CM6", "CM22", "CM24"],
    "southend": ["SS0", "SS1", "SS2", "SS3", "SS9"],
    "thurrock": ["RM15", "RM16", "RM17", "RM18", "RM19", "RM20", "SS17"],
}

CODES = {
    "sex": [("M", "Male"), ("F", "Female"), ("U", "Unknown")],
    "gender": [("00", "Not known"), ("01", "Male"), ("02", "Female"), ("09", "Not specified")],
    "ethnicity": [
        ("WBRI", "White British"),
        ("WIRI", "White Irish"),
        ("WOTH", "Any other White background"),
        ("WIRT", "Traveller of Irish heritage"),
        ("WROM", "Gypsy/Roma"),
        ("MWBC", "White and Black Caribbean"),
        ("MWBA", "White and Black African"),
        ("MWAS", "White and Asian"),
        ("MOTH", "Any other mixed background"),
        ("AIND", "Indian"),
        ("APKN", "Pakistani"),
        ("ABAN", "Bangladeshi"),
        ("AOTH", "Any other Asian background"),
        ("BCRB", "Black Caribbean"),
        ("BAFR", "Black African"),
        ("BOTH", "Any other Black background"),
        ("CHNE", "Chinese"),
        ("OOTH", "Any other ethnic group"),
        ("REFU", "Refused"),
        ("NOBT", "Information not yet obtained"),
    ],
    "upn_unknown": [
        ("UN1", "Child is under 6 and not yet attending school"),
        ("UN2", "Child has never attended a school in England"),
        ("UN3", "Child is educated outside England"),
        ("UN4", "Child is new to the authority and the UPN is not yet known"),
        ("UN5", "Records do not agree on the UPN"),
    ],
    "referral_source": [
        ("1A", "Individual: family member, relative or carer"),
        ("1B", "Individual: acquaintance"),
        ("1C", "Individual: self"),
        ("1D", "Individual: other"),
        ("2A", "Schools"),
        ("2B", "Education services"),
        ("3A", "Health services: GP"),
        ("3B", "Health services: health visitor"),
        ("3C", "Health services: school nurse"),
        ("3D", "Health services: other primary health services"),
        ("3E", "Health services: A&E"),
        ("3F", "Health services: other"),
        ("4", "Housing"),
        ("5A", "Local authority services: social care"),
        ("5B", "Local authority services: other internal"),
        ("5C", "Local authority services: external"),
        ("5D", "Local authority services: youth services"),
        ("6", "Police"),
        ("7", "Other legal agency"),
        ("8", "Other"),
        ("9", "Anonymous"),
        ("10", "Unknown"),
    ],
}

_WHO = {
    "A": "concerns about the child",
    "B": "concerns about a parent or carer",
    "C": "concerns about another person in the household",
}


def _abc(number: str, topic: str, letters: str = "ABC") -> list[tuple[str, str]]:
    return [(f"{number}{letter}", f"{topic}: {_WHO[letter]}") for letter in letters]


CODES["assessment_factor"] = [
    *_abc("1", "Alcohol misuse"),
    *_abc("2", "Drug misuse"),
    *_abc("3", "Domestic abuse"),
    *_abc("4", "Mental health"),
    *_abc("5", "Learning disability"),
    *_abc("6", "Physical disability or illness"),
    ("7A", "Young carer"),
    ("8B", "Privately fostered: overseas child who intends to return"),
    ("8C", "Privately fostered: overseas child who intends to stay"),
    ("8D", "Privately fostered: UK child in an educational placement"),
    ("8E", "Privately fostered: UK child in a family arrangement"),
    ("8F", "Privately fostered: other"),
    ("9A", "Unaccompanied asylum-seeking child"),
    ("10A", "Going or being missing"),
    ("11A", "Child sexual exploitation"),
    ("12A", "Trafficking"),
    ("13A", "Gangs"),
    ("14A", "Socially unacceptable behaviour"),
    ("15A", "Self-harm"),
    ("16A", "Abuse or neglect: neglect"),
    ("17A", "Abuse or neglect: emotional abuse"),
    *_abc("18", "Abuse or neglect: physical abuse", "BC"),
    *_abc("19", "Abuse or neglect: sexual abuse", "BC"),
    ("20", "Other"),
    ("21", "No factors identified"),
    ("22A", "Female genital mutilation"),
    ("23A", "Abuse linked to faith or belief"),
    ("24A", "Child criminal exploitation"),
]

# The four groups of indicators in the Essex CSE arrangements.
INDICATORS = {
    "behaviour": [
        ("disruptive-or-hostile", "Disruptive or hostile behaviour"),
        ("older-associates", "Associating with older men or women"),
        ("behaviour-change", "A marked change in behaviour"),
    ],
    "health": [
        ("concealed-marks", "Marks or scars they try to conceal"),
        ("sexual-health", "Increased health or sexual health problems"),
        ("mental-health-change", "A change in mental health"),
    ],
    "online_school": [
        ("concealed-internet", "Concealing their use of the internet"),
        ("school-exclusion", "Exclusion from school"),
        ("unexplained-absence", "Unexplained absences"),
        ("sexualised-risk-taking", "Sexualised risk-taking, including online or on mobiles"),
        ("gang-association", "Association with gangs"),
    ],
    "possessions": [
        ("unexplained-money", "Unexplained amounts of money or credit"),
        ("unexplained-gifts", "Unexplained gifts"),
        ("multiple-phones", "Several phones or SIM cards"),
        ("unknown-keys", "Hotel keys or keys to unknown premises"),
    ],
}

DEFINITIONS = [
    {
        "version": "HO-2017",
        "title": "Home Office definition of child sexual exploitation (2017)",
        "status": "in_force",
        "source": "Home Office, 2017",
        "text": (
            "Child sexual exploitation is a form of child sexual abuse. It occurs where an "
            "individual or group takes advantage of an imbalance of power to coerce, manipulate or "
            "deceive a child or young person under the age of 18 into sexual activity (a) in "
            "exchange for something the victim needs or wants, and/or (b) the financial advantage "
            "or increased status of the perpetrator or facilitator. The victim may have been "
            "sexually exploited even if the sexual activity appears consensual. Child sexual "
            "exploitation does not always involve physical contact; it can also occur through the "
            "use of technology."
        ),
    },
    {
        "version": "HO-proposed",
        "title": "Proposed revised definition (Home Office consultation)",
        "status": "proposed",
        "source": "Home Office consultation on the definition of CSE",
        "text": (
            "Child sexual exploitation is a form of child abuse. It occurs where anyone under the "
            "age of 18 is persuaded, coerced or forced into sexual activity in exchange for, "
            "amongst other things, money, drugs/alcohol, gifts, affection or status. Consent is "
            "irrelevant, even where a child may believe they are voluntarily engaging in sexual "
            "activity with the person who is exploiting them. Child sexual exploitation does not "
            "always involve physical contact and may occur online."
        ),
    },
]

# (name, type, area code or None) — fictional agency names for the partnership's services.
AGENCIES: list[tuple[str, str, str | None]] = [
    ("Essex Police", "police", None),
    ("Essex Children and Families (social care)", "csc", None),
    ("Southend Children's Services", "csc", "southend"),
    ("Thurrock Children's Services", "csc", "thurrock"),
    ("Mid and South Essex Health Partners", "health", None),
    ("North East Essex Health Partners", "health", None),
    ("Essex Schools and Inclusion", "education", None),
    ("Essex Youth Service", "youth_service", None),
    ("CARE (Children at Risk of Exploitation)", "voluntary", None),
    *[(f"{name} District Council", "district_council", code) for code, name, _ in DISTRICTS],
    *[(f"{name} Community Safety Partnership", "csp", code) for code, name, _ in DISTRICTS],
]


def load(apps: Any) -> None:  # the historical app registry
    """Create or update the starting reference data; safe to run again."""
    Quadrant = apps.get_model("reference", "Quadrant")
    Area = apps.get_model("reference", "Area")
    PostcodeDistrict = apps.get_model("reference", "PostcodeDistrict")
    Agency = apps.get_model("reference", "Agency")
    Code = apps.get_model("reference", "Code")
    Indicator = apps.get_model("reference", "Indicator")
    Definition = apps.get_model("reference", "Definition")

    quadrants = {
        code: Quadrant.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in QUADRANTS
    }
    areas = {}
    for code, name, quadrant in DISTRICTS:
        areas[code] = Area.objects.get_or_create(
            code=code, defaults={"name": name, "kind": "district", "quadrant": quadrants[quadrant]}
        )[0]
    for code, name in UNITARIES:
        areas[code] = Area.objects.get_or_create(
            code=code, defaults={"name": name, "kind": "unitary", "quadrant": None}
        )[0]
    for area_code, outward_codes in POSTCODE_DISTRICTS.items():
        for outward in outward_codes:
            PostcodeDistrict.objects.get_or_create(
                outward_code=outward, defaults={"area": areas[area_code]}
            )
    for name, agency_type, agency_area in AGENCIES:
        Agency.objects.get_or_create(
            name=name,
            defaults={"type": agency_type, "area": areas[agency_area] if agency_area else None},
        )
    for list_name, values in CODES.items():
        for order, (code, label) in enumerate(values):
            Code.objects.get_or_create(
                list=list_name, code=code, defaults={"label": label, "order": order}
            )
    for group, indicators in INDICATORS.items():
        for order, (code, label) in enumerate(indicators):
            Indicator.objects.get_or_create(
                code=code, defaults={"group": group, "label": label, "order": order}
            )
    for definition in DEFINITIONS:
        Definition.objects.get_or_create(version=definition["version"], defaults=definition)
