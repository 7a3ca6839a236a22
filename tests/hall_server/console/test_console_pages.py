"""The console's pages as HTTP responses: every page in both languages, headers,
static files (and no escape from their folder), and the message catalogues: the same
keys in each language, and every key the templates and scripts use is in them."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from hall_server.web import console as web

PAGES = ["login", *web.PAGES]
STATIC = web.STATIC
TEMPLATES = web.HERE / "templates" / "console"


@pytest.fixture
def client(app):
    with TestClient(app) as c:
        yield c


def catalogue(lang: str) -> dict:
    return json.loads((STATIC / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES)
def test_each_page_renders_chinese_first_with_its_script_and_strict_headers(client, page):
    r = client.get(f"/console/{page}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert '<html lang="zh-CN">' in r.text and f'src="/console/static/js/{page}.js"' in r.text
    assert "script-src 'self'" in r.headers["content-security-policy"] and r.headers["cache-control"] == "no-store"
    assert "<script>" not in r.text  # no inline script: the CSP would refuse it
    embedded = re.search(r'<script type="application/json" id="i18n">(.*?)</script>', r.text, re.S).group(1)
    assert json.loads(embedded) == catalogue("zh-CN")


def test_english_is_chosen_by_query_and_then_remembered(client):
    first = client.get("/console/windows?lang=en")
    assert '<html lang="en">' in first.text and ">Windows</a>" in first.text
    assert first.cookies.get(web.LANG_COOKIE) == "en" or "hallterm_console_lang=en" in first.headers["set-cookie"]
    again = client.get("/console/queues")
    assert '<html lang="en">' in again.text and ">Queues</a>" in again.text
    back = client.get("/console/queues?lang=zh-CN")
    assert '<html lang="zh-CN">' in back.text and ">排队</a>" in back.text
    client.cookies.set(web.LANG_COOKIE, "en")
    assert '<html lang="zh-CN">' in client.get("/console/queues?lang=fr").text  # unknown: Chinese, not the cookie


def test_console_root_goes_to_the_windows_page(client):
    r = client.get("/console", follow_redirects=False)
    assert r.status_code == 307 and r.headers["location"] == "/console/windows"


def test_static_files_are_served_and_nothing_outside_their_folder(client):
    r = client.get("/console/static/js/core.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert client.get("/console/static/console.css").headers["content-type"].startswith("text/css")
    for path in ("../console.py", "..%2F..%2Fapp.py", "i18n/../../../console.py", "nope.js", "js"):
        r = client.get(f"/console/static/{path}")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found", path


def test_catalogues_have_the_same_keys_and_placeholders():
    zh, en = catalogue("zh-CN"), catalogue("en")
    assert zh.keys() == en.keys()
    for key in zh:
        assert set(re.findall(r"\{(\w+)\}", zh[key])) == set(re.findall(r"\{(\w+)\}", en[key])), key
        assert zh[key].strip() and en[key].strip(), key


def _used_keys() -> tuple[set[str], set[str]]:
    """Keys used literally, and prefixes of keys built from a template string."""
    literal, prefixes = set(), set()
    sources = [*sorted((STATIC / "js").glob("*.js")), *sorted(TEMPLATES.glob("*.html"))]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for key in re.findall(r"""\bt\(\s*["']([\w.]+)["']""", text):
            (prefixes if key.endswith(".") else literal).add(key)
        for prefix in re.findall(r"""\b(?:t|tOr)\(\s*`([\w.]+)\$\{""", text):
            prefixes.add(prefix)
        for prefix in re.findall(r"""\bt\(\s*["']([\w.]+\.)["']\s*~""", text):
            prefixes.add(prefix)
    return literal, prefixes


def test_every_message_the_pages_use_is_in_both_catalogues():
    literal, prefixes = _used_keys()
    assert len(literal) > 200 and "page." in prefixes and "alarm." in prefixes
    for lang in ("zh-CN", "en"):
        keys = catalogue(lang).keys()
        assert not sorted(literal - keys), (lang, sorted(literal - keys))
        for prefix in prefixes:
            assert any(k.startswith(prefix) for k in keys), (lang, prefix)


def test_every_alarm_kind_the_server_raises_has_words_in_both_languages():
    source = (web.HERE.parent / "console" / "alarms.py").read_text(encoding="utf-8")
    kinds = set(re.findall(r'Alarm\("(\w+)"', source)) | set(re.findall(r'"kind": "(\w+)"', source))
    kinds |= {"device_offline", "paper_out", "paper_near_end", "device_fault"}
    for lang in ("zh-CN", "en"):
        missing = [k for k in kinds if f"alarm.{k}" not in catalogue(lang)]
        assert not missing, (lang, missing)


def test_case_steps_of_the_domain_have_labels():
    from hall_server.domain.cases import STATE_NAMES, TRANSITIONS
    for lang in ("zh-CN", "en"):
        keys = catalogue(lang)
        assert all(f"case.action.{a}" in keys for a in TRANSITIONS), lang
        assert all(f"case.state.{s}" in keys for s in STATE_NAMES), lang


def test_no_remote_resources_in_pages_or_styles():
    for path in [*STATIC.rglob("*.*"), *TEMPLATES.glob("*.html")]:
        if path.suffix in (".js", ".css", ".html"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"(src|href)=[\"']https?://|@import|url\(\s*[\"']?https?:", text), path
            assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write", text), path


def test_docs_describe_every_console_setting():
    from hall_server.config.console import ConsoleSettings
    text = (Path(__file__).resolve().parents[3] / "docs" / "configuration.md").read_text(encoding="utf-8")
    section = text.split("\n### `[console]`\n", 1)[1].split("\n#", 1)[0]
    assert [k for k in ConsoleSettings.model_fields if f"`{k}`" not in section] == []
