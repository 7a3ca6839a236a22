"""GB 11643-1999 checks and masking (domain.md §5.1 ID-01…03, §4.3 MASK-02)."""
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

from kiosk.core.errors import IdNumberInvalid
from kiosk.core.identity import (IdCard, age_on, birth_date, check_character, mask_id_number, mask_name,
                                 validate_id_number)

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014"])
def test_standard_test_vectors_pass(number):
    assert validate_id_number(number, TODAY) == number


@pytest.mark.parametrize("text,reason", [
    ("11010519491231002", "length"),
    ("11010519491231002XX", "length"),
    ("1101051949123100AX", "characters"),
    ("１１０１０５１９４９１２３１００２X", "characters"),     # full-width digits
    ("110105194913310021", "birth_date"),                 # month 13
    ("110105203001010011", "birth_date"),                 # in the future
    ("110105187901010011", "birth_date"),                 # before 1880
    ("110105194912310021", "checksum"),
])
def test_bad_numbers_are_refused_with_a_reason_and_without_the_number(text, reason):
    with pytest.raises(IdNumberInvalid) as caught:
        validate_id_number(text, TODAY)
    assert caught.value.reason == reason
    assert text not in str(caught.value) and caught.value.message.startswith("身份证号码有误")


def test_hk_macau_taiwan_and_2023_permanent_residence_numbers_use_the_same_check():
    for first17 in ("81000019900101001", "93104019900101001"):
        number = first17 + check_character(first17)
        assert validate_id_number(number, TODAY) == number


@settings(max_examples=200)
@given(st.integers(0, 999999), st.dates(date(1900, 1, 1), TODAY), st.integers(0, 999),
       st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_change_is_caught(area, born, seq, position, bump):
    first17 = f"{area:06d}{born:%Y%m%d}{seq:03d}"
    number = first17 + check_character(first17)
    assert validate_id_number(number.lower(), TODAY) == number
    changed = list(number)
    changed[position] = str((int(changed[position]) + bump) % 10)
    changed = "".join(changed)
    try:
        validate_id_number(changed, TODAY)
    except IdNumberInvalid as error:
        assert error.reason in ("checksum", "birth_date")
    else:
        pytest.fail("a changed digit passed the check")


@settings(max_examples=200)
@given(st.text(max_size=40))
def test_validation_never_fails_untyped(text):
    try:
        validate_id_number(text, TODAY)
    except IdNumberInvalid:
        pass


def test_birth_date_and_age():
    assert birth_date("11010519491231002X") == date(1949, 12, 31)
    assert age_on("11010519491231002X", date(2019, 12, 30)) == 69
    assert age_on("11010519491231002X", date(2019, 12, 31)) == 70
    assert age_on("ABC123456789012", TODAY) is None


def test_masks():
    assert mask_id_number("37010219800101123X") == "3701**********123X"
    assert mask_id_number("ABC123456789012") == "ABC1*******9012"
    assert mask_id_number("12345") == "****5"
    assert (mask_name("张三"), mask_name("欧阳娜娜"), mask_name(" 李 "), mask_name("")) == ("张*", "欧***", "李", "")


def test_id_card_never_shows_itself():
    card = IdCard.from_reading(type("R", (), {"number": "11010519491231002x", "name": "张三 "})())
    assert card.number == "11010519491231002X" and card.name == "张三"
    for text in (repr(card), str(card), f"{card}", repr([card])):
        assert "11010519491231002X" not in text and "张三" not in text
    assert card.payload() == {"number": "11010519491231002X", "name": "张三"}
    assert IdCard("11010519491231002X").payload() == {"number": "11010519491231002X"}
