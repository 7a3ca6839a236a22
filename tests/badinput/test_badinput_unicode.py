"""Unicode edge cases in what a kiosk sends (issue 8, bad input): rare characters
outside the BMP (𠮷, 4 bytes in GB18030 and UTF-8), combining marks, right-to-left
and zero-width controls, NUL, lone surrogates written as JSON escapes, full-width
digits. Each is taken with a clean masked form or refused with 422 and the error
body; nothing reaches the database or the answer that could not be encoded."""
from __future__ import annotations

import json
import unicodedata

import pytest
from fastapi.testclient import TestClient

from hall_server.app import create_app


@pytest.fixture
def kiosk(tmp_path, make_seeded_hall, runner):
    hall, tokens = make_seeded_hall(tmp_path / "data")
    with TestClient(create_app(hall=hall)) as client:
        client.headers.update({"Authorization": f"Bearer {tokens['kiosk']}", "Content-Type": "application/json"})
        client.hall, client.id_number = hall, runner.synthetic_id("37010219800101123")
        yield client
    hall.store.close()


def raw(client, path: str, text: str):
    """Send JSON text as written (so "\\ud800" reaches the server as an escape)."""
    return client.post("/api/v1" + path, content=text.encode("utf-8"))


def issue_named(client, name_json: str):
    return raw(client, "/tickets", '{"category_code": "A", "id_card": {"number": "%s", "name": %s}}'
               % (client.id_number, name_json))


def printable(text: str) -> bool:
    return all(unicodedata.category(c) not in ("Cc", "Cf", "Cs") for c in text)


@pytest.mark.parametrize("name, masked", [
    ("𠮷野家", "𠮷**"),                 # U+20BB7: 4 bytes in GB18030 and UTF-8
    ("欧阳𠮷𠮷", "欧阳**"),
    ("买买提·艾力", "买**·**"),
    ("\u202e阿里\u202c", "阿*"),       # right-to-left override around the name
    ("\u200b张三", "张*"),             # zero-width space in front
    ("张\u0000三", "张*"),             # NUL inside
    ("张\u0301三", "张**"),            # a combining acute accent
    ("Zoë Ångström", "Zoë*"),
])
def test_names_are_kept_only_masked_and_printable(kiosk, name, masked):
    r = issue_named(kiosk, json.dumps(name))
    assert r.status_code == 201, r.text
    assert r.json()["name_masked"] == masked and printable(r.json()["name_masked"])
    row = kiosk.hall.store.one("SELECT name_masked FROM tickets WHERE id = ?", (r.json()["id"],))
    assert row["name_masked"] == masked


@pytest.mark.parametrize("path, text, field", [
    ("/tickets", '{"category_code": "A", "id_card": {"number": "%(id)s", "name": "\\ud800"}}', "name"),
    ("/tickets", '{"category_code": "A", "id_card": {"number": "%(id)s", "name": "张\\udfff三"}}', "name"),
    ("/tickets", '{"category_code": "\\ud83d"}', "category_code"),
    ("/tickets", '{"service_code": "S\\udc00", "request_id": "r1"}', "service_code"),
    ("/tickets", '{"category_code": "A", "request_id": "\\ud800\\u0000"}', "request_id"),
    ("/auth/login", '{"username": "\\ud800", "password": "x"}', "username"),
    ("/devices/heartbeat", '{"device": "k\\ud800", "components": {}}', "device"),
])
def test_lone_surrogates_are_refused_with_422(kiosk, path, text, field):
    r = raw(kiosk, path, text % {"id": kiosk.id_number})
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_input" and field in error["message_en"] and field in error["message"]
    assert kiosk.hall.store.integrity_ok()


def test_rare_characters_in_codes_are_answered_not_crashed_on(kiosk):
    r = raw(kiosk, "/tickets", json.dumps({"category_code": "𠮷"}, ensure_ascii=False))
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_category"
    assert "𠮷" in r.json()["error"]["message"]          # echoed back intact, as UTF-8
    r = kiosk.get("/api/v1/tickets/lookup", params={"number": "Ａ００１\u202e"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


def test_full_width_or_spaced_id_numbers_are_read_or_refused_cleanly(kiosk):
    wide = kiosk.id_number.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    for number in (wide, " " + kiosk.id_number + " ", kiosk.id_number.lower()):
        r = raw(kiosk, "/tickets", json.dumps({"category_code": "A", "id_card": {"number": number, "name": "王小测"}},
                                              ensure_ascii=False))
        assert r.status_code in (201, 422), r.text
        if r.status_code == 201:
            assert r.json()["id_masked"] == kiosk.id_number[:4] + "*" * 10 + kiosk.id_number[-4:]
        else:
            assert r.json()["error"]["code"] == "invalid_input"
    assert kiosk.hall.store.integrity_ok()


def test_a_byte_order_mark_and_non_utf8_bytes(kiosk):
    r = kiosk.post("/api/v1/tickets", content=b'\xef\xbb\xbf{"category_code": "A"}')
    assert r.status_code == 201
    r = kiosk.post("/api/v1/tickets", content='{"category_code": "综合"}'.encode("gb18030"))
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_input"
