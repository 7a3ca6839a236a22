"""Render the console and the resident's screen to PNG for docs/screens (no server needed).

``python -m kiosk.counter.ui.screenshots docs/screens`` (under ``QT_QPA_PLATFORM=offscreen``
or ``xvfb-run -a``) writes counter-console-zh.png, counter-console-en.png,
counter-evaluation-zh.png and counter-evaluation-bad-zh.png. The data are a sample
window (synthetic masked person, appointment); the widgets are the production ones.
"""
from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk.counter.core import actions as A
from kiosk.counter.core.console import ConsoleSettings, CounterConsole
from kiosk.counter.core.evaluation import RATED, EvaluationPrompt
from kiosk.counter.core.intents import ServerReplied
from kiosk.counter.core.messages import notice
from kiosk.counter.core.model import ClerkInfo
from kiosk.counter.core.ops import LoadState
from kiosk.counter.ui.console_window import ConsoleWindow
from kiosk.counter.ui.evaluation_screen import EvaluationScreen
from kiosk.counter.ui.shell import ConsoleShell
from kiosk.counter.ui.translations import Translations

TZ = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 10, 24, 5, tzinfo=TZ)
REASONS = ("态度不好", "效率太低", "多次跑动", "材料要求不清", "等候时间过长", "政策解释不清", "未一次性告知", "其他")


def _ticket(number: str, minutes_ago: int, **extra) -> dict:
    return {"id": f"t-{number}", "number": number, "state": "waiting", "category": number[0],
            "category_name": {"A": "社会保险", "B": "医疗保障"}[number[0]], "priority": "normal",
            "issued_at": (NOW - timedelta(minutes=minutes_ago)).isoformat(), **extra}


def sample_state() -> dict:
    """A busy morning at window 5: one ticket in service, eight waiting, one no-show."""
    started = NOW - timedelta(minutes=6, seconds=42)
    current = _ticket("A023", 31, state="serving", service_name="城乡居民养老保险参保登记", priority="appointment",
                      appointment_code="YY20261123-0457", name_masked="张*", id_masked="3701**********123X",
                      window_id="w05", started_at=started.isoformat(),
                      history=[{"at": (started + timedelta(minutes=2)).isoformat(), "action": "suspend"},
                               {"at": (started + timedelta(minutes=3, seconds=30)).isoformat(), "action": "resume"}])
    waiting = [_ticket("A024", 28), _ticket("A025", 26, priority="green"), _ticket("B011", 25),
               _ticket("A026", 19), _ticket("A027", 15, priority="appointment", appointment_code="YY-0460"),
               _ticket("B012", 12, requeue_count=1), _ticket("A028", 7), _ticket("A029", 3)]
    no_show = _ticket("A021", 40, state="no_show", window_id="w05", called_at=(NOW - timedelta(minutes=9)).isoformat())
    window = {"id": "w05", "number": 5, "name": "5号窗口 社保医保", "state": "open", "categories": ["A", "B"],
              "clerk": "li.na", "current_ticket": {"id": "t-A023", "number": "A023", "state": "serving"}}
    return {"window": window, "waiting": waiting, "no_shows": [no_show], "current": current,
            "server_time": NOW.isoformat()}


class _NoServer:
    """The screenshots never reach a server."""

    def __getattr__(self, name):
        raise RuntimeError("no server in screenshots")


def console_window(language: str, translations: Translations) -> ConsoleWindow:
    console = CounterConsole("w05", ClerkInfo("li.na", "李娜", "0107"), ConsoleSettings(),
                             monotonic=lambda: 0.0, wall_clock=lambda: NOW)
    console.handle(ServerReplied(LoadState("w05"), sample_state()))
    console.loading = False
    translations.use(language)
    shell = ConsoleShell(console, _NoServer())
    window = ConsoleWindow(shell, A.HotkeyMap(), categories=[("A", "A 社会保险"), ("B", "B 医疗保障")],
                           windows=[("w06", "6号窗口")], language=language, translations=translations)
    window.device_status("pad", _Status(True))
    window.device_status("led", _Status(True))
    console.notice = notice("started", number="A023")
    console.prompt = EvaluationPrompt("t-A022", "A022", "sample", 30, status=RATED)
    window.render()
    window.resize(1366, 800)
    return window


class _Status:
    def __init__(self, ok: bool):
        self.ok, self.message, self.state = ok, "", "ok"


def resident_screen(bad: bool) -> EvaluationScreen:
    screen = EvaluationScreen(REASONS)
    screen.show_clerk("李娜", "0107", "5号窗口")
    screen.retranslate()
    screen.ask("A023", 30)
    screen.countdown.stop()
    if bad:
        screen.choose(2)
        screen.toggle("效率太低")
        screen.toggle("多次跑动")
    screen.resize(1280, 800)
    return screen


def main(argv: list[str] | None = None) -> int:
    out = Path((argv if argv is not None else sys.argv[1:] or ["docs/screens"])[0])
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    app.setFont(QFont("Noto Sans CJK SC", 11))
    translations = Translations(app)
    for language in ("zh", "en"):
        window = console_window(language, translations)
        window.grab().save(str(out / f"counter-console-{language}.png"))
        window.shell.close()
    translations.use("zh")
    resident_screen(False).grab().save(str(out / "counter-evaluation-zh.png"))
    resident_screen(True).grab().save(str(out / "counter-evaluation-bad-zh.png"))
    QCoreApplication.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
