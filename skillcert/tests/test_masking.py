import pytest

from skillcert.lib.masking import mask_id_number, mask_name, mask_phone


def test_id_number_keeps_region_and_last_four():
    assert mask_id_number("150102198503150015") == "1501**********0015"


def test_mobile_keeps_prefix_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


def test_office_phone_keeps_area_code():
    assert mask_phone("0471-3956299") == "0471-*****99"


@pytest.mark.parametrize(("name", "masked"), [("张三", "张*"), ("欧阳明月", "欧***"), ("李", "*")])
def test_name_keeps_the_first_character(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_name])
def test_nothing_to_mask_gives_empty(mask):
    assert mask(None) == ""
    assert mask("") == ""


def test_short_values_are_fully_masked():
    assert mask_id_number("1234") == "****"
