from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from skillcert.lib.identity import InvalidIdentity, looks_like_id_number, parse_id_number, parse_mobile


def with_check_digit(first17: str) -> str:
    return first17 + ric.calc_check_digit(first17 + "0")  # it ignores the last digit


def test_a_valid_number_gives_birth_date_and_gender():
    person = parse_id_number("11010519491231002X")
    assert person.number == "11010519491231002X"
    assert person.birth_date == date(1949, 12, 31)
    assert person.gender == "female"  # 17th digit 2 is even


def test_lower_case_x_and_spaces_are_normalised():
    assert parse_id_number(" 110105 19491231002x ").number == "11010519491231002X"


def test_odd_17th_digit_is_male():
    assert parse_id_number(with_check_digit("15010219850315001")).gender == "male"


def test_wrong_check_digit_is_refused_with_a_clear_message():
    with pytest.raises(InvalidIdentity, match="校验位"):
        parse_id_number("110105194912310021")


def test_impossible_birth_date_is_refused():
    with pytest.raises(InvalidIdentity, match="出生日期不存在"):
        parse_id_number(with_check_digit("11010519490231002"))  # 31 February


def test_birth_date_in_the_future_is_refused():
    with pytest.raises(InvalidIdentity, match="出生日期不合理"):
        parse_id_number(with_check_digit("11010520300101002"), today=date(2026, 11, 25))


def test_fifteen_digit_legacy_number_is_refused_with_an_explanation():
    with pytest.raises(InvalidIdentity, match="15 位旧版"):
        parse_id_number("110105491231002")


@pytest.mark.parametrize("value", ["", "abc", "1101051949123100", "11010519491231002Y", "1101051949123100211"])
def test_malformed_numbers_are_refused(value):
    with pytest.raises(InvalidIdentity):
        parse_id_number(value)


def test_unknown_region_code_is_refused():
    with pytest.raises(InvalidIdentity):
        parse_id_number(with_check_digit("99010519491231002"))


@given(
    st.dates(min_value=date(1940, 1, 1), max_value=date(2008, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_every_well_formed_number_round_trips(birth, sequence):
    number = with_check_digit(f"110105{birth:%Y%m%d}{sequence:03d}")
    person = parse_id_number(number, today=date(2026, 11, 25))
    assert person.birth_date == birth
    assert person.gender == ("male" if sequence % 2 else "female")
    assert looks_like_id_number(number)


@pytest.mark.parametrize("value", ["13800000001", "138 0000 0001", "+8613800000001", "19912345678"])
def test_mobile_numbers_are_accepted_and_normalised(value):
    assert len(parse_mobile(value)) == 11


@pytest.mark.parametrize("value", ["", "12345678901", "1380000000", "0471-3956299", "138000000012"])
def test_bad_mobile_numbers_are_refused(value):
    with pytest.raises(InvalidIdentity, match="11 位"):
        parse_mobile(value)
