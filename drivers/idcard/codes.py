"""Code tables and ID number rules printed on the card (devices.md §1.11, §1.12).

Pure data and arithmetic: sex (GB/T 2261.1), nation (GB 3304) and the GB 11643
ISO 7064 MOD 11-2 check character.
"""
from __future__ import annotations

import re
from datetime import date

# GB/T 2261.1-2003 人的性别代码; cards carry only 1 and 2 (devices.md §1.11).
SEX_CODES: dict[str, str] = {"0": "未知的性别", "1": "男", "2": "女", "9": "未说明的性别"}

# GB 3304 民族代码 (devices.md §1.11; 46 is 德昂, S-06's 德昴 is a typo).
NATION_CODES: dict[str, str] = {
    "01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝",
    "08": "壮", "09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白",
    "15": "土家", "16": "哈尼", "17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤",
    "22": "畲", "23": "高山", "24": "拉祜", "25": "水", "26": "东乡", "27": "纳西", "28": "景颇",
    "29": "柯尔克孜", "30": "土", "31": "达斡尔", "32": "仫佬", "33": "羌", "34": "布朗",
    "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯", "39": "阿昌", "40": "普米",
    "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克", "46": "德昂",
    "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春",
    "53": "赫哲", "54": "门巴", "55": "珞巴", "56": "基诺", "97": "其他", "98": "外国血统中国籍人士",
}

# ISO 7064:1983 MOD 11-2 as GB 11643-1999 applies it (devices.md §1.12).
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_ID18 = re.compile(r"^\d{17}[\dX]$")
_FOREIGN_2017 = re.compile(r"^[A-Z]{3}\d{12}$")


def id_check_char(first17: str) -> str:
    """The check character for the first 17 digits of an 18-character number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("need exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def is_valid_id18(number: str) -> bool:
    """True for an 18-character GB 11643 number with a correct MOD 11-2 check char."""
    return bool(_ID18.match(number)) and id_check_char(number[:17]) == number[17]


def is_valid_foreign_2017(number: str) -> bool:
    """True for a 2017 permanent-residence number: 3 letters + 12 digits (devices.md §1.8.3)."""
    return bool(_FOREIGN_2017.match(number))


def birth_in_id18(number: str) -> date | None:
    """The birth date coded at positions 7–14 of an 18-character number, or None if not a date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def sex_in_id18(number: str) -> str:
    """The sex code implied by the sequence code (odd male '1', even female '2'; domain.md ID-01)."""
    return "1" if int(number[16]) % 2 else "2"
