"""The card a reader returns, and its masked form (DESIGN.md "Personal data").

:class:`IdCard` holds the full record because the kiosk needs it for a moment (a
keyed hash, a certificate lookup). Its ``repr``/``str`` show only masked values, so
a stray log line or a test failure message never prints a full name or number
(CONVENTIONS.md rule 11). Use :meth:`IdCard.masked` for anything shown or stored.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from drivers.idcard.codes import NATION_CODES, SEX_CODES

LONG_TERM = "长期"


class CardKind(str, Enum):
    """Which text layout a card uses, chosen by the flag at offset 248 (devices.md §1.8)."""

    RESIDENT = "resident"            # 居民身份证, flag ' '
    HMT = "hmt"                      # 港澳台居民居住证, flag 'J'
    FOREIGNER_2017 = "foreigner2017"  # 外国人永久居留身份证 2017, flag 'I'
    FOREIGNER_2023 = "foreigner2023"  # 外国人永久居留身份证 2023, flag 'Y'

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    CardKind.RESIDENT: "居民身份证",
    CardKind.HMT: "港澳台居民居住证",
    CardKind.FOREIGNER_2017: "外国人永久居留身份证（2017版）",
    CardKind.FOREIGNER_2023: "外国人永久居留身份证（2023版）",
}


def mask_id_number(number: str) -> str:
    """Keep the first 4 and last 4 characters of 18: ``3701`` + 10 × ``*`` + the last four."""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_name(name: str) -> str:
    """Keep the first character, star the rest: ``张三`` → ``张*``, ``SMITH JOHN`` → ``S**** ****``."""
    if not name:
        return ""
    stars = "".join(" " if ch == " " else "*" for ch in name[1:])
    return name[0] + (stars or "*")


@dataclass(frozen=True)
class MaskedIdCard:
    """What may be shown, logged or sent: no full name, no full number, no photo."""

    kind: CardKind
    name: str
    id_number: str
    sex: str
    valid_from: date
    valid_to: date | None

    def as_dict(self) -> dict:
        return {
            "kind": self.kind.value,
            "kind_label": self.kind.label,
            "name": self.name,
            "id_number": self.id_number,
            "sex": self.sex,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else LONG_TERM,
        }


@dataclass(frozen=True, repr=False)
class IdCard:
    """One card's machine-readable record (devices.md §1.8).

    ``sex`` and ``nation`` are the codes on the card ('1'/'2', '01'…); ``nation`` is ''
    where the layout has none. ``valid_to`` is None for a 长期 (permanent) card.
    ``name`` is the Chinese name ('' on a 2017 foreigner card without one);
    ``english_name`` is set on foreigner cards. The photo is the opaque 1024-byte WLT
    blob (§1.9): decoding it needs a vendor library.
    """

    kind: CardKind
    name: str
    sex: str
    nation: str
    birth: date
    address: str
    id_number: str
    authority: str
    valid_from: date
    valid_to: date | None
    photo_wlt: bytes = b""
    fingerprint: bytes = b""
    english_name: str = ""
    nationality: str = ""         # 2017: ISO 3166-1 alpha-3; 2023: 所属国家/地区代码
    pass_number: str = ""         # HMT 通行证号码
    issue_count: str = ""         # HMT 签发次数
    card_version: str = ""        # 2017 证件版本号
    authority_code: str = ""      # 2017 当次申请受理机关代码
    renewal_count: str = ""       # 2023 换证次数
    previous_number_link: str = ""  # 2023 既往版本永居证号码关联项

    @property
    def sex_name(self) -> str:
        return SEX_CODES.get(self.sex, "")

    @property
    def nation_name(self) -> str:
        return NATION_CODES.get(self.nation, "")

    @property
    def long_term(self) -> bool:
        return self.valid_to is None

    def is_expired(self, on: date) -> bool:
        """True once ``on`` is past the last valid day; a 长期 card never expires."""
        return self.valid_to is not None and on > self.valid_to

    def is_valid_on(self, on: date) -> bool:
        """True when ``on`` lies within the card's validity period."""
        return self.valid_from <= on and not self.is_expired(on)

    def display_name(self) -> str:
        """The name to mask and show: the Chinese name, else the English one."""
        return self.name or self.english_name

    def masked(self) -> MaskedIdCard:
        """The masked form: ``3701**********123X``, ``张*``."""
        return MaskedIdCard(self.kind, mask_name(self.display_name()), mask_id_number(self.id_number),
                            self.sex_name, self.valid_from, self.valid_to)

    def __repr__(self) -> str:
        m = self.masked()
        valid_to = m.valid_to.isoformat() if m.valid_to else LONG_TERM
        return (f"IdCard(kind={self.kind.value}, name={m.name!r}, id_number={m.id_number!r}, "
                f"valid_to={valid_to}, photo={len(self.photo_wlt)} bytes)")

    __str__ = __repr__
