"""The real Qt screens on the rehearsal hall: wipe, idle, help, printer gate, server notice,
lock-down and maintenance. (The real-server runs are in test_kiosk_ui_e2e.py.)"""
from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

from PySide6.QtCore import QPoint, Qt

from kiosk.core.errors import HallApiError
from kiosk.core.intents import (CardSwiped, Choose, Done, Home, Open, PrinterChanged, PrinterHealth, Tick,
                                ToggleElderly, UseKeypad)
from kiosk.core.screens import Confirmation, HomeScreen, Refused
from kiosk.core.take_number import ChooseCategory, RealName

CARD = SimpleNamespace(number="11010519491231002X", name="欧阳娜娜")   # synthetic


def _service(kiosk, rule):
    return next(s for s in kiosk.runtime.session.directory.services if s.real_name == rule)


def _to_real_name(kiosk, rule="required"):
    service = _service(kiosk, rule)
    kiosk.send(Open("take_number"), Choose(service.category), Choose(service.code))
    assert isinstance(kiosk.screen, RealName)
    return service


def _expire(kiosk):
    session = kiosk.runtime.session
    timeout, _ = session.settings.idle.limits(session.elderly)
    session.last_activity = session._clock() - timedelta(seconds=timeout + 1)
    kiosk.send(Tick())


def test_take_number_with_card_shows_the_number_then_home_wipes_every_text(rehearsal):
    kiosk = rehearsal
    _to_real_name(kiosk, "optional")
    kiosk.send(CardSwiped(CARD))
    screen = kiosk.wait_screen(Confirmation)
    assert screen.view.number in kiosk.view().number.text()
    assert "欧*" in kiosk.texts() and CARD.name not in kiosk.texts()       # only ever masked
    assert kiosk.printer.printed[-1].number == screen.view.number
    kiosk.send(Done())
    assert isinstance(kiosk.screen, HomeScreen)
    texts = kiosk.texts()
    assert screen.view.number not in texts and "欧*" not in texts and CARD.number not in texts


def test_idle_timeout_wipes_typed_id_and_resets_language_and_elderly(rehearsal, qtbot):
    kiosk = rehearsal
    kiosk.runtime.set_language("en")
    kiosk.send(ToggleElderly())
    _to_real_name(kiosk)
    kiosk.send(UseKeypad())
    for digit in CARD.number[:10]:
        kiosk.view().keypad.press(digit)
    assert "110105 1949" in kiosk.texts()
    _expire(kiosk)
    assert isinstance(kiosk.screen, HomeScreen)
    assert kiosk.runtime.language == "zh" and not kiosk.runtime.session.elderly
    assert "1101051949" not in kiosk.texts().replace(" ", "")
    assert all(not v.keypad.text for v in kiosk.window.view_list if getattr(v, "keypad", None))


def test_more_time_prompt_shows_seconds_and_keeps_the_resident(rehearsal):
    kiosk = rehearsal
    kiosk.send(Open("guide"))
    session = kiosk.runtime.session
    session.last_activity = session._clock() - timedelta(seconds=50)   # 10 s left of 60
    kiosk.send(Tick())
    overlay = kiosk.window.more_time
    assert overlay.isVisible()
    assert "需要更多时间" in overlay.question.text() and "秒" in overlay.seconds.text()
    overlay.yes.click()
    assert not overlay.isVisible()
    assert session.idle().remaining_s >= 59 and not isinstance(kiosk.screen, HomeScreen)


def test_elderly_mode_speaks_each_step_and_replays(rehearsal, qtbot):
    kiosk = rehearsal
    kiosk.window.elderly.click()
    kiosk.send(Open("take_number"))
    qtbot.waitUntil(lambda: "请选择业务类别" in kiosk.runtime.voice.spoken, timeout=10000)
    assert kiosk.window.prompt.text() == "请选择业务类别"     # the same words on screen (ACC-12)
    assert kiosk.sink.played and kiosk.sink.played[-1].suffix == ".wav"
    kiosk.runtime.voice.spoken.clear()
    kiosk.window.replay.click()
    qtbot.waitUntil(lambda: kiosk.runtime.voice.spoken == ["请选择业务类别"], timeout=10000)


def test_help_request_carries_device_and_location_and_is_acknowledged(rehearsal, qtbot):
    kiosk = rehearsal
    kiosk.window.help.click()
    qtbot.waitUntil(lambda: len(kiosk.client.help_requests) == 1, timeout=3000)
    sent = kiosk.client.help_requests[0]
    assert (sent["device"], sent["location"]) == ("kiosk-t1", "一楼大厅东侧") and sent["request_id"]
    qtbot.waitUntil(lambda: "已通知工作人员" in kiosk.window.message.title.text(), timeout=3000)


def test_help_request_failure_sends_the_resident_to_the_desk(rehearsal, qtbot):
    kiosk = rehearsal
    kiosk.client.offline = True
    kiosk.window.help.click()
    qtbot.waitUntil(lambda: "总服务台" in kiosk.window.message.title.text(), timeout=5000)


def test_printer_out_disables_printing_tiles_with_a_notice_before_choosing(rehearsal):
    kiosk = rehearsal
    kiosk.send(PrinterChanged(PrinterHealth(False, "out")))
    home = kiosk.window.views[HomeScreen]
    for key in ("take_number", "check_in"):
        assert not home.tiles[key].isEnabled()
        assert "暂停取号" in home.tiles[key].note.text()
    assert home.tiles["guide"].isEnabled()
    kiosk.send(PrinterChanged(PrinterHealth(True, "near_end")))
    assert home.tiles["take_number"].isEnabled() and not home.tiles["take_number"].note.isVisible()


def test_quota_and_outside_hours_refusals_show_the_catalogue_notice(rehearsal):
    kiosk = rehearsal
    for code, words in (("quota_exhausted", "号已取完"), ("outside_hours", "不是该业务的取号时间")):
        kiosk.client.memory.fail_next("issue_ticket", HallApiError(code, "x", "x", status=409))
        _to_real_name(kiosk, "optional")
        kiosk.send(CardSwiped(CARD))
        kiosk.wait_screen(Refused)
        view = kiosk.view()
        assert words in view.notice.message.text()
        assert view.buttons["book_appointment"].isVisible() and view.buttons["home"].isVisible()
        view.buttons["home"].click()
        assert isinstance(kiosk.screen, HomeScreen)


def test_server_down_shows_a_notice_and_recovers_by_itself(rehearsal, qtbot):
    kiosk = rehearsal
    kiosk.runtime._beat_retry.setInterval(300)   # the 5 s production retry, shortened
    kiosk.client.offline = True
    kiosk.runtime.send_heartbeat()
    qtbot.waitUntil(lambda: kiosk.window.server_notice.isVisible(), timeout=3000)
    assert "服务器暂时无法连接" in kiosk.window.server_notice.message.text()
    kiosk.client.offline = False
    qtbot.waitUntil(lambda: not kiosk.window.server_notice.isVisible(), timeout=5000)
    assert kiosk.runtime.server_ok is True
    kiosk.runtime._beat_retry.setInterval(5000)


def test_unreachable_issue_retries_with_the_same_request_id_and_prints_one_ticket(rehearsal, qtbot):
    from dataclasses import replace
    from kiosk.core.rehearsal import UNREACHABLE
    kiosk = rehearsal
    session = kiosk.runtime.session
    session.settings = replace(session.settings, server_retry_delays_s=(0.3, 0.3))
    kiosk.client.memory.fail_next("issue_ticket", UNREACHABLE, after_commit=True)
    _to_real_name(kiosk, "optional")
    kiosk.send(CardSwiped(CARD))
    qtbot.waitUntil(lambda: getattr(kiosk.screen, "notice", None) is not None, timeout=3000)
    assert "正在重试" in kiosk.view().notice.message.text()
    kiosk.wait_screen(Confirmation, timeout=6)
    ids = [args["request_id"] for name, args in kiosk.client.memory.calls if name == "issue_ticket"]
    assert len(ids) == 2 and ids[0] == ids[1]
    assert len(kiosk.client.memory.tickets) == 1 and len(kiosk.printer.printed) == 1


def test_corner_taps_and_pin_open_maintenance_wrong_pins_lock(rehearsal, qtbot, kiosk_tools):
    kiosk = rehearsal
    corner = kiosk.window.corner
    for _ in range(4):
        qtbot.mouseClick(corner, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert not kiosk.window.pin.isVisible()
    qtbot.mouseClick(corner, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert kiosk.window.pin.isVisible()
    for _ in range(5):
        kiosk.window.pin.entered.emit("000000")
        qtbot.wait(50)
    assert "错误次数过多" in kiosk.window.pin.error.text()
    kiosk.window.pin.entered.emit(kiosk_tools.pin)        # locked: even the right PIN waits
    qtbot.wait(100)
    assert not kiosk.kiosk.lockdown.active
    kiosk.kiosk.lockdown.locked_until = 0
    for digit in kiosk_tools.pin:
        kiosk.window.pin.keypad.press(digit)
    assert kiosk.window.pin.keypad.display.text() == "●" * 6      # never the PIN itself
    kiosk.window.pin.keypad.ok.click()
    qtbot.waitUntil(lambda: kiosk.kiosk.lockdown.active, timeout=3000)
    view = kiosk.window.maintenance_view
    assert kiosk.window.stack.currentWidget() is view
    assert "正常" in view.rows["server"][1].text()
    view.print_test.emit()
    qtbot.waitUntil(lambda: "没有配置打印机" in view.result.text(), timeout=3000)
    view.leave.emit()
    assert isinstance(kiosk.screen, HomeScreen) and kiosk.window.stack.currentWidget() is kiosk.window.views[HomeScreen]


def test_locked_window_refuses_to_close_until_maintenance_allows(rehearsal):
    window = rehearsal.window
    window._allow_close = False
    assert window.close() is False and window.isVisible()
    window.allow_close()
    assert window.close() is True


def test_attract_screen_shows_hall_notices_and_a_touch_dismisses(rehearsal, qtbot):
    kiosk = rehearsal
    kiosk.runtime.last_touch = time.monotonic() - 1000
    kiosk.window.on_tick()
    assert kiosk.window.attract.isVisible()
    assert kiosk.window.attract.notice.text() in kiosk.runtime.notices
    qtbot.mouseClick(kiosk.window.attract, Qt.MouseButton.LeftButton)
    assert not kiosk.window.attract.isVisible()


def test_heartbeat_reports_every_component(rehearsal, qtbot):
    kiosk = rehearsal
    kiosk.runtime.send_heartbeat()
    qtbot.waitUntil(lambda: bool(kiosk.client.heartbeats), timeout=3000)
    device, components = kiosk.client.heartbeats[-1]
    assert device == "kiosk-t1"
    assert {"printer", "idcard", "scanner", "voice", "app"} <= set(components)
    assert components["printer"]["state"] == "absent" and components["app"]["ok"] is True
