"""Identity numbers and names: check, key-hash and mask. Nothing here keeps or logs them.

The server stores only a keyed hash (per-person limits, appointment matching) and a
masked form (DESIGN.md "Personal data"; domain.md §4.3 MASK-02/MASK-03).
"""
from __future__ import annotations

import hashlib
import hmac
import unicodedata
from datetime import date

# GB 11643-1999 check character: ISO 7064 MOD 11-2 (domain.md §5.1 ID-02).
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_DIGITS = frozenset("0123456789")

# 复姓: compound surnames kept whole when masking (欧阳娜娜 → 欧阳**).
COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 令狐 夏侯 轩辕 端木 独孤 南宫 "
    "西门 百里 呼延 万俟 澹台 公冶 太史 申屠 钟离 闻人 赫连 拓跋 左丘 东郭 濮阳 淳于 单于 司空 "
    "闾丘 亓官 司寇 巫马 公西 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁 段干 梁丘 羊舌 微生 公羊 第五".split()
)


def normalize_id(number: str) -> str:
    """Strip spaces and upper-case the check character (``x`` → ``X``)."""
    return number.strip().upper()


def id_check_char(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def validate_id_number(number: str, today: date | None = None) -> bool:
    """Whether ``number`` is a well-formed 18-character GB 11643 number: 17 ASCII digits,
    a real birth date (YYYYMMDD at positions 7–14, year ≥ 1800, not after ``today`` when
    given) and the right check character. Also fits 港澳台 residence permits (81/82/83)
    and the 2023 permanent-residence card (leading 9), which share the layout (ID-03).
    The address code is not checked against GB/T 2260: old codes stay valid on cards."""
    n = normalize_id(number)
    if len(n) != 18 or not set(n[:17]) <= _DIGITS:
        return False
    born = _birth_date(n[6:14])
    if born is None or born.year < 1800 or (today is not None and born > today):
        return False
    return id_check_char(n[:17]) == n[17]


def _birth_date(text: str) -> date | None:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def hash_id(number: str, key: bytes) -> str:
    """HMAC-SHA256 of the normalized number under the hall's secret key, hex. The same
    person always maps to the same value in one hall and to nothing readable."""
    if not key:
        raise ValueError("the ID hashing key must not be empty")
    return hmac.new(key, normalize_id(number).encode("utf-8"), hashlib.sha256).hexdigest()


def mask_id(number: str) -> str:
    """Keep the first 4 and last 4 characters: ``3701**********123X``. Shorter strings
    (3–8 characters) keep only their first and last; one or two are fully starred."""
    n = normalize_id(number)
    if len(n) > 8:
        return n[:4] + "*" * (len(n) - 8) + n[-4:]
    if len(n) > 2:
        return n[0] + "*" * (len(n) - 2) + n[-1]
    return "*" * len(n)


# Unicode control, format and surrogate categories; private-use stays (a reader may map a
# rare character of a name there).
_INVISIBLE = frozenset({"Cc", "Cf", "Cs"})


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\U00020000" <= char <= "\U0003134f"


def mask_name(name: str) -> str:
    """Mask a name for screens and tickets. Chinese: keep the surname, one ``*`` per
    other character (张三 → 张*, 张三丰 → 张**, 欧阳娜娜 → 欧阳**; a minority name's
    ``·`` stays: 买买提·艾力 → 买**·**). Other scripts: keep the first word and add
    ``*`` (Maria Garcia → Maria*); a single word keeps its first letter (Maria → M*).
    Invisible controls of a typed name (bidi overrides, zero-width marks, NUL) are
    dropped first: they would hide the surname or flip the text on screens and paper."""
    name = "".join(c for c in name if unicodedata.category(c) not in _INVISIBLE).strip()
    if not name:
        return ""
    if _is_cjk(name[0]):
        keep = 2 if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES else 1
        return name[:keep] + "".join(c if c == "·" else "*" for c in name[keep:])
    words = name.split()
    if len(words) > 1:
        return words[0] + "*"
    return name[0] + "*"
