"""Invented words for the demo data set: forenames, surnames, streets and house names, the towns
and relative sizes of the council areas, and the sentences concerns are written in.

Everything here is invented: forenames are unusual-but-plausible, surnames are made-up compounds,
streets do not exist, and postcodes pair a real outward code (so addresses place into districts
and quadrants) with an invented inward code starting 9Z (INWARD_LETTERS).
"""

from __future__ import annotations

from mace.reference import data as reference_data


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def weights(text: str) -> dict[str, float]:
    """'a=3 b=1' as {'a': 3.0, 'b': 1.0}."""
    return {key: float(n) for key, n in (item.split("=") for item in text.split())}


GIRLS = _words(
    """
    Zephyrine Marigold Ember Wrenna Isolde Calliope Persephone Saffron Juniper Clementine
    Ottilie Araminta Lark Seraphina Thessaly Briony Delphine Elowen Fenella Griselda Hesper
    Imogen Jessamy Kestrel Lavinia Mirabel Nerissa Oriel Perdita Quintessa Rosamund
    Sabrielle Tamsin Ursula Verity Winifred Xanthe Yseult Zinnia Amaryllis Bryony Coralie
    Damaris Esmeralda Florentine Genevieve Honora Ianthe Jonquil Leocadia Melisande Ondine
    Philippa Roswitha Sidonie Theodora
    """
)
BOYS = _words(
    """
    Quillon Tobiah Caspian Lysander Peregrine Thaddeus Evander Orrin Fennick Barnaby
    Ignatius Cosmo Leopold Alaric Crispin Ansel Jericho Benedict Cassius Dashiell Ephraim
    Florian Gideon Hollis Isidore Jasper Kit Lucian Marcellus Nye Octavian Piers Rafferty
    Silas Tarquin Ulysses Valentine Wystan Xavier Zebedee Aurelio Bartholomew Cornelius
    Desmond Eustace Fitzroy Gulliver Horatio
    """
)
NEUTRAL = _words(
    """
    Rowan Sparrow Indigo Onyx Sage Wren Bramwell Linden
    """
)
NICKNAMES = _words(
    """
    Pip Bee Dot Kip Moth Fig Tully Bram Scout Jinx
    """
)

SURNAME_STARTS = _words(
    """
    Amber Bramble Copper Dapple Elder Fennel Gorse Hazel Juniper Kettle Larch Moss Nettle
    Otter Pebble Quill Rook Sorrel Tansy Umber Vetch Willow Yarrow Thistle Wren Marrow
    Crumble Fiddle Bracken Cobble Wobble Puddle Tumble Hollow Lantern Muddle
    """
)
SURNAME_ENDS = _words(
    """
    wick bottom thwaite whistle combe hollow stead feather worth brook gate more ridge dale
    shaw thorpe beck moss spindle kettle quill by
    """
)
STREET_STARTS = _words(
    """
    Moonpenny Gullwing Quaywhistle Lanternfish Cobwebb Hobnail Periwinkle Thimble Snapdragon
    Buttercrumb Mizzle Dandelion Wishbone Kingfisher Pumpernickel Starling Tinderbox
    Marzipan Fiddlehead Gingerwhisk Saltpetre Whirligig Crinkle Owlbrook
    """
)
STREET_ENDS = _words(
    """
    Lane Close Crescent Way Mews Row Drive Gardens Walk Rise Grove Court
    """
)
HOUSE_NAMES = _words(
    """
    Tumbledown Larkspur Hartwell Foxglove Nightjar Merriweather
    """
)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters real inward codes use (no C, I, K, M, O, V)

TOWNS = {code: name for code, name, _ in reference_data.DISTRICTS} | {
    "southend": "Southend-on-Sea",
    "thurrock": "Grays",
}
# Relative sizes of the council areas' child populations (rounded, for shape only).
AREA_WEIGHTS = weights(
    """
    basildon=9 braintree=8 brentwood=4 castle-point=4 chelmsford=9 colchester=10
    epping-forest=7 harlow=5 maldon=3 rochford=4 tendring=8 uttlesford=4 southend=9 thurrock=9
    """
)
QUADRANT_OF = {code: quadrant for code, _, quadrant in reference_data.DISTRICTS}

OPENINGS = (
    "{name} was seen by staff and appeared withdrawn and tired.",
    "{name}'s carer called to say {name} had not come home until the early hours.",
    "A teacher raised concerns after {name} missed several lessons this week.",
    "{name} said that an older friend had been giving them lifts after school.",
    "Staff noticed {name} with a new phone that they could not explain.",
    "{name} was found in a part of town they have no reason to visit.",
    "Another young person told staff they were worried about {name}.",
    "{name} attended an appointment with an adult who would not give their name.",
)
CLOSINGS = (
    "Strategy discussion requested.",
    "Referred on for an assessment of the risk of exploitation.",
    "Shared with the MACE coordinator for the quadrant.",
    "Parent informed and a safety plan discussed.",
    "Information shared under the partnership's information-sharing agreement.",
    "To be reviewed at the next supervision.",
)
INDICATOR_NOTES = (
    "Mentioned during a home visit",
    "Raised by school staff",
    "Noted at a health appointment",
    "Seen during a welfare check",
    "Recorded after a return home conversation",
    "Reported by a neighbour",
)
