"""The 256-byte machine-readable text block (机读文字信息), both ways (devices.md §1.8).

All four layouts are tables of ``(field, offset, bytes)``; text is UCS-2 LE padded
with U+0020. The type flag at offset 248 picks the layout: ' ' 居民身份证, 'J'
港澳台居民居住证, 'I' 2017 外国人永久居留身份证, 'Y' its 2023 version.
:func:`parse_text_block` turns bytes into a validated :class:`IdCard`;
:func:`build_text_block` is its inverse (emulator, tests).

Error messages name the field that is wrong, never its value: the value may be a
name or an ID number.
"""
from __future__ import annotations

from dataclasses import fields
from datetime import date

from drivers.idcard.card import LONG_TERM, CardKind, IdCard
from drivers.idcard.codes import (NATION_CODES, SEX_CODES, birth_in_id18, is_valid_foreign_2017,
                                  is_valid_id18)
from drivers.idcard.errors import CardDataError, UnsupportedCardType
from drivers.idcard.protocol import TEXT_LEN

FLAG_OFFSET = 248
APPENDED_ADDRESS_LEN = 70  # §1.7: 30 03 answers 70 bytes of UCS-2 LE address [U]

Layout = tuple[tuple[str, int, int], ...]

# §1.8.1 居民身份证; 220..255 reserved, so offset 248 reads a space.
RESIDENT: Layout = (
    ("name", 0, 30), ("sex", 30, 2), ("nation", 32, 4), ("birth", 36, 16), ("address", 52, 70),
    ("id_number", 122, 36), ("authority", 158, 30), ("valid_from", 188, 16), ("valid_to", 204, 16),
)
# §1.8.2 港澳台居民居住证: no 民族 (32..35 reserved); pass number and issue count after 220.
HMT: Layout = (
    ("name", 0, 30), ("sex", 30, 2), ("birth", 36, 16), ("address", 52, 70),
    ("id_number", 122, 36), ("authority", 158, 30), ("valid_from", 188, 16), ("valid_to", 204, 16),
    ("pass_number", 220, 18), ("issue_count", 238, 4),
)
# §1.8.3 外国人永久居留身份证 2017: English name first, 15-char number, birth after validity.
FOREIGNER_2017: Layout = (
    ("english_name", 0, 120), ("sex", 120, 2), ("id_number", 122, 30), ("nationality", 152, 6),
    ("name", 158, 30), ("valid_from", 188, 16), ("valid_to", 204, 16), ("birth", 220, 16),
    ("card_version", 236, 4), ("authority_code", 240, 8),
)
# §1.8.4 外国人永久居留身份证 2023 (single source): English name split over 52 and 220.
FOREIGNER_2023: Layout = (
    ("name", 0, 30), ("sex", 30, 2), ("renewal_count", 32, 4), ("birth", 36, 16),
    ("english_name_1", 52, 70), ("id_number", 122, 36), ("valid_from", 188, 16),
    ("valid_to", 204, 16), ("english_name_2", 220, 22), ("nationality", 242, 6),
    ("previous_number_link", 250, 6),
)

LAYOUTS: dict[CardKind, tuple[str, Layout]] = {
    CardKind.RESIDENT: (" ", RESIDENT),
    CardKind.HMT: ("J", HMT),
    CardKind.FOREIGNER_2017: ("I", FOREIGNER_2017),
    CardKind.FOREIGNER_2023: ("Y", FOREIGNER_2023),
}
_KIND_BY_FLAG = {flag.encode("utf-16-le"): kind for kind, (flag, _) in LAYOUTS.items()}
_FIELD_LABELS = {
    "name": "姓名", "english_name": "英文姓名", "sex": "性别", "nation": "民族", "birth": "出生日期",
    "address": "住址", "id_number": "证件号码", "authority": "签发机关", "valid_from": "有效期起始日期",
    "valid_to": "有效期截止日期", "pass_number": "通行证号码", "issue_count": "签发次数",
    "nationality": "国籍", "card_version": "证件版本号", "authority_code": "受理机关代码",
    "renewal_count": "换证次数", "previous_number_link": "既往版本证件号码关联项",
}
_CARD_FIELDS = {f.name for f in fields(IdCard)}


def _bad(field: str, problem_zh: str = "无效", problem_en: str = "is invalid") -> CardDataError:
    return CardDataError(f"证件信息错误：{_FIELD_LABELS.get(field, field)}{problem_zh}",
                         f"card data error: {field} {problem_en}")


# -- parsing ---------------------------------------------------------------
def card_kind(block: bytes) -> CardKind:
    """The layout named by the flag at offset 248; UnsupportedCardType for any other flag."""
    if len(block) != TEXT_LEN:
        raise CardDataError("证件文字信息长度错误", f"text block must be {TEXT_LEN} bytes, got {len(block)}")
    kind = _KIND_BY_FLAG.get(bytes(block[FLAG_OFFSET:FLAG_OFFSET + 2]))
    if kind is None:
        raise UnsupportedCardType("不支持的证件类型", "unsupported card type flag in the text block",
                                  code="idcard_unsupported_card")
    return kind


def parse_text_block(block: bytes, *, photo_wlt: bytes = b"", fingerprint: bytes = b"") -> IdCard:
    """Decode and validate one 256-byte text block into an :class:`IdCard`."""
    kind = card_kind(block)
    raw = {name: _decode(block, name, off, size) for name, off, size in LAYOUTS[kind][1]}
    if kind is CardKind.FOREIGNER_2023:
        # Part 1 keeps its padding so a space at the 35-character seam survives.
        raw["english_name"] = (_decode(block, "english_name", 52, 70, strip=False)
                               + raw.pop("english_name_2")).rstrip(" ")
        raw.pop("english_name_1")
    values = {k: v for k, v in raw.items() if k in _CARD_FIELDS}
    values.update(birth=_date(raw, "birth"), valid_from=_date(raw, "valid_from"),
                  valid_to=None if raw["valid_to"] == LONG_TERM else _date(raw, "valid_to"))
    values.setdefault("nation", "")
    values.setdefault("address", "")
    values.setdefault("authority", "")
    card = IdCard(kind=kind, photo_wlt=bytes(photo_wlt), fingerprint=bytes(fingerprint), **values)
    validate_card(card)
    return card


def _decode(block: bytes, name: str, off: int, size: int, *, strip: bool = True) -> str:
    try:
        text = bytes(block[off:off + size]).decode("utf-16-le")
    except UnicodeDecodeError:
        raise _bad(name, "不是有效的文字", "is not valid UCS-2 text") from None
    return text.rstrip(" \x00") if strip else text


def _date(raw: dict, name: str) -> date:
    text = raw[name]
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        raise _bad(name, "格式错误", "is not YYYYMMDD")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise _bad(name, "不是有效日期", "is not a real date") from None


def validate_card(card: IdCard) -> None:
    """Check the number (GB 11643 MOD 11-2, §1.12), codes (§1.11) and dates; raise CardDataError."""
    if not card.display_name():
        raise _bad("name", "为空", "is empty")
    if card.sex not in SEX_CODES:
        raise _bad("sex", "代码未知", "code is unknown")
    if card.kind is CardKind.RESIDENT and card.nation not in NATION_CODES:
        raise _bad("nation", "代码未知", "code is unknown")
    _validate_number(card)
    if card.valid_from < card.birth:
        raise _bad("valid_from", "早于出生日期", "is before the birth date")
    if card.valid_to is not None and card.valid_to < card.valid_from:
        raise _bad("valid_to", "早于起始日期", "is before the start date")


def _validate_number(card: IdCard) -> None:
    number = card.id_number
    if card.kind is CardKind.FOREIGNER_2017:
        if not is_valid_foreign_2017(number):
            raise _bad("id_number", "格式错误", "is not 3 letters and 12 digits")
        return
    if not is_valid_id18(number):
        raise _bad("id_number", "校验码错误", "fails the GB 11643 check")
    # domain.md ID-03: 81/82/83 prefixes for 港澳台居住证, 9 for the 2023 永居证.
    if card.kind is CardKind.HMT and number[:2] not in ("81", "82", "83"):
        raise _bad("id_number", "不是港澳台居民居住证号码", "is not a residence-permit number")
    if card.kind is CardKind.FOREIGNER_2023 and number[0] != "9":
        raise _bad("id_number", "不是永久居留身份证号码", "is not a permanent-residence number")
    if card.kind in (CardKind.RESIDENT, CardKind.HMT) and birth_in_id18(number) != card.birth:
        raise _bad("birth", "与证件号码不符", "does not match the ID number")


def parse_appended_address(data: bytes) -> str:
    """The latest appended address of a ``30 03`` answer (UCS-2 LE, space-padded)."""
    try:
        return bytes(data).decode("utf-16-le").rstrip(" \x00")
    except UnicodeDecodeError:
        raise _bad("address", "不是有效的文字", "is not valid UCS-2 text") from None


# -- building (the inverse) -------------------------------------------------
def build_text_block(card: IdCard) -> bytes:
    """Encode ``card`` into its 256-byte text block; CardDataError if a field does not fit."""
    flag, layout = LAYOUTS[card.kind]
    block = bytearray(" ".encode("utf-16-le") * (TEXT_LEN // 2))
    values = _field_texts(card)
    for name, off, size in layout:
        block[off:off + size] = _encode(values[name], name, size)
    block[FLAG_OFFSET:FLAG_OFFSET + 2] = flag.encode("utf-16-le")
    return bytes(block)


def _field_texts(card: IdCard) -> dict[str, str]:
    values = {f: getattr(card, f) for f in _CARD_FIELDS if isinstance(getattr(card, f), str)}
    values.update(birth=_ymd(card.birth), valid_from=_ymd(card.valid_from),
                  valid_to=_ymd(card.valid_to) if card.valid_to else LONG_TERM)
    if card.kind is CardKind.FOREIGNER_2023:
        name = card.english_name
        if len(name) > 46:
            raise _bad("english_name", "过长", "is too long")
        values.update(english_name_1=name[:35], english_name_2=name[35:])
    return values


def _ymd(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _encode(text: str, name: str, size: int) -> bytes:
    if any(ord(ch) > 0xFFFF for ch in text):
        raise _bad(name, "含有 UCS-2 无法表示的字符", "has characters outside UCS-2")
    data = text.encode("utf-16-le")
    if len(data) > size:
        raise _bad(name, "过长", "is too long")
    return data + " ".encode("utf-16-le") * ((size - len(data)) // 2)
