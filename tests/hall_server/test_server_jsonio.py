"""The server's JSON writer: fast for the common case, never refusing a value the
API accepted."""
from __future__ import annotations

import json

from hall_server import jsonio


def test_common_values_are_compact_utf8():
    out = jsonio.dumps({"number": "A001", "category_name": "社保", "n": 3, "ok": True, "none": None})
    assert out == '{"number":"A001","category_name":"社保","n":3,"ok":true,"none":null}'.encode()


def test_what_orjson_refuses_still_writes_and_reads_back():
    value = {"reading": -254340389600461324288, 7: "int key", "odd": "\udb40x"}
    out = jsonio.dumps(value)
    back = json.loads(out)
    assert back["reading"] == -254340389600461324288
    assert back["7"] == "int key"
    assert back["odd"] == "\udb40x"
    out.decode("utf-8")  # storable as text
