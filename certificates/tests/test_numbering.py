"""The national 证书编号: one letter and 21 digits in the order of 人社鉴发〔2019〕2号."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certificates.numbering import Body, certificate_number, normalise_number, parse_certificate_number

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
bodies = st.builds(
    Body,
    kind=st.sampled_from(["S", "Y"]),
    filing=st.text("0123456789", min_size=4, max_size=4),
    province=st.text("0123456789", min_size=2, max_size=2),
    code=st.text("0123456789", min_size=6, max_size=6),
)


@given(bodies, st.integers(2000, 2099), st.integers(1, 5), st.integers(1, 999_999))
def test_a_number_is_a_letter_and_21_digits_that_parse_back(body, year, level, serial):
    number = certificate_number(body, year, level, serial)
    assert len(number) == 22 and number[0] in "SY" and number[1:].isdigit()
    parsed = parse_certificate_number(number)
    assert parsed is not None
    assert (parsed.kind, parsed.filing, parsed.province, parsed.body_code) == (
        body.kind,
        body.filing,
        body.province,
        body.code,
    )
    assert (parsed.year, parsed.level, parsed.serial) == (year % 100, level, serial)


@given(bodies, st.integers(2000, 2099), st.integers(1, 5), st.integers(1, 999_998))
def test_consecutive_serials_give_distinct_ordered_numbers(body, year, level, serial):
    first = certificate_number(body, year, level, serial)
    second = certificate_number(body, year, level, serial + 1)
    assert first != second and first < second


def test_the_inner_mongolia_example():
    body = Body("S", "0000", "15", "150001")
    assert certificate_number(body, 2023, 3, 1) == "S000015150001233000001"


@pytest.mark.parametrize(
    "args",
    [(1999, 3, 1), (2100, 3, 1), (2023, 0, 1), (2023, 6, 1), (2023, 3, 0), (2023, 3, 1_000_000)],
)
def test_out_of_range_parts_are_refused(args):
    with pytest.raises(ValueError):
        certificate_number(Body("S", "0000", "15", "150001"), *args)


@pytest.mark.parametrize(
    "kind,filing,province,code",
    [
        ("X", "0000", "15", "150001"),
        ("S", "000", "15", "150001"),
        ("S", "0000", "1a", "150001"),
        ("S", "0000", "15", "15001"),
    ],
)
def test_a_misconfigured_body_is_refused(kind, filing, province, code):
    with pytest.raises(ValueError):
        Body(kind, filing, province, code)


def test_what_visitors_type_is_normalised():
    assert normalise_number(" s0000-1515 0001 233000001 ") == "S000015150001233000001"
    assert parse_certificate_number("S00001515000123 6000001") is None  # level 6 does not exist
    assert parse_certificate_number("not a number") is None
