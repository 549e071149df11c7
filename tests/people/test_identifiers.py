from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mace.people.identifiers import (
    nhs_number_error,
    nhs_number_with_check,
    upn_error,
    upn_with_check,
)


def test_it_accepts_a_valid_nhs_number_with_spaces():
    assert nhs_number_error("943 476 5919") is None


def test_it_refuses_an_nhs_number_whose_check_digit_is_wrong():
    assert "check digit" in nhs_number_error("9434765918")


def test_it_refuses_an_nhs_number_of_the_wrong_length():
    assert "10 digits" in nhs_number_error("94347659")


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_every_completed_nhs_number_passes_and_any_other_last_digit_fails(nine):
    full = nhs_number_with_check(nine)
    if full is None:  # no check digit exists (remainder gives 10): no valid number
        assert all(nhs_number_error(nine + str(d)) for d in range(10))
        return
    assert nhs_number_error(full) is None
    for d in range(10):
        if str(d) != full[-1]:
            assert nhs_number_error(nine + str(d)) is not None


def test_it_accepts_a_valid_upn_and_refuses_a_wrong_check_letter():
    upn = upn_with_check("881234524001")
    assert upn_error(upn) is None
    wrong = ("B" if upn[0] != "B" else "C") + upn[1:]
    assert "check letter" in upn_error(wrong)


def test_it_explains_a_upn_of_the_wrong_shape():
    assert "13 characters" in upn_error("A12345")
    assert "check letter followed by 11 digits" in upn_error("1234567890123")
