"""Links: two distinct ends (a record and another record or a child), a relationship that fits
them, a source, a date and a 3x5x2 grading; never recorded twice from the same source; a link
to a child goes on the child's chronology; and the database refuses what the service would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from mace.concerns.services import IndicatorSeen, RouteTo, concern_record
from mace.core.errors import DomainError, Refused
from mace.intelligence.choices import Belief
from mace.intelligence.models import Link
from mace.people.choices import EntryKind
from mace.people.models import AgencyInvolvement, ChronologyEntry
from mace.reference.models import Agency
from tests.factories import ChildFactory
from tests.intelligence import link, location, person, phone, today, vehicle


@pytest.fixture
def mordecai(alice):  # type: ignore[no-untyped-def]
    return person(alice)


def test_a_child_seen_with_a_person_is_linked_and_goes_on_the_chronology(alice, child, mordecai):
    made = link(alice, mordecai, child=child, note="Seen at the bus station together")
    assert (made.child, made.subject, made.target_id) == (child, None, mordecai.pk)
    assert made.source_agency == alice.agency and made.agency == alice.agency
    entry = ChronologyEntry.objects.get(child=child, kind=EntryKind.NOTE)
    assert (
        entry.title == "Linked to a person of concern by Essex Children and Families (social care)"
    )
    # The chronology is read by every agency working with the child: it says what kind of
    # record and how far it is believed, never who.
    assert "Mordecai" not in entry.body
    assert "Zephyrine was seen with a person of concern (established)" in entry.body
    assert entry.occurred_at.date() == made.information_date


def test_linking_a_child_involves_the_linking_agency(bob, chair, child, alice):
    # The police chair cannot see the child until police are involved: linking needs sight.
    car = vehicle(chair)
    with pytest.raises(Refused):
        link(chair, car, child=child, relationship="given_lifts_by")
    AgencyInvolvement.objects.create(child=child, agency=chair.agency, reason="allocated")
    link(chair, car, child=child, relationship="given_lifts_by")
    assert AgencyInvolvement.objects.filter(child=child, agency=chair.agency).exists()


def test_records_are_linked_in_the_direction_the_relationship_reads(alice, mordecai):
    car = vehicle(alice)
    made = link(alice, car, subject=mordecai, relationship="uses")
    assert (made.subject_id, made.target_id) == (mordecai.pk, car.pk)
    assert not ChronologyEntry.objects.exists()


def test_a_symmetric_link_is_stored_one_way_round_so_the_reverse_is_a_duplicate(alice, mordecai):
    other = person(alice, name="Barnabus Grimsditch")
    first = link(alice, mordecai, subject=other, relationship="associated_with")
    assert (first.subject_id, first.target_id) == (mordecai.pk, other.pk)
    with pytest.raises(DomainError) as excinfo:
        link(alice, other, subject=mordecai, relationship="associated_with")
    assert "already recorded" in excinfo.value.errors["__all__"][0]


def test_the_same_information_from_another_source_or_day_is_another_link(alice, child, mordecai):
    link(alice, mordecai, child=child)
    with pytest.raises(DomainError):
        link(alice, mordecai, child=child, intelligence_assessment="A")  # regrading is not new
    link(alice, mordecai, child=child, days_ago=10)
    link(alice, mordecai, child=child, source_kind="child")
    link(alice, mordecai, child=child, source_agency=Agency.objects.get(name="Essex Police"))
    assert Link.objects.count() == 4


def test_a_relationship_must_fit_the_kinds_it_joins(alice, child, mordecai):
    car = vehicle(alice)
    with pytest.raises(DomainError) as excinfo:
        link(alice, car, child=child, relationship="lives_at")
    assert excinfo.value.errors["relationship"] == ["“lives at” does not link a child to a vehicle"]
    with pytest.raises(DomainError) as excinfo:
        link(alice, mordecai, subject=car, relationship="nonsense")
    assert excinfo.value.errors["relationship"] == ["Choose how they are linked"]


def test_a_record_cannot_be_linked_to_itself(alice, mordecai):
    with pytest.raises(DomainError) as excinfo:
        link(alice, mordecai, subject=mordecai, relationship="associated_with")
    assert excinfo.value.errors["target"] == ["A record cannot be linked to itself"]


def test_a_link_has_exactly_one_subject(alice, child, mordecai):
    car = vehicle(alice)
    with pytest.raises(DomainError):
        link(alice, mordecai, subject=car, child=child)
    with pytest.raises(DomainError):
        link(alice, mordecai)


def test_the_grading_is_whole_and_conditions_come_with_handling_code_c(alice, child, mordecai):
    with pytest.raises(DomainError) as excinfo:
        link(
            alice, mordecai, child=child, source_evaluation="2", intelligence_assessment="",
            handling_code="C", information_date=None,
        )  # fmt: skip
    errors = excinfo.value.errors
    assert errors["intelligence_assessment"] == [
        "Grade both the source (1 to 3) and the information (A to E), or neither yet"
    ]
    assert errors["handling_conditions"] == ["Say what the conditions on sharing are"]
    assert not Link.objects.exists() and not ChronologyEntry.objects.exists()


def test_a_future_date_and_unknown_codes_are_refused(alice, child, mordecai):
    with pytest.raises(DomainError) as excinfo:
        link(
            alice, mordecai, child=child, days_ago=-2, source_kind="gossip",
            source_evaluation="4", intelligence_assessment="F", handling_code="X",
        )  # fmt: skip
    errors = excinfo.value.errors
    assert errors["information_date"] == ["The date must be today or in the past"]
    assert set(errors) >= {"source_kind", "source_evaluation", "intelligence_assessment"}
    assert errors["handling_code"] == ["Choose the handling code: P or C"]


@pytest.mark.parametrize(
    ("evaluation", "assessment", "belief", "fact"),
    [
        ("1", "A", Belief.ESTABLISHED, True),
        ("2", "B", Belief.ESTABLISHED, True),
        ("3", "A", Belief.REPORTED, False),  # known directly, but to an unreliable source
        ("1", "C", Belief.REPORTED, False),
        ("2", "D", Belief.UNCONFIRMED, False),
        ("1", "E", Belief.DOUBTED, False),
        ("", "", Belief.UNGRADED, False),
    ],
)
def test_only_a_or_b_from_a_source_not_unreliable_reads_as_fact(
    alice, child, mordecai, evaluation, assessment, belief, fact
):
    made = link(
        alice, mordecai, child=child, source_evaluation=evaluation,
        intelligence_assessment=assessment,
    )  # fmt: skip
    assert made.belief == belief and made.presented_as_fact is fact


def test_the_grading_reads_in_words(alice, child, mordecai):
    made = link(
        alice, mordecai, child=child, source_evaluation="2", intelligence_assessment="C",
        handling_code="C", handling_conditions="Not to be shared outside MACE",
    )  # fmt: skip
    assert made.grading_code == "2 / C / C"
    assert made.grading_words == (
        "The source is untested; the source knew it indirectly and it is not corroborated. "
        "Sharing permitted with conditions: Not to be shared outside MACE"
    )
    ungraded = link(alice, mordecai, child=child, source_evaluation="", intelligence_assessment="",
                    days_ago=9)  # fmt: skip
    assert ungraded.grading_words.startswith("Not graded yet: treat as unconfirmed.")


def test_a_link_keeps_a_pointer_to_the_concern_it_came_from(alice, child, mordecai):
    concern = concern_record(
        actor=alice, child=child, narrative="Seen with an older man (fictional).",
        indicators=[IndicatorSeen("older-associates", today(), "observed")],
        routes=[RouteTo("police", today() + dt.timedelta(days=3))],
    )  # fmt: skip
    made = link(alice, mordecai, child=child, origin=concern)
    assert made.origin == concern


def test_a_concern_about_another_child_is_not_a_links_origin(alice, child, csc, mordecai):
    other = ChildFactory(involved=[csc])
    concern = concern_record(
        actor=alice, child=other, narrative="Fictional.",
        indicators=[IndicatorSeen("older-associates", today(), "observed")],
        routes=[RouteTo("police", today() + dt.timedelta(days=3))],
    )  # fmt: skip
    with pytest.raises(DomainError) as excinfo:
        link(alice, mordecai, child=child, origin=concern)
    assert excinfo.value.errors["origin"] == ["That concern is about another child"]


def test_a_concern_the_linker_may_not_read_is_not_a_links_origin(alice, bob, child, csc):
    concern = concern_record(
        actor=alice, child=child, narrative="Fictional and restricted.",
        indicators=[IndicatorSeen("older-associates", today(), "observed")],
        routes=[RouteTo("police", today() + dt.timedelta(days=3))],
        restricted=True, restriction_reason="disclosure",
    )  # fmt: skip
    AgencyInvolvement.objects.create(child=child, agency=bob.agency, reason="allocated")
    target = person(bob)
    with pytest.raises(DomainError) as excinfo:
        link(bob, target, child=child, origin=concern)
    assert excinfo.value.errors["origin"] == ["The link cannot come from that record"]


def test_a_district_officer_links_records_in_their_district_but_never_children(district, child):
    hotel = location(district)
    mordecai = person(district, area=hotel.area)
    link(district, hotel, subject=mordecai, relationship="goes_to")
    with pytest.raises(Refused):
        link(district, hotel, child=child, relationship="found_at")
    number = phone(_full_user())
    with pytest.raises(Refused):
        link(district, number, subject=mordecai, relationship="uses")


def _full_user():  # type: ignore[no-untyped-def]
    from mace.accounts.choices import Role
    from tests.factories import UserFactory, agency

    return UserFactory(agency=agency("Essex Police"), roles=[Role.PRACTITIONER])


def test_an_analyst_links_nothing(alice, analyst, mordecai):
    car = vehicle(alice)
    with pytest.raises(Refused):
        link(analyst, car, subject=mordecai, relationship="uses")


# --- what the database itself refuses ---------------------------------------------------------


def _raw(**fields):  # type: ignore[no-untyped-def]
    values = {
        "relationship": "seen_with",
        "information_date": today(),
        "source_kind": "officer",
        "handling_code": "P",
    } | fields
    with transaction.atomic():
        return Link.objects.create(**values)


def test_the_database_refuses_a_link_without_two_distinct_ends(alice, child, mordecai):
    base = {"source_agency": alice.agency, "agency": alice.agency, "created_by": alice}
    with pytest.raises(IntegrityError):
        _raw(target=mordecai.record, **base)
    with pytest.raises(IntegrityError):
        _raw(target=mordecai.record, subject=mordecai.record, child=child, **base)
    with pytest.raises(IntegrityError):
        _raw(target=mordecai.record, subject=mordecai.record, **base)


def test_the_database_refuses_half_a_grading_or_a_duplicate(alice, child, mordecai):
    base = {"source_agency": alice.agency, "agency": alice.agency, "created_by": alice}
    with pytest.raises(IntegrityError):
        _raw(target=mordecai.record, child=child, source_evaluation="1", **base)
    with pytest.raises(IntegrityError):
        _raw(target=mordecai.record, child=child, handling_code="C", **base)
    _raw(target=mordecai.record, child=child, **base)
    with pytest.raises(IntegrityError):
        _raw(target=mordecai.record, child=child, **base)
