"""The resident's identity as the kiosk holds it for one flow: an ID card, checked and masked.

公民身份号码 rules are GB 11643-1999 (domain.md §5.1 ID-01…03): 6-digit address code,
8-digit birth date YYYYMMDD, 3-digit sequence, 1 check character by ISO 7064 MOD 11-2.
The same structure holds for 港澳台居民居住证 (81/82/83…) and the 2023 外国人永久居留身份证
(leading 9), so one check serves all 18-character numbers. The address code is
deliberately not checked against GB/T 2260 (old codes stay valid on cards, ID-03).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kiosk.core.errors import IdNumberInvalid

# ID-02: weights 2^(18-i) mod 11 for positions 1..17; check = "10X98765432"[S mod 11].
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"\d{17}[\dX]")
_EARLIEST_BIRTH_YEAR = 1880


def check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise IdNumberInvalid("characters")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def normalise_id_number(text: str) -> str:
    """Strip spaces and upper-case a trailing ``x`` (residents type it either way)."""
    return "".join(text.split()).upper()


def validate_id_number(text: str, today: date) -> str:
    """Check a typed 18-character ID number and return it normalised.

    Raises:
        IdNumberInvalid: with ``reason`` ``length``, ``characters``, ``birth_date``
            (not a real date, before 1880 or after ``today``) or ``checksum``.
    """
    number = normalise_id_number(text)
    if len(number) != 18:
        raise IdNumberInvalid("length")
    if not _SHAPE.fullmatch(number):
        raise IdNumberInvalid("characters")
    birth = birth_date(number)
    if birth is None or birth > today or birth.year < _EARLIEST_BIRTH_YEAR:
        raise IdNumberInvalid("birth_date")
    if check_character(number[:17]) != number[17]:
        raise IdNumberInvalid("checksum")
    return number


def birth_date(number: str) -> date | None:
    """The birth date coded in positions 7–14 of an 18-character number, if real."""
    if len(number) != 18 or not number[6:14].isdigit():
        return None
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def age_on(number: str, today: date) -> int | None:
    """Whole years of age on ``today``, or None when the number carries no birth date."""
    born = birth_date(number)
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def mask_id_number(number: str) -> str:
    """Masked form for screens and paper: first 4 and last 4 kept, ``3701**********123X``.

    Short or odd inputs keep at most their last character, so nothing leaks.
    """
    if len(number) >= 12:
        return number[:4] + "*" * (len(number) - 8) + number[-4:]
    return "*" * max(len(number) - 1, 0) + number[-1:]


def mask_name(name: str) -> str:
    """Masked name: the first character (the surname) and one ``*`` per other character."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


@dataclass(frozen=True, repr=False)
class IdCard:
    """An ID number and name held only for the flow that needs them.

    ``repr``/``str`` show the masked form only, so a stray log line cannot leak them.
    """

    number: str
    name: str = ""

    @classmethod
    def from_reading(cls, reading: object) -> "IdCard":
        """Take ``number`` and ``name`` from a card reader's result object."""
        number = normalise_id_number(str(getattr(reading, "number", "") or ""))
        return cls(number, str(getattr(reading, "name", "") or "").strip())

    @property
    def masked_number(self) -> str:
        return mask_id_number(self.number)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    def payload(self) -> dict:
        """The API.md ``id_card`` object; ``name`` left out when it was not read (typed number)."""
        return {"number": self.number, "name": self.name} if self.name else {"number": self.number}

    def __repr__(self) -> str:
        return f"IdCard({self.masked_number!r}, {self.masked_name!r})"

    __str__ = __repr__
