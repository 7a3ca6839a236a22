"""The hall display and the phone page in real headless Chromium against the real
server process: live calls, waiting counts, recalls, zones, a server restart with
calls missed meanwhile, the phone page, and the screenshots in docs/screens."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

SCREENS = Path(__file__).resolve().parents[3] / "docs" / "screens"
LIVE = "document.body.dataset.stream === 'live'"
PERSONAL_KEYS = {"name", "name_masked", "id_masked", "id_card", "person_hash", "person_masked", "phone"}


def synthetic_id(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def open_display(page, demo, zone=None):
    page.goto(demo.display_url(zone))
    page.wait_for_function(LIVE, timeout=15000)


def now_number(page) -> str | None:
    return page.evaluate("document.getElementById('now').dataset.number || null")


def wait_now(page, number: str, timeout: float = 10000):
    page.wait_for_function("n => document.getElementById('now').dataset.number === n", arg=number, timeout=timeout)


def recent_numbers(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('#recent li')].map(li => li.dataset.number)")


def waiting_of(page, category: str) -> int:
    return int(page.get_attribute(f"#waiting li[data-category={category}]", "data-waiting"))


def test_the_display_shows_a_call_and_the_waiting_counts(demo, tv):
    open_display(tv, demo)
    before = waiting_of(tv, "H")
    demo.issue("H")
    tv.wait_for_function(f"document.querySelector('#waiting li[data-category=H]').dataset.waiting === '{before + 1}'",
                         timeout=10000)
    counts = {code: waiting_of(tv, code) for code in ("H", "J", "K")}
    started = time.monotonic()
    ticket = demo.post("/windows/w04/call-next")
    wait_now(tv, ticket["number"])
    assert waiting_of(tv, ticket["category"]) == counts[ticket["category"]] - 1
    print(f"call shown {1000 * (time.monotonic() - started):.0f} ms after the request")
    assert tv.inner_text("#caption") == f"请 {ticket['number']} 号 到 4 号窗口 办理"
    assert tv.inner_text("#now-window") == "4"
    assert recent_numbers(tv)[0] == ticket["number"]
    assert tv.is_hidden("#recall-badge")


def test_a_recall_flashes_again(demo, tv):
    open_display(tv, demo)
    tv.evaluate("window.flashes = 0; document.getElementById('now').addEventListener('animationstart', () => window.flashes++)")
    demo.issue("Z")
    ticket = demo.post("/windows/w01/call-next", role="counter")
    wait_now(tv, ticket["number"])
    tv.wait_for_function("window.flashes === 1", timeout=5000)
    demo.post("/windows/w01/recall", role="counter")
    tv.wait_for_function("window.flashes === 2", timeout=10000)
    assert tv.is_visible("#recall-badge") and tv.inner_text("#recall-badge") == "再次呼叫"
    assert "重呼" in tv.inner_text("#recent li:first-child")
    assert tv.evaluate("document.getElementById('now').classList.contains('flash')")


def test_a_zone_screen_shows_only_its_zone(demo, browser):
    pages = {}
    for zone in ("RS", "ZH"):
        pages[zone] = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
        open_display(pages[zone], demo, zone)
    rs, zh = pages["RS"], pages["ZH"]
    assert zh.evaluate("[...document.querySelectorAll('#waiting li')].map(li => li.dataset.category)") == ["H", "J", "K"]
    assert rs.evaluate("[...document.querySelectorAll('#waiting li')].map(li => li.dataset.category)") == ["A", "B"]
    assert zh.evaluate("[...document.querySelectorAll('.window-tile')].map(t => t.dataset.window)") == \
        ["w04", "w05", "w06", "w07", "w08"]
    assert "综合受理板块" in zh.inner_text(".masthead")
    shown_in_zh = now_number(zh)
    demo.issue("A")
    ticket = demo.post("/windows/w09/call-next")
    wait_now(rs, ticket["number"])
    rs.wait_for_function("n => document.querySelector('.window-tile[data-window=w09] .wt').textContent === n",
                         arg=ticket["number"], timeout=5000)
    seq = int(rs.get_attribute("#now", "data-seq"))
    zh.wait_for_function(f"Number(document.body.dataset.seq) >= {seq}", timeout=10000)
    assert now_number(zh) == shown_in_zh and ticket["number"] not in recent_numbers(zh)
    for page in pages.values():
        page.context.close()


def test_after_a_server_restart_the_display_shows_every_call_it_missed(demo, tv):
    open_display(tv, demo)
    demo.stop()
    tv.wait_for_function("document.body.dataset.stream !== 'live'", timeout=10000)
    tv.route("**/api/v1/events**", lambda route: route.abort())     # the stream stays down meanwhile
    demo.start()
    missed = []
    for window in ("w05", "w06"):
        demo.issue("J")
        missed.append(demo.post(f"/windows/{window}/call-next")["number"])
    time.sleep(0.5)
    assert not set(missed) & set(recent_numbers(tv))
    tv.unroute("**/api/v1/events**")
    tv.wait_for_function("ns => ns.every(n => [...document.querySelectorAll('#recent li')].some(li => li.dataset.number === n))",
                         arg=missed, timeout=20000)
    assert now_number(tv) == missed[-1]
    assert recent_numbers(tv)[:2] == missed[::-1]
    tv.wait_for_function(LIVE, timeout=5000)


def test_the_display_says_when_its_token_is_missing_or_wrong(demo, tv):
    tv.goto(f"{demo.base_url}/display")
    assert "未授权" in tv.inner_text("#overlay")
    tv.goto(f"{demo.base_url}/display?token=not-a-token")
    tv.wait_for_selector("#overlay:not([hidden])")
    assert "无效" in tv.inner_text("#overlay")


def test_the_phone_page_follows_the_ticket_and_shows_no_personal_data(demo, browser):
    number = synthetic_id("11010519850307123")
    ticket = demo.issue("K", {"number": number, "name": "张三丰"})
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.clock.install()            # the page polls every 5 s; the test moves its clock instead of waiting
    bodies = []
    page.on("response", lambda r: bodies.append(r.json()) if "/ticket-status/" in r.url else None)
    page.goto(f"{demo.base_url}/t/{ticket['status_token']}")
    page.wait_for_selector("body[data-state=waiting]", timeout=10000)
    assert page.inner_text("#number") == ticket["number"] and page.inner_text("#category") == "住房公积金"
    assert int(page.inner_text("#ahead")) >= 0 and page.is_visible("#facts")
    demo.post("/windows/w07/call", {"ticket_id": ticket["id"]})
    page.clock.fast_forward(6000)
    page.wait_for_selector("body[data-state=called]", timeout=10000)
    assert page.inner_text("#state") == "请到 7 号窗口办理"
    assert page.is_hidden("#facts")
    text = page.inner_text("body") + page.content()
    for secret in ("张", "三丰", number, number[:6], number[-4:], ticket["id"]):
        assert secret not in text
    assert bodies and not any(set(body) & PERSONAL_KEYS for body in bodies)
    assert not any(secret in str(body) for body in bodies for secret in ("张", number[:6], number[-4:]))
    context.close()


def test_an_unknown_ticket_says_so(demo, browser):
    page = browser.new_page()
    page.goto(f"{demo.base_url}/t/no-such-ticket-token")
    page.wait_for_selector("body[data-state=unknown]", timeout=10000)
    assert "没有找到" in page.inner_text("#state")
    page.close()


@pytest.mark.skipif(not os.environ.get("HALLTERM_SCREENSHOTS"), reason="set HALLTERM_SCREENSHOTS=1 to refresh docs/screens")
def test_screenshots(demo, browser):
    """docs/screens/display.png, display-zone.png, ticket-status-phone.png on a busy hall."""
    cards = iter(synthetic_id(f"3701021975{m:02d}{d:02d}123") for m in range(1, 13) for d in range(1, 29))
    for category, count in {"A": 14, "B": 6, "C": 5, "D": 3, "E": 6, "F": 4, "G": 2, "H": 9, "J": 7, "K": 4,
                            "Y": 1, "Z": 3}.items():
        for _ in range(count):
            demo.issue(category, {"number": next(cards), "name": "测试"} if category in "CDEFG" else None)
    page = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    open_display(page, demo)
    for window in ("w10", "w14", "w18", "w12", "w08", "w20"):
        if window == "w08":
            demo.post("/windows/w08/open")
        demo.post(f"/windows/{window}/call-next")
    page.wait_for_timeout(2500)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "display.png"))
    zone = page.context.new_page()
    open_display(zone, demo, "ZH")
    zone.wait_for_timeout(1500)
    zone.screenshot(path=str(SCREENS / "display-zone.png"))
    phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True).new_page()
    ticket = demo.issue("H")
    phone.goto(f"{demo.base_url}/t/{ticket['status_token']}")
    phone.wait_for_selector("body[data-state=waiting]")
    phone.screenshot(path=str(SCREENS / "ticket-status-phone.png"))
