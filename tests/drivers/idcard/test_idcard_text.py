"""The four 256-byte text layouts (devices.md §1.8), code tables (§1.11), GB 11643 (§1.12).

All persons are synthetic (see drivers.idcard.emulator.SAMPLE_CARDS).
"""
from dataclasses import replace
from datetime import date

import pytest

from drivers.idcard.card import CardKind, IdCard, mask_id_number, mask_name
from drivers.idcard.codes import NATION_CODES, SEX_CODES, id_check_char, is_valid_id18
from drivers.idcard.emulator import SAMPLE_CARDS, synthetic_id_number
from drivers.idcard.errors import CardDataError, UnsupportedCardType
from drivers.idcard.text import build_text_block, parse_text_block

RESIDENT = SAMPLE_CARDS[CardKind.RESIDENT]
SPACE = b"\x20\x00"


def field(block: bytes, offset: int, size: int) -> str:
    return block[offset:offset + size].decode("utf-16-le")


# -- layouts, byte by byte --------------------------------------------------------
def test_resident_layout_offsets_and_padding_follow_section_1_8_1():
    block = build_text_block(RESIDENT)
    assert len(block) == 256
    assert block[0:30] == bytes.fromhex("205F094E") + SPACE * 13  # 张三, the §1.8.1 example
    assert field(block, 30, 2) == "1" and field(block, 32, 4) == "01"
    assert field(block, 36, 16) == "19900319"
    assert field(block, 122, 36) == "37010219900319123X"
    assert field(block, 188, 16) == "20150601" and field(block, 204, 16) == "20350601"
    assert block[220:256] == SPACE * 18  # reserved, so offset 248 reads a space


def test_long_term_card_encodes_changqi_plus_six_spaces_and_parses_to_none():
    card = replace(RESIDENT, valid_from=date(2010, 1, 1), valid_to=None)
    block = build_text_block(card)
    assert block[204:220] == "长期".encode("utf-16-le") + SPACE * 6
    parsed = parse_text_block(block)
    assert parsed.valid_to is None and parsed.long_term
    assert not parsed.is_expired(date(2099, 12, 31))
    assert parsed.masked().as_dict()["valid_to"] == "长期"


def test_hmt_layout_has_flag_j_pass_number_and_no_nation():
    card = SAMPLE_CARDS[CardKind.HMT]
    block = build_text_block(card)
    assert block[248:250] == b"J\x00"
    assert block[32:36] == SPACE * 2
    assert field(block, 220, 18) == "H12345678" and field(block, 238, 4) == "01"
    parsed = parse_text_block(block)
    assert parsed.kind is CardKind.HMT and parsed.nation == "" and parsed.pass_number == "H12345678"


def test_foreigner_2017_layout_has_english_name_first_and_birth_after_validity():
    card = SAMPLE_CARDS[CardKind.FOREIGNER_2017]
    block = build_text_block(card)
    assert block[248:250] == b"I\x00"
    assert field(block, 0, 120).rstrip() == "SAMPLE JOHN"
    assert field(block, 122, 30) == "USA110090010112" and field(block, 152, 6) == "USA"
    assert field(block, 158, 30).rstrip() == "约翰" and field(block, 220, 16) == "19900101"
    assert field(block, 236, 4) == "01" and field(block, 240, 8) == "1100"


def test_foreigner_2023_english_name_is_split_over_two_fields():
    card = SAMPLE_CARDS[CardKind.FOREIGNER_2023]
    assert len(card.english_name) > 35
    block = build_text_block(card)
    assert block[248:250] == b"Y\x00"
    assert field(block, 52, 70) == card.english_name[:35]
    assert field(block, 220, 22).rstrip() == card.english_name[35:]
    assert field(block, 242, 6) == "USA" and field(block, 32, 4) == "00"
    assert parse_text_block(block).english_name == card.english_name


def test_foreigner_2023_name_with_a_space_at_the_seam_survives():
    name = "A" * 34 + " " + "BCDEFG"  # character 35 is the space
    card = replace(SAMPLE_CARDS[CardKind.FOREIGNER_2023], english_name=name)
    assert parse_text_block(build_text_block(card)).english_name == name


@pytest.mark.parametrize("kind", list(CardKind))
def test_every_sample_layout_round_trips_with_photo_and_fingerprint(kind):
    card = replace(SAMPLE_CARDS[kind], fingerprint=bytes(range(256)) * 2)
    parsed = parse_text_block(build_text_block(card), photo_wlt=card.photo_wlt, fingerprint=card.fingerprint)
    assert parsed == card and parsed.kind is kind


def test_unknown_type_flag_is_unsupported_not_misparsed():
    block = bytearray(build_text_block(RESIDENT))
    block[248:250] = b"Z\x00"
    with pytest.raises(UnsupportedCardType) as info:
        parse_text_block(bytes(block))
    assert info.value.message.startswith("不支持")


@pytest.mark.parametrize("size", [0, 255, 257, 1024])
def test_text_block_of_wrong_size_is_rejected(size):
    with pytest.raises(CardDataError):
        parse_text_block(bytes(size))


# -- validation -----------------------------------------------------------------
def corrupt(card: IdCard, offset: int, text: str) -> bytes:
    block = bytearray(build_text_block(card))
    data = text.encode("utf-16-le")
    block[offset:offset + len(data)] = data
    return bytes(block)


@pytest.mark.parametrize("offset, text, field_en", [
    (122 + 34, "9", "id_number"),       # wrong check character
    (36, "19900230", "birth"),          # not a real date
    (36, "1990031A", "birth"),          # not digits
    (36, "19900320", "birth"),          # real date, but not the one in the number
    (30, "7", "sex"),                   # no such GB/T 2261.1 code
    (32, "57", "nation"),               # no such GB 3304 code
    (188, "19800101", "valid_from"),    # before birth
    (204, "20100101", "valid_to"),      # before valid_from
    (0, " " * 15, "name"),              # empty name
])
def test_bad_fields_raise_card_data_error_naming_the_field_not_the_value(offset, text, field_en):
    with pytest.raises(CardDataError) as info:
        parse_text_block(corrupt(RESIDENT, offset, text))
    err = info.value
    assert field_en in err.message_en
    assert RESIDENT.id_number not in str(err) and RESIDENT.name not in str(err)


def test_hmt_number_must_carry_an_81_82_83_prefix():
    card = replace(SAMPLE_CARDS[CardKind.HMT], id_number=synthetic_id_number("440300", date(1985, 8, 15), 123))
    with pytest.raises(CardDataError):
        parse_text_block(build_text_block(card))


def test_foreigner_numbers_follow_their_formats():
    bad_2017 = replace(SAMPLE_CARDS[CardKind.FOREIGNER_2017], id_number="US1110090010112")
    with pytest.raises(CardDataError):
        parse_text_block(build_text_block(bad_2017))
    bad_2023 = replace(SAMPLE_CARDS[CardKind.FOREIGNER_2023], id_number=RESIDENT.id_number)
    with pytest.raises(CardDataError):
        parse_text_block(build_text_block(bad_2023))


def test_invalid_utf16_is_a_card_data_error():
    block = bytearray(build_text_block(RESIDENT))
    block[0:2] = b"\x00\xD8"  # a lone high surrogate
    with pytest.raises(CardDataError):
        parse_text_block(bytes(block))


def test_builder_refuses_fields_that_do_not_fit():
    with pytest.raises(CardDataError):
        build_text_block(replace(RESIDENT, name="张" * 16))
    with pytest.raises(CardDataError):
        build_text_block(replace(RESIDENT, name="\U00020000"))  # outside UCS-2


# -- GB 11643 and code tables ---------------------------------------------------
@pytest.mark.parametrize("number", ["11010519491231002X", "360426199101010071", "120103198806018241",
                                    "440524188001010014"])
def test_gb11643_reference_vectors_are_valid(number):
    assert is_valid_id18(number) and id_check_char(number[:17]) == number[17]


@pytest.mark.parametrize("number", ["360426199101010072", "11010519491231002x", "1101051949123100X2", "12345"])
def test_gb11643_rejects_bad_numbers(number):
    assert not is_valid_id18(number)


def test_code_tables_are_complete():
    assert len(NATION_CODES) == 58 and NATION_CODES["46"] == "德昂" and NATION_CODES["98"] == "外国血统中国籍人士"
    assert [f"{i:02d}" for i in range(1, 57)] == sorted(NATION_CODES)[:56]
    assert SEX_CODES["1"] == "男" and SEX_CODES["2"] == "女"
    assert RESIDENT.sex_name == "男" and RESIDENT.nation_name == "汉"


# -- masking and the personal data rule --------------------------------------------
def test_masked_form_matches_the_design_example():
    m = RESIDENT.masked()
    assert (m.id_number, m.name) == ("3701**********123X", "张*")
    assert m.as_dict() == {"kind": "resident", "kind_label": "居民身份证", "name": "张*",
                           "id_number": "3701**********123X", "sex": "男",
                           "valid_from": "2015-06-01", "valid_to": "2035-06-01"}


def test_masking_helpers():
    assert mask_name("欧阳娜娜") == "欧***" and mask_name("张") == "张*" and mask_name("") == ""
    assert mask_name("SMITH JOHN") == "S**** ****"
    assert mask_id_number("USA110090010112") == "USA1*******0112" and mask_id_number("1234") == "****"


@pytest.mark.parametrize("kind", list(CardKind))
def test_repr_and_str_never_show_the_full_name_or_number(kind):
    card = SAMPLE_CARDS[kind]
    for text in (repr(card), str(card), f"{card}", repr([card])):
        assert card.id_number not in text
        assert card.display_name() not in text
        assert card.masked().id_number in text


def test_validity_helpers():
    assert RESIDENT.is_valid_on(date(2020, 1, 1))
    assert not RESIDENT.is_valid_on(date(2035, 6, 2)) and RESIDENT.is_expired(date(2035, 6, 2))
    assert not RESIDENT.is_valid_on(date(2015, 5, 31))
