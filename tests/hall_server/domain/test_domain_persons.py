"""ID numbers (GB 11643 MOD 11-2), keyed hashing and masking. All numbers are synthetic
or the standard's own examples."""
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from hall_server.domain.persons import (
    hash_id, id_check_char, mask_id, mask_name, normalize_id, validate_id_number,
)

KEY = b"test-hall-key"


def make_id(first17: str) -> str:
    return first17 + id_check_char(first17)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_standard_examples_are_valid(number):  # domain.md §5.1 ID-02 test vectors
    assert validate_id_number(number)


def test_lowercase_x_and_surrounding_spaces_are_accepted():
    assert validate_id_number(" 11010519491231002x ")


@pytest.mark.parametrize("number", [
    "11010519491231002Y",    # not a check character
    "110105194912310021",    # wrong check digit
    "11010519491231002",     # 17 characters
    "11010519491231002XX",   # 19 characters
    "1101051949123100２X",   # a full-width digit
    "",
])
def test_malformed_numbers_are_invalid(number):
    assert not validate_id_number(number)


@pytest.mark.parametrize("birth", ["19490230", "19491301", "17991231", "20000000"])
def test_impossible_birth_dates_are_invalid_even_with_a_right_check(birth):
    assert not validate_id_number(make_id("110105" + birth + "002"))


def test_birth_date_after_today_is_invalid_when_today_is_given():
    number = make_id("110105" + "20300101" + "002")
    assert validate_id_number(number)
    assert not validate_id_number(number, today=date(2026, 11, 21))
    assert validate_id_number(make_id("110105" + "20261121" + "002"), today=date(2026, 11, 21))


def test_residence_permit_and_permanent_residence_layouts():  # ID-03
    assert validate_id_number(make_id("810000" + "19900101" + "001"))
    assert validate_id_number(make_id("911156" + "19850315" + "003"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=24))
def test_validation_never_crashes_on_any_text(text):
    assert validate_id_number(text) in (True, False)


@settings(max_examples=200, deadline=None)
@given(st.integers(110000, 999999), st.dates(date(1900, 1, 1), date(2026, 1, 1)), st.integers(0, 999),
       st.sampled_from("0123456789X"))
def test_exactly_one_check_character_fits(address, born, sequence, check):
    first17 = f"{address}{born:%Y%m%d}{sequence:03d}"
    assert validate_id_number(first17 + check) == (check == id_check_char(first17))


def test_hash_is_keyed_stable_and_normalised():
    a = hash_id("11010519491231002X", KEY)
    assert a == hash_id("11010519491231002x", KEY) == hash_id(" 11010519491231002X", KEY)
    assert len(a) == 64 and int(a, 16) >= 0
    assert a != hash_id("11010519491231002X", b"another-hall")
    assert a != hash_id("440524188001010014", KEY)
    assert "11010519491231002X" not in a


def test_hash_refuses_an_empty_key():
    with pytest.raises(ValueError):
        hash_id("11010519491231002X", b"")


def test_mask_id_keeps_first_and_last_four():
    assert mask_id("37010519491231123x") == "3701**********123X"
    assert mask_id("370105491231123") == "3701*******1123"
    assert mask_id("1234") == "1**4"
    assert mask_id("12") == "**"
    assert normalize_id(" 12x ") == "12X"


@pytest.mark.parametrize("name, masked", [
    ("张三", "张*"), ("李四", "李*"), ("张三丰", "张**"), ("欧阳娜娜", "欧阳**"), ("欧阳修", "欧阳*"),
    ("欧阳", "欧*"), ("诸葛亮", "诸葛*"), ("买买提·艾力", "买**·**"), ("Maria Garcia", "Maria*"),
    ("Maria", "M*"), ("  王五 ", "王*"), ("", ""),
])
def test_mask_name(name, masked):
    assert mask_name(name) == masked


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=2, max_size=6))
def test_masked_chinese_name_shows_at_most_the_surname(name):
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked.count("*") >= len(name) - 2 and masked[-1] == "*"
