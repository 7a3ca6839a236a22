"""The ID card reader unplugged in the middle of a read, with the real hall server process and
the production reader driver on a pty served by the GA/T 467 emulator (issue 8).

The resident lays the card on the reader, the read is under way (the emulator answers a
read after ``card_delay``), and the cable comes out. The real-name screen turns to the
typed path and says why; nothing of the half-read card is left in the session, the
screens, the driver or the log; typing the number issues the ticket; and once the reader
is plugged back in, a card read works again.
"""
from __future__ import annotations

import logging
from dataclasses import fields, is_dataclass
from datetime import date
from typing import Mapping

import pytest

from drivers.emulation import PtyHost
from drivers.idcard.card import CardKind
from drivers.idcard.emulator import SAMPLE_CARDS, IdCardEmulator, synthetic_id_number
from drivers.idcard.protocol import Command
from drivers.printer.emulator import PrinterEmulator
from kiosk.config import DevicesSection, IdCardSection, KioskConfig, KioskInfo, PrinterSection, ServerSection
from kiosk.core.intents import Choose, Done, Open
from kiosk.core.screens import Confirmation, HomeScreen
from kiosk.core.take_number import RealName
from kiosk.hall_client import HallClient

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
CARD = SAMPLE_CARDS[CardKind.RESIDENT]                         # synthetic person on the card
TYPED = synthetic_id_number("110105", date(1962, 5, 17), 41)   # another synthetic person, typed
WAIT_MS = 10000


@pytest.fixture
def reader():
    host = PtyHost(IdCardEmulator("no_card", card_delay=1.5)).start()
    yield host
    host.stop()


@pytest.fixture
def printer():
    host = PtyHost(PrinterEmulator("ok")).start()
    yield host
    host.stop()


@pytest.fixture
def kiosk(hall_server, reader, printer, make_kiosk, qtbot):
    config = KioskConfig(kiosk=KioskInfo(locked=False, device_id="kiosk-reader-fault"),
                         server=ServerSection(base_url=hall_server.base_url),
                         devices=DevicesSection(printer=PrinterSection(url=printer.path, poll_s=1.0),
                                                idcard=IdCardSection(url=reader.path)))
    client = HallClient(hall_server.base_url, hall_server.credentials["tokens"]["kiosk"], retries=1, backoff_s=0.05)
    built = make_kiosk(client, config)
    tiles = built.window.views[HomeScreen].tiles
    qtbot.waitUntil(lambda: "take_number" in tiles and tiles["take_number"].isEnabled(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: built.kiosk.devices.reader_ready, timeout=WAIT_MS)
    return built


def _secrets(*values: str) -> list[bytes | str]:
    """The values as text and as the bytes they travel in (GA/T 467 text is UCS-2 LE)."""
    out: list[bytes | str] = []
    for value in values:
        out += [value, value.encode("utf-16-le"), value.encode("utf-8")]
    return out


def holds_any(root, secrets) -> list[str]:
    """Which secrets are reachable from ``root`` through data (strings, bytes, containers, attributes)."""
    seen, found, stack = set(), set(), [root]
    while stack:
        obj = stack.pop()
        if id(obj) in seen or (callable(obj) and not is_dataclass(obj)):
            continue
        seen.add(id(obj))
        if isinstance(obj, (str, bytes, bytearray)):
            found.update(repr(s)[:12] for s in secrets if type(s) is (str if isinstance(obj, str) else bytes)
                         and s in obj)
        elif isinstance(obj, Mapping):
            stack.extend(obj.keys())
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple, set, frozenset)) or type(obj).__name__ == "deque":
            stack.extend(obj)
        elif is_dataclass(obj):
            stack.extend(getattr(obj, f.name) for f in fields(obj))
        elif hasattr(obj, "__dict__"):
            stack.extend(vars(obj).values())
    return sorted(found)


def _to_real_name(kiosk):
    service = next(s for s in kiosk.runtime.session.directory.services if s.real_name == "optional")
    kiosk.send(Open("take_number"), Choose(service.category), Choose(service.code))
    assert isinstance(kiosk.screen, RealName)


def test_reader_unplugged_mid_read_falls_back_to_typing_keeps_nothing_and_recovers(kiosk, reader, qtbot, caplog):
    caplog.set_level(logging.DEBUG)
    emulator = reader.device
    _to_real_name(kiosk)
    view = kiosk.view()
    assert not view.keypad.isVisible() and "读卡区" in view.swipe_text.text()

    emulator.place_card(CARD)
    qtbot.waitUntil(lambda: Command.READ in emulator.commands, timeout=WAIT_MS)   # the read is under way
    reader.unplug()                                                               # … and the cable comes out
    qtbot.waitUntil(lambda: not kiosk.kiosk.devices.reader_ready, timeout=WAIT_MS)
    qtbot.waitUntil(view.keypad.isVisible, timeout=WAIT_MS)
    assert isinstance(kiosk.screen, RealName)                  # the resident stays where they were
    assert "读卡器暂不可用" in view.swipe_text.text() and "输入身份证号码" in view.swipe_text.text()
    assert kiosk.kiosk.devices.components()["idcard"]["state"] == "unavailable"
    secrets = _secrets(CARD.id_number, CARD.name, CARD.address)
    qtbot.wait(1700)                                           # past the card delay: nothing arrives late
    assert holds_any(kiosk.runtime.session, secrets) == []
    assert holds_any(kiosk.kiosk.devices.reader, secrets) == []
    assert CARD.id_number not in kiosk.texts() and CARD.name not in kiosk.texts()

    for digit in TYPED[:10]:                                   # the typed path …
        view.keypad.press(digit)
    reader.replug()                                            # … and the reader back meanwhile
    qtbot.waitUntil(lambda: kiosk.kiosk.devices.reader_ready, timeout=15000)
    qtbot.waitUntil(lambda: "读卡区" in view.swipe_text.text(), timeout=WAIT_MS)
    assert view.keypad.isVisible() and view.keypad.text == TYPED[:10]   # typing is not taken away
    for digit in TYPED[10:]:
        view.keypad.press(digit)
    view.keypad.ok.click()
    screen = kiosk.wait_screen(Confirmation, timeout=15)
    assert screen.view.number and not screen.view.masked_name  # a typed number has no name
    kiosk.send(Done())
    assert holds_any(kiosk.runtime.session, _secrets(TYPED)) == []
    assert TYPED not in kiosk.texts().replace(" ", "")

    _to_real_name(kiosk)                                       # the next resident, with a card
    view = kiosk.view()
    assert not view.keypad.isVisible() and "读卡区" in view.swipe_text.text()
    emulator.place_card(CARD)                                  # lifted and laid down again
    screen = kiosk.wait_screen(Confirmation, timeout=15)
    assert screen.view.masked_name == "张*"
    kiosk.send(Done())
    assert holds_any(kiosk.runtime.session, secrets) == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert CARD.id_number not in logged and TYPED not in logged and CARD.name not in logged
