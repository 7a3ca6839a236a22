"""The sample data set: synthetic TEST persons for demos and tests, generated deterministically.

Nobody in it is real. Names are common given names put together by a seeded
random generator; ID numbers are made up with valid GB 11643 check characters
(domain.md §5.1 ID-02) so that the whole chain — card, checksum, keyed hash —
works. Records are kept as spans (an employment from a month, maybe to a month)
so that the provider can answer for any "last N months" at any date.

``python -m hall_server.certificates sample-data OUT.sqlite3`` writes the file
shipped as ``assets/certificates/sample-persons.sqlite3``; a test regenerates it
and compares every row, so the two never drift apart.
"""
from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from hall_server.domain.persons import id_check_char

SEED = 20261123
GENERATOR_VERSION = "1"
BUNDLED = Path(__file__).resolve().parents[2] / "assets" / "certificates" / "sample-persons.sqlite3"

NAMES = ("张建国", "李秀英", "王芳", "欧阳明辉", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰",
         "吴敏", "徐强", "孙悦", "马丽娜", "朱军", "胡杨", "郭涛", "何颖", "林峰", "罗雪",
         "阿依古丽·买买提", "高翔", "梁晨", "宋佳")
REGIONS = ("370102", "110105", "440305", "310115", "510107", "330106")
EMPLOYERS = ("示例科技有限公司", "示例市第一人民医院", "示例建设集团有限公司", "示例商贸有限责任公司",
             "示例市实验中学", "示例物流有限公司")
STREETS = ("示例市历下区泉城路", "示例市高新区科创大道", "示例市市中区经七路", "示例市天桥区北园大街")
USAGES = ("住宅", "住宅", "住宅", "商业服务")

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE persons (id_number TEXT PRIMARY KEY, name TEXT NOT NULL, sex TEXT NOT NULL,
                      birth TEXT NOT NULL, note TEXT NOT NULL);
CREATE TABLE employments (id_number TEXT NOT NULL, employer TEXT NOT NULL, start_month TEXT NOT NULL,
                          end_month TEXT, income_cents INTEGER NOT NULL, si_base_cents INTEGER NOT NULL,
                          hf_base_cents INTEGER NOT NULL, hf_rate_percent INTEGER NOT NULL);
CREATE TABLE medical (id_number TEXT PRIMARY KEY, scheme TEXT NOT NULL, status TEXT NOT NULL,
                      since TEXT NOT NULL, place TEXT NOT NULL);
CREATE TABLE properties (id_number TEXT NOT NULL, cert_no TEXT NOT NULL, location TEXT NOT NULL,
                         area TEXT NOT NULL, usage TEXT NOT NULL, registered_on TEXT NOT NULL);
CREATE TABLE hf_accounts (id_number TEXT PRIMARY KEY, account_no TEXT NOT NULL);
"""


def synthetic_id(rng: random.Random, sex: str, want_x: bool = False) -> tuple[str, str]:
    """(number, birth) with a valid check character; ``want_x`` searches for one ending in X."""
    while True:
        region = rng.choice(REGIONS)
        birth = f"{rng.randint(1958, 2003):04d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        serial = rng.randrange(0, 999, 2) + (1 if sex == "男" else 0)
        first17 = f"{region}{birth}{min(serial, 999):03d}"
        check = id_check_char(first17)
        if check == "X" or not want_x:
            return first17 + check, f"{birth[:4]}-{birth[4:6]}-{birth[6:]}"


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def generate_rows(seed: int = SEED) -> dict[str, list[tuple]]:
    """Every table's rows, in order. Same seed, same rows."""
    rng = random.Random(seed)
    rows: dict[str, list[tuple]] = {"persons": [], "employments": [], "medical": [], "properties": [],
                                    "hf_accounts": []}
    for index, name in enumerate(NAMES):
        sex = "女" if name[-1] in "英芳静丽敏悦娜颖雪佳" or index == 20 else "男"
        number, birth = synthetic_id(rng, sex, want_x=index in (1, 7))
        rows["persons"].append((number, name, sex, birth, _profile(index)))
        _person_records(rng, index, number, int(birth[:4]), rows)
    return rows


def _profile(index: int) -> str:
    if index == 5:
        return "测试人员：无任何参保、纳税、公积金记录"
    if index in (3, 9):
        return "测试人员：已离职，社保暂停缴费"
    return "测试人员"


def _person_records(rng: random.Random, index: int, number: str, born: int, rows: dict) -> None:
    if index == 5:   # nobody knows this person: every type but 医保 (居民) refuses
        rows["medical"].append((number, "城乡居民基本医疗保险", "正常参保", "2020-01-01", "示例市"))
        return
    start_year = min(max(born + 20, rng.randint(2008, 2021)), 2023)   # nobody works before twenty
    employer = EMPLOYERS[index % len(EMPLOYERS)]
    income = rng.randrange(450000, 2400000, 5000)
    ended = _month(2025, rng.randint(1, 12)) if index in (3, 9) else None
    if index % 4 == 2:   # changed jobs once
        switch = _month(start_year + 3, rng.randint(1, 12))
        rows["employments"].append((number, EMPLOYERS[(index + 1) % len(EMPLOYERS)], _month(start_year, 3), switch,
                                    income * 8 // 10, min(income * 8 // 10, 3600000), income * 8 // 10, 10))
        start = switch
    else:
        start = _month(start_year, rng.randint(1, 12))
    rows["employments"].append((number, employer, start, ended, income, min(income, 3600000), income, 12))
    rows["hf_accounts"].append((number, f"{rng.randint(10**11, 10**12 - 1)}"))
    rows["medical"].append((number, "职工基本医疗保险", "暂停参保" if ended else "正常参保",
                            f"{start_year}-03-01", "示例市"))
    for count in range(_property_count(index)):
        rows["properties"].append((number, f"鲁（{start_year + 1 + count}）示例市不动产权第{rng.randint(1, 9999999):07d}号",
                                   f"{rng.choice(STREETS)}{rng.randint(1, 300)}号{rng.randint(1, 30)}号楼"
                                   f"{rng.randint(1, 6)}单元{rng.randint(101, 2802)}室",
                                   f"{rng.randint(4500, 16000) / 100:.2f}", rng.choice(USAGES),
                                   f"{start_year + 1 + count}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"))


def _property_count(index: int) -> int:
    return (1, 0, 2, 0, 1, 0)[index % 6]


def write_dataset(path: Path, seed: int = SEED) -> Path:
    """Write the data set to ``path`` (replacing it) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    conn = sqlite3.connect(path)
    try:
        conn.executescript(SCHEMA)
        conn.executemany("INSERT INTO meta VALUES (?, ?)", [
            ("generator_version", GENERATOR_VERSION), ("seed", str(seed)),
            ("note", "合成的测试人员数据，均非真实人员 / synthetic TEST persons, none of them real")])
        for table, table_rows in generate_rows(seed).items():
            marks = ", ".join("?" * len(table_rows[0]))
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", table_rows)
        conn.commit()
    finally:
        conn.close()
    return path


def read_rows(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows of a data set file, in insertion order (for comparison)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
                for table in ("persons", "employments", "medical", "properties", "hf_accounts")}
    finally:
        conn.close()
