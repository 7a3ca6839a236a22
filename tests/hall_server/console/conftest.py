"""A real hall server for console browser tests: ``create_app`` on the example hall,
served by uvicorn in a thread on a free port, on a fake clock, with a manager login,
a clerk and a device token per window, kiosks and a display; plus a seeded morning
(tickets served and rated, bad reviews, pauses, devices, a help request)."""
from __future__ import annotations

import json
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
import uvicorn

from hall_server import auth
from hall_server.app import Settings, build_hall, create_app
from hall_server.clock import FakeClock

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "config" / "hall.example.toml"
CST = timezone(timedelta(hours=8))
MONDAY = datetime(2026, 11, 23, 8, 55, tzinfo=CST)
PASSWORD = "console-test-pass"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁"
NO_REAL_NAME = {"Z"}  # 咨询与帮办代办 takes no ID card; the other queues accept or need one


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def synthetic_id(serial: int) -> str:
    """A synthetic ID number (region 370102, born 1980-01-01) with a valid GB 11643 check digit."""
    first17 = f"37010219800101{serial % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


@dataclass
class HallSite:
    """The running server and everything a test needs to talk to it."""

    hall: object
    clock: FakeClock
    base_url: str
    tokens: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)
    password: str = PASSWORD

    def session(self, name: str) -> requests.Session:
        if name not in self.sessions:
            s = requests.Session()
            s.headers["Authorization"] = f"Bearer {self.tokens[name]}"
            self.sessions[name] = s
        return self.sessions[name]

    def call(self, who: str, method: str, path: str, body=None, ok=(200, 201)) -> dict:
        r = self.session(who).request(method, f"{self.base_url}/api/v1{path}", json=body, timeout=10)
        assert r.status_code in ok, f"{method} {path}: {r.status_code} {r.text}"
        return r.json() if r.content else {}

    def url(self, page: str) -> str:
        return f"{self.base_url}/console/{page}"


def _users_and_tokens(hall) -> dict:
    """Users (a manager, a counter-only account, one clerk per window) and device
    tokens. Passwords are hashed once: argon2 is slow on purpose, and 24 hashes of
    the same password would only slow the tests down."""
    tokens = {}
    hashed = auth.hash_password(PASSWORD)
    people = [("manager", "manager", "值班主任", None, None), ("counter-only", "counter", "窗口账号", "9999", "w01")]
    people += [(f"clerk{i + 1:02d}", "counter", f"{SURNAMES[i]}*", f"{i + 1:04d}", w.id)
               for i, w in enumerate(hall.config.windows)]
    with hall.store.transaction(hall.now()) as tx:
        for username, role, name, staff_no, window_id in people:
            tx.insert("users", {"username": username, "password_hash": hashed, "role": role, "display_name": name,
                                "staff_no": staff_no, "window_id": window_id, "failed_count": 0, "locked_until": None,
                                "disabled": 0, "created_at": tx.at.isoformat()})
        for window in hall.config.windows:
            tokens[window.id] = auth.create_device_token(tx, f"counter-{window.id}", "counter", window.id)
        for n in range(1, 5):
            tokens[f"kiosk-{n:02d}"] = auth.create_device_token(tx, f"kiosk-{n:02d}", "kiosk")
        for role in ("manager", "display", "admin", "agent"):
            tokens[role] = auth.create_device_token(tx, f"test-{role}", role)
    return tokens


class ServerThread:
    def __init__(self, app, port: int):
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                                    timeout_graceful_shutdown=1))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A fresh example hall served over HTTP; one per test module."""
    clock = FakeClock(MONDAY)
    hall = build_hall(Settings(config_path=EXAMPLE, data_dir=tmp_path_factory.mktemp("hall"), clock=clock))
    tokens = _users_and_tokens(hall)
    port = free_port()
    server = ServerThread(create_app(hall=hall), port)
    server.start()
    yield HallSite(hall, clock, f"http://127.0.0.1:{port}", tokens)
    server.stop()
    hall.store.close()


@pytest.fixture(scope="module")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _watched_tab(context):
    """A tab that records script errors, CSP violations and console warnings."""
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda exc: problems.append(f"pageerror: {exc}"))
    tab.on("console", lambda m: problems.append(f"console.{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    tab.problems = problems
    return tab


def _no_problems(tab) -> None:
    # A refused request (a wrong password, 401 after sign-out) is logged by the browser
    # as "Failed to load resource ... status of 4xx"; that is the test's point, not a fault.
    assert not [p for p in tab.problems if "status of 4" not in p], tab.problems


@pytest.fixture
def page(browser):
    """A fresh 1440×900 tab; the test fails on any script error or CSP violation."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True)
    tab = _watched_tab(context)
    yield tab
    context.close()
    _no_problems(tab)


def open_page(tab, site: HallSite, page: str) -> None:
    """Go to a console page of a signed-in tab and wait until its data is shown."""
    tab.goto(site.url(page))
    tab.wait_for_selector("body[data-loaded=true]")


@pytest.fixture(scope="module")
def manager_session(site) -> str:
    """The manager's console session (signed in once per module through the API)."""
    r = requests.post(f"{site.base_url}/api/v1/auth/login", json={"username": "manager", "password": PASSWORD}, timeout=30)
    assert r.status_code == 200, r.text
    body = r.json()
    return json.dumps({"token": body["token"], "role": body["role"], "expires_at": body["expires_at"],
                       "username": "manager", "display_name": body["display_name"]}, ensure_ascii=False)


@pytest.fixture(scope="module")
def manager(browser, site, manager_session):
    """One tab per module signed in as the hall manager (the session put where the
    login page puts it); ``manager.open(page)`` goes to a console page and waits for
    its data. The module fails on any script error or CSP violation in it."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", accept_downloads=True)
    context.add_init_script(f"sessionStorage.setItem('hallterm.console.session', {json.dumps(manager_session)});")
    tab = _watched_tab(context)
    tab.open = lambda name: open_page(tab, site, name)
    yield tab
    context.close()
    _no_problems(tab)


# ---------------------------------------------------------------- a seeded morning

class Morning:
    """A hall morning driven through the API minute by minute: kiosks issue tickets,
    every open window calls, serves and has the service rated, a few rate badly."""

    LEVELS = [5] * 62 + [4] * 25 + [3] * 8 + [2] * 3 + [1] * 2
    BUSY = {"A": 7, "B": 4, "C": 6, "D": 2, "E": 3, "F": 3, "G": 2, "H": 5, "J": 4, "K": 3, "Y": 1, "Z": 3}
    SERVICE_MIN = {"C": (12, 22), "D": (8, 16), "H": (8, 18), "A": (4, 10), "B": (4, 10)}

    def __init__(self, site: HallSite, seed: int = 7):
        self.site, self.rng = site, random.Random(seed)
        self.busy: dict[str, dict] = {}
        self.serial = 0
        self.services = {}
        for s in site.hall.config.services:
            self.services.setdefault(s.category, []).append(s.code)

    def issue(self, category: str, kiosk: str = "kiosk-01") -> dict:
        self.serial += 1
        body = {"service_code": self.rng.choice(self.services[category]), "channel": "kiosk",
                "priority": "green" if self.rng.random() < 0.05 else "normal"}
        if category not in NO_REAL_NAME:
            body["id_card"] = {"number": synthetic_id(self.serial), "name": "测试"}
        return self.site.call(kiosk, "POST", "/tickets", body, ok=(201, 409))

    def arrivals(self, scale: float) -> None:
        weights = list(self.BUSY.values())
        for _ in range(self.rng.choices([0, 1, 2, 3], [0.25, 0.35, 0.3, 0.1])[0] if scale else 0):
            category = self.rng.choices(list(self.BUSY), weights)[0]
            self.issue(category, f"kiosk-{self.rng.randint(1, 3):02d}")

    def window_minute(self, window: dict, waiting: dict, now: datetime) -> None:
        window_id = window["id"]
        job = self.busy.get(window_id)
        call = lambda path: self.site.call(window_id, "POST", f"/windows/{window_id}/{path}", {}, ok=(200, 404, 409))
        if job is None:
            if window["state"] != "open" or not any(waiting.get(c) for c in window["categories"]):
                return
            ticket = call("call-next")
            if "number" in ticket:
                low, high = self.SERVICE_MIN.get(ticket["category"], (3, 9))
                self.busy[window_id] = {"ticket": ticket, "start": now + timedelta(minutes=1),
                                        "end": now + timedelta(minutes=1 + self.rng.randint(low, high)),
                                        "no_show": self.rng.random() < 0.04, "started": False}
            return
        if not job["started"] and now >= job["start"]:
            if job["no_show"]:
                call("skip")
                del self.busy[window_id]
                return
            call("start")
            job["started"] = True
        elif job["started"] and now >= job["end"]:
            call("finish")
            del self.busy[window_id]
            if self.rng.random() < 0.8:
                self.rate(window_id, job["ticket"]["id"], self.rng.choice(self.LEVELS))

    def rate(self, window_id: str, ticket_id: str, level: int, reasons=None) -> dict:
        reasons = reasons or (["等候时间过长"] if level <= 2 else [])
        return self.site.call(window_id, "POST", "/evaluations", {"ticket_id": ticket_id, "level": level,
                                                                  "reasons": reasons, "channel": "pad"})

    def run(self, until: datetime, scale: float = 1.0) -> None:
        clock = self.site.clock
        while clock.now() < until:
            clock.advance(minutes=1)
            self.arrivals(scale)
            queue = self.site.call("manager", "GET", "/queue")
            waiting = {c["code"]: c["waiting"] for c in queue["categories"]}
            for window in queue["windows"]:
                self.window_minute(window, waiting, clock.now())
                for code in window["categories"]:
                    if window["id"] in self.busy and waiting.get(code):
                        waiting[code] -= 1
                        break


def seed_bad_reviews(site: HallSite) -> list[str]:
    """Four services rated badly two weeks and one week ago: cases past their deadline,
    one due today, one taken through the whole loop. Returns the case ids."""
    morning = Morning(site, seed=3)
    opened = []
    for day, minute, level, reasons in ((9, 10, 1, ["态度不好"]), (9, 40, 2, ["等候时间过长", "多次跑动"]),
                                        (16, 70, 2, ["材料要求不清"]), (16, 135, 1, ["效率太低", "未一次性告知"])):
        site.clock.set(datetime(2026, 11, day, 9, 0, tzinfo=CST) + timedelta(minutes=minute))
        ticket = morning.issue("H")
        site.call("w04", "POST", "/windows/w04/call", {"ticket_id": ticket["id"]})
        site.call("w04", "POST", "/windows/w04/start", {})
        site.clock.advance(minutes=9)
        site.call("w04", "POST", "/windows/w04/finish", {})
        opened.append(morning.rate("w04", ticket["id"], level, reasons)["case_id"])
    site.call("manager", "POST", f"/cases/{opened[1]}/verify", {"note": "已电话回访，情况属实"})
    for action, note in (("verify", "已回访核实"), ("rectify", "已对窗口人员提醒谈话，材料清单已更新"),
                         ("reply", "已电话告知群众整改结果，群众表示认可"), ("close", None)):
        site.call("manager", "POST", f"/cases/{opened[2]}/{action}", {"note": note})
    return opened


def assign_clerks(site: HallSite) -> None:
    """AB岗 as a morning starts: every window but a few has its clerk."""
    for index, window in enumerate(site.hall.config.windows):
        if index % 5 != 4:
            site.call("manager", "PUT", f"/windows/{window.id}/clerk", {"clerk": f"clerk{index + 1:02d}"})


def seed_devices(site: HallSite) -> None:
    for n, paper in ((1, "ok"), (2, "near_end"), (4, "ok")):
        heartbeat(site, f"kiosk-{n:02d}", {"printer": {"ok": True, "paper": paper}, "idcard": {"ok": True},
                                           "scanner": {"ok": True}})
    for window in ("w04", "w09", "w14", "w18"):
        heartbeat(site, window, {"evalpad": {"ok": True}, "led": {"ok": True}}, device=f"counter-{window}")
    heartbeat(site, "display", {"screen": {"ok": True}}, device="display-hall")
    heartbeat(site, "agent", {"voice": {"ok": True}, "led": {"ok": True}}, device="agent-voice-led")


def seed_day(site: HallSite, until: datetime) -> None:
    """This Monday: clerks on windows, a morning of service, pauses, devices, help."""
    assign_clerks(site)
    seed_bad_reviews(site)
    site.clock.set(MONDAY)
    site.call("manager", "POST", "/windows/w08/open", {})
    site.call("manager", "POST", "/windows/w17/close", {})
    site.call("manager", "POST", "/windows/w21/close", {})
    morning = Morning(site)
    morning.run(MONDAY.replace(hour=9, minute=40))
    help_id = site.call("kiosk-02", "POST", "/help-requests", {"location": "一楼大厅 2号机", "reason": "身份证读不出"})["id"]
    morning.run(MONDAY.replace(hour=9, minute=44))
    site.call("manager", "POST", f"/help-requests/{help_id}/resolve", {"note": "证件芯片受损，已引导至 1 号窗口人工取号"})
    morning.run(MONDAY.replace(hour=10, minute=40))
    site.call("manager", "POST", "/windows/w07/pause", {"reason": "临时离岗：取材料"})
    morning.run(MONDAY.replace(hour=10, minute=55))
    site.call("manager", "POST", "/windows/w07/resume", {})
    site.call("manager", "POST", "/windows/w16/pause", {"reason": "系统故障：等待不动产系统恢复"})
    heartbeat(site, "kiosk-03", {"printer": {"ok": True, "paper": "ok"}, "idcard": {"ok": True}})
    morning.run(until - timedelta(minutes=3), scale=1.0)
    seed_devices(site)
    for _ in range(9):
        morning.issue("C", "kiosk-02")
    site.call("kiosk-01", "POST", "/help-requests", {"location": "24小时自助区 1号机", "reason": "老年人不会操作，需要人工帮办"})
    site.clock.set(until)


def heartbeat(site: HallSite, who: str, components: dict, device: str | None = None) -> None:
    site.call(who, "POST", "/devices/heartbeat", {"device": device or who, "components": components})
