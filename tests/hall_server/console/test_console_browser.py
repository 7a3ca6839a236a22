"""The manager console in real headless Chromium against a real hall server (the
example hall served over HTTP by uvicorn): sign-in and sign-out, a window's categories
reassigned and the next call following them, pause with a reason and resume, a kiosk's
help request arriving live and resolved, a 差评 case walked through its loop, queue
actions, and exports checked row by row."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module", autouse=True)
def office_hours(site):
    site.clock.set(site.clock.now().replace(hour=9, minute=30))


def test_sign_in_refuses_wrong_passwords_and_non_managers_then_signs_out(page, site):
    page.goto(site.url("windows"))
    page.wait_for_url("**/console/login?next=*")
    page.fill("#username", "manager")
    page.fill("#password", "wrong-password")
    page.click("#login-submit")
    page.wait_for_selector("#login-error:has-text('用户名或密码错误')")
    page.fill("#username", "counter-only")
    page.fill("#password", site.password)
    page.click("#login-submit")
    page.wait_for_selector("#login-error:has-text('不是大厅管理员')")
    assert page.evaluate("sessionStorage.length") == 0
    page.fill("#username", "manager")
    page.fill("#password", site.password)
    page.click("#login-submit")
    page.wait_for_url("**/console/windows")
    page.wait_for_selector("body[data-loaded=true]")
    assert page.locator("#windows-table tbody tr").count() == 22
    assert page.inner_text("#user-name") == "值班主任" and page.inner_text("#hall-name") == "某某市政务服务中心"
    token = page.evaluate("JSON.parse(sessionStorage.getItem('hallterm.console.session')).token")
    page.click("#logout")
    page.wait_for_url("**/console/login")
    assert page.evaluate("sessionStorage.length") == 0
    gone = site.session("manager").get(f"{site.base_url}/api/v1/console/board", headers={"Authorization": f"Bearer {token}"})
    assert gone.status_code == 401


def test_reassigned_categories_decide_the_next_call(manager, site):
    manager.open("windows")
    older = site.call("kiosk-01", "POST", "/tickets", {"category_code": "H"})
    site.clock.advance(minutes=1)
    newer = site.call("kiosk-01", "POST", "/tickets", {"category_code": "K"})
    manager.click("tr[data-window=w06] [data-action=categories]")   # w06 calls J, H, K
    dialog = manager.locator("#categories-dialog")
    dialog.locator("#chosen-categories li[data-code=J] [data-remove]").click()
    dialog.locator("#chosen-categories li[data-code=K] button[aria-label='上移']").click()
    assert dialog.locator("#chosen-categories li").evaluate_all("items => items.map(i => i.dataset.code)") == ["K", "H"]
    dialog.locator("button[value=ok]").click()
    manager.wait_for_selector("tr[data-window=w06] .chip:first-child:has-text('K')")
    assert [w["categories"] for w in site.call("manager", "GET", "/windows")["windows"] if w["id"] == "w06"] == [["K", "H"]]
    called = site.call("w06", "POST", "/windows/w06/call-next", {})
    assert called["number"] == newer["number"] != older["number"]  # K first, although H waited longer
    manager.wait_for_selector(f"tr[data-window=w06] .ticket:has-text('{newer['number']}')")


def test_pause_with_a_reason_then_resume(manager, site):
    manager.open("windows")
    manager.click("tr[data-window=w05] [data-action=pause]")
    dialog = manager.locator("#pause-dialog")
    dialog.get_by_label("会议学习").check()
    dialog.locator("input[name=detail]").fill("十点半回来")
    dialog.locator("button[value=ok]").click()
    row = manager.locator("tr[data-window=w05][data-state=paused]")
    row.wait_for()
    assert "会议学习：十点半回来" in row.inner_text()
    w05 = next(w for w in site.call("manager", "GET", "/windows")["windows"] if w["id"] == "w05")
    assert w05["state"] == "paused" and w05["pause_reason"] == "会议学习：十点半回来"
    refused = site.session("w05").post(f"{site.base_url}/api/v1/windows/w05/call-next", json={})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "window_paused"
    manager.click("tr[data-window=w05] [data-action=resume]")
    manager.locator("tr[data-window=w05][data-state=open]").wait_for()
    assert next(w for w in site.call("manager", "GET", "/windows")["windows"] if w["id"] == "w05")["state"] == "open"


def test_assign_a_clerk_to_a_window(manager, site):
    manager.open("windows")
    manager.click("tr[data-window=w03] [data-action=clerk]")
    manager.select_option("#clerk-select", "clerk07")
    manager.locator("#clerk-dialog button[value=ok]").click()
    manager.wait_for_selector("tr[data-window=w03] td:has-text('赵*')")
    w03 = next(w for w in site.call("manager", "GET", "/windows")["windows"] if w["id"] == "w03")
    assert w03["clerk"] == "clerk07"


def test_a_help_request_arrives_live_and_is_resolved(manager, site):
    manager.open("queues")
    assert manager.locator(".help-item").count() == 0
    site.call("kiosk-02", "POST", "/help-requests", {"location": "一楼大厅 2号机", "reason": "身份证读不出"})
    item = manager.locator(".help-item:has-text('一楼大厅 2号机')")
    item.wait_for(timeout=8000)  # the event stream, not the 20-second refresh, brings it
    assert "身份证读不出" in item.inner_text()
    manager.wait_for_selector(".alarm-chip[data-kind=help_open]")
    item.locator("[data-action=resolve]").click()
    manager.fill("#resolve-dialog textarea[name=note]", "已引导至 1 号窗口")
    manager.locator("#resolve-dialog button[value=ok]").click()
    item.wait_for(state="detached")
    resolved = site.call("manager", "GET", "/help-requests?state=resolved")["help_requests"]
    assert [(r["device"], r["resolved_by"], r["note"]) for r in resolved] == [("kiosk-02", "manager", "已引导至 1 号窗口")]


def test_queue_actions_prioritise_transfer_and_cancel(manager, site):
    tickets = [site.call("kiosk-03", "POST", "/tickets", {"category_code": "Z"}) for _ in range(3)]
    manager.open("queues")
    manager.click("[data-category=Z]")
    row = lambda t: manager.locator(f"tr[data-ticket='{t['id']}']")
    row(tickets[2]).locator("[data-action=prioritise]").click()
    manager.locator("#confirm-dialog button[value=ok]").click()
    row(tickets[2]).locator(".prio-green").wait_for()
    row(tickets[1]).locator("[data-action=transfer]").click()
    manager.select_option("#transfer-category", "Y")
    manager.locator("#transfer-dialog button[value=ok]").click()
    row(tickets[1]).wait_for(state="detached")  # the list shows category Z only
    row(tickets[0]).locator("[data-action=cancel]").click()
    manager.locator("#confirm-dialog button[value=ok]").click()
    row(tickets[0]).wait_for(state="detached")
    states = {t["id"]: site.call("manager", "GET", f"/tickets/{t['id']}") for t in tickets}
    assert states[tickets[2]["id"]]["priority"] == "green"
    assert states[tickets[1]["id"]]["category"] == "Y" and states[tickets[1]["id"]]["number"] == tickets[1]["number"]
    assert states[tickets[0]["id"]]["state"] == "cancelled"


def bad_review(site, window="w09", category="A"):
    ticket = site.call("kiosk-01", "POST", "/tickets", {"category_code": category})
    site.call(window, "POST", f"/windows/{window}/call", {"ticket_id": ticket["id"]})
    site.call(window, "POST", f"/windows/{window}/start", {})
    site.call(window, "POST", f"/windows/{window}/finish", {})
    rated = site.call(window, "POST", "/evaluations", {"ticket_id": ticket["id"], "level": 1,
                                                       "reasons": ["态度不好"], "comment": "窗口人员不耐烦"})
    return ticket, rated["case_id"]


def test_a_bad_review_case_is_walked_through_its_loop(manager, site):
    manager.open("cases")
    ticket, case_id = bad_review(site)
    row = manager.locator(f"tr[data-case='{case_id}']")
    row.wait_for(timeout=8000)  # live, through the event stream
    row.click()
    detail = manager.locator("#case-detail")
    detail.locator(f"text={ticket['number']}").first.wait_for()
    assert "窗口人员不耐烦" in detail.inner_text() and "态度不好" in detail.inner_text()
    steps = [("verify", "已电话回访，情况属实"), ("rectify", "已批评教育并纳入月度考核"),
             ("reply", "已电话反馈群众，群众认可"), ("close", "")]
    for action, note in steps:
        button = detail.locator(f"[data-step={action}]")
        button.wait_for()
        if action == "rectify":
            button.click()
            detail.locator(".form-error:has-text('须填写处理说明')").wait_for()
        manager.fill("#case-note", note)
        button.click()
        detail.locator(f"[data-step={action}]").wait_for(state="detached")
    detail.locator("text=该工单已结束").wait_for()
    case = site.call("manager", "GET", f"/cases/{case_id}")
    assert case["state"] == "closed"
    assert [(h["action"], h["actor"], h["note"]) for h in case["history"]][1:] == [
        ("verify", "manager", steps[0][1]), ("rectify", "manager", steps[1][1]), ("reply", "manager", steps[2][1]),
        ("close", "manager", None)]


def read_download(tab, button_selector) -> tuple[str, bytes]:
    with tab.expect_download() as info:
        tab.click(button_selector)
    download = info.value
    return download.suggested_filename, download.path().read_bytes()


def test_exports_from_the_statistics_page(manager, site):
    manager.open("stats")
    issued = site.call("manager", "GET", "/console/stats")["totals"]["issued"]
    assert manager.inner_text("[data-kpi=issued] .value") == str(issued) and issued > 0
    name, body = read_download(manager, "[data-export=tickets]")
    assert name == "hallterm-tickets-2026-11-23.csv"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:2] == ["日期", "号码"] and len(rows) == issued + 1
    assert {r[1] for r in rows[1:]} == {t["number"] for t in tickets_today(site)}
    name, body = read_download(manager, "[data-export=all]")
    assert name.endswith(".xlsx")
    book = load_workbook(io.BytesIO(body))
    sheet = [[("" if v is None else v) for v in r] for r in book["明细"].iter_rows(values_only=True)]
    assert [r[1] for r in sheet] == [r[1] for r in rows] and len(sheet) == len(rows)
    assert [str(r[6]) for r in sheet] == [r[6] for r in rows]


def tickets_today(site):
    found = []
    for state in ("waiting", "called", "serving", "done", "no_show", "cancelled"):
        found += site.call("manager", "GET", f"/tickets?state={state}")["tickets"]
    return found


def test_language_toggle_and_printable_report(manager, site):
    manager.open("windows")
    manager.click("a.lang")
    manager.wait_for_selector("nav a[aria-current=page]:has-text('Windows')")
    manager.wait_for_selector("body[data-loaded=true]")
    assert "Waiting" in manager.inner_text("#window-summary")
    manager.open("report")
    assert manager.inner_text("h1#report-title").endswith("daily report")
    manager.click("a.lang")
    manager.wait_for_selector("h1#report-title:has-text('大厅运行日报')")
    manager.wait_for_selector("#report-totals th:has-text('取号')")
    manager.emulate_media(media="print")
    assert manager.locator("header.top").is_hidden() and manager.locator(".report-toolbar").is_hidden()
    assert manager.locator("#report-hourly svg rect").count() > 0
    manager.emulate_media(media="screen")


def test_devices_show_paper_and_offline_problems(manager, site):
    site.call("kiosk-04", "POST", "/devices/heartbeat",
              {"device": "kiosk-04", "components": {"printer": {"ok": True, "paper": "near_end"}, "idcard": {"ok": True}}})
    manager.open("devices")
    row = manager.locator("tr[data-device=kiosk-04][data-online=true]")
    assert "号票打印机纸将用尽" in row.inner_text()
    manager.wait_for_selector(".alarm-chip[data-kind=paper_near_end]")
    site.call("kiosk-04", "POST", "/devices/heartbeat",
              {"device": "kiosk-04", "components": {"printer": {"ok": True, "paper": "out"}, "idcard": {"ok": True}}})
    manager.wait_for_selector("tr[data-device=kiosk-04]:has-text('号票打印机缺纸')", timeout=8000)  # live
    site.clock.advance(minutes=6)
    manager.open("devices")
    assert "离线已 6 分钟" in manager.locator("tr[data-device=kiosk-04][data-online=false]").inner_text()
    site.clock.advance(minutes=-6)
