"""The display's routes without a browser: pages, embedded configuration, zone
checks, settings for agents, static files, and JSON that cannot break out of its script."""
from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings, strategies as st

from hall_server.web.display import page_json


@pytest.fixture
def web(app):
    with TestClient(app) as client:
        yield client


def embedded(html: str, element_id: str) -> dict:
    found = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_the_display_page_embeds_the_published_configuration_only(web, api, make_id):
    api("kiosk").post("/tickets", {"service_code": "S-B1", "channel": "kiosk",
                                   "id_card": {"number": make_id("11010519800101123"), "name": "李四"}})
    page = web.get("/display")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    config = embedded(page.text, "hall-config")
    assert config["hall"]["name"] == "测试市政务服务中心" and config["zone"] is None
    assert [c["code"] for c in config["categories"]] == ["A", "B", "C"]
    assert [w["id"] for w in config["windows"]] == ["w1", "w2", "w3"]
    assert config["call_text"] == "请 {number} 号 到 {window} 号窗口 办理"
    assert config["display"]["recent_calls"] == 8
    assert "B001" not in page.text and "李" not in page.text      # no live data, nothing personal
    assert page.headers["cache-control"] == "no-cache"


def test_a_zone_screen_names_its_zone_and_an_unknown_zone_is_refused(web):
    config = embedded(web.get("/display?zone=Z1").text, "hall-config")
    assert config["zone"] == {"code": "Z1", "name": "综合受理板块"}
    refused = web.get("/display?zone=NOPE")
    assert refused.status_code == 404
    assert "NOPE" in refused.text and "Z1" in refused.text and "no zone" in refused.text


def test_the_phone_page_carries_only_its_token(web):
    page = web.get("/t/AbC-12_xyz")
    config = embedded(page.text, "ticket-config")
    assert config == {"status_token": "AbC-12_xyz", "hall": {"name": "测试市政务服务中心", "help_desk": "总服务台"},
                      "poll_seconds": 5}
    for bad in ("/t/a%3Cb%3E", "/t/x", "/t/" + "a" * 65):
        assert web.get(bad).status_code == 404


def test_agents_read_their_settings_with_a_token(web, api):
    assert web.get("/display/settings").status_code == 401
    found = web.get("/display/settings", headers={"Authorization": f"Bearer {api.tokens['agent']}"}).json()
    assert found["call_text"] == "请 {number} 号 到 {window} 号窗口 办理"
    assert found["voice"]["repeat"] == 2 and found["led"]["call_template"] == "请{number}号到{window}号窗口"
    assert found["zones"] == [{"code": "Z1", "name": "综合受理板块"}]
    by_query = web.get(f"/display/settings?access_token={api.tokens['display']}")
    assert by_query.status_code == 200


def test_static_files_are_served_from_their_folder_only(web):
    script = web.get("/static/display/display.js")
    assert script.status_code == 200 and "EventSource" in script.text
    assert web.get("/static/display/display.css").headers["content-type"].startswith("text/css")
    for path in ("/static/display/nope.js", "/static/display/..%2F..%2Fdisplay.py", "/static/display/.hidden.js",
                 "/static/display/display.py", "/static/display/%2Fetc%2Fpasswd"):
        assert web.get(path).status_code == 404, path


@settings(max_examples=80, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                    max_leaves=12))
def test_embedded_json_round_trips_and_cannot_close_its_script(value):
    text = page_json({"v": value})
    assert json.loads(text) == {"v": value}
    assert "<" not in text and ">" not in text and "&" not in text


def test_the_address_printed_for_a_tv():
    from hall_server.web.display import display_url
    assert display_url("http://10.0.0.2:8600/", "a+b/c") == "http://10.0.0.2:8600/display?token=a%2Bb%2Fc"
    assert display_url("http://h:1", "t", "RS").endswith("/display?token=t&zone=RS")
