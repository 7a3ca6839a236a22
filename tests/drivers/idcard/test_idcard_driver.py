"""IdCardReader through a real pyserial port on a pty against the emulator (devices.md §1.13)."""
import logging
import threading
import time

import pytest

from drivers.emulation import PtyHost
from drivers.errors import DeviceUnavailable
from drivers.idcard import errors as e
from drivers.idcard.card import CardKind
from drivers.idcard.driver import IdCardReader
from drivers.idcard.emulator import SAMPLE_CARDS, IdCardEmulator
from drivers.idcard.protocol import Command
from drivers.idcard.text import build_text_block

FAST = dict(poll_interval=0.02, idle_interval=0.01, backoff=(0.05, 0.2), response_timeout=0.5,
            read_timeout=1.0)


class Events:
    """Callback recorder; ``wait`` blocks (bounded) until a predicate over the events holds."""

    def __init__(self):
        self.items: list[tuple] = []
        self._cond = threading.Condition()

    def add(self, *item):
        with self._cond:
            self.items.append(item)
            self._cond.notify_all()

    def wait(self, predicate, timeout: float = 5.0):
        with self._cond:
            assert self._cond.wait_for(lambda: predicate(self.items), timeout), self.items

    def kinds(self, *names):
        return [item[0] for item in self.items if item[0] in names]

    def states(self):
        return [item[1].state for item in self.items if item[0] == "status"]


def wait_until(predicate, timeout: float = 5.0):
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.01)


@pytest.fixture
def rig(request):
    """(emulator, host, events, make_reader): readers made here are stopped at teardown."""
    scenario = getattr(request, "param", "resident")
    emulator = IdCardEmulator(scenario, card_delay=0)
    host = PtyHost(emulator).start()
    events, readers = Events(), []

    def make_reader(**options):
        callbacks = dict(on_card=lambda c: events.add("card", c), on_removed=lambda: events.add("removed"),
                         on_status=lambda s: events.add("status", s), on_error=lambda x: events.add("error", x))
        reader = IdCardReader(host.path, **{**FAST, **callbacks, **options})
        readers.append(reader)
        return reader.start()

    yield emulator, host, events, make_reader
    for reader in readers:
        reader.stop()
    host.stop()


SCENARIO_KIND = {"resident": CardKind.RESIDENT, "hmt": CardKind.HMT,
                 "foreigner2017": CardKind.FOREIGNER_2017, "foreigner2023": CardKind.FOREIGNER_2023}


@pytest.mark.parametrize("rig", list(SCENARIO_KIND), indirect=True)
def test_polling_reads_each_layout_once_per_presentation(rig):
    emulator, _, events, make_reader = rig
    make_reader()
    events.wait(lambda items: any(i[0] == "card" for i in items))
    card = events.items[events.kinds("status", "card", "removed", "error").index("card")][1]
    assert card == SAMPLE_CARDS[SCENARIO_KIND[emulator.scenario]]
    # The card stays: many more polls go by, and it is not read again (§1.13.3).
    seen = emulator.commands.count(Command.READ_APPENDED_ADDRESS)
    wait_until(lambda: emulator.commands.count(Command.READ_APPENDED_ADDRESS) >= seen + 10)
    assert events.kinds("card", "removed", "error") == ["card"]
    assert emulator.commands.count(Command.READ) == 1


def test_removed_card_emits_removed_and_a_new_presentation_is_read_again(rig):
    emulator, _, events, make_reader = rig
    make_reader()
    events.wait(lambda items: any(i[0] == "card" for i in items))
    emulator.remove_card()
    events.wait(lambda items: any(i[0] == "removed" for i in items))
    emulator.place_card({"name": "李四", "sex": "2"})
    events.wait(lambda items: len([i for i in items if i[0] == "card"]) == 2)
    assert events.kinds("card", "removed") == ["card", "removed", "card"]
    assert events.items[-1][1].name == "李四" and events.items[-1][1].sex_name == "女"


def test_connect_checks_sam_and_reports_its_id(rig):
    emulator, _, events, make_reader = rig
    reader = make_reader(polling=False)
    assert reader.wait_connected(5)
    assert reader.sam_id == emulator.sam_id
    assert reader.status.state == "ok" and reader.status.details == {"sam_id": emulator.sam_id}
    assert emulator.commands[:2] == [Command.SAM_STATUS, Command.SAM_ID]
    assert reader.read_sam_id() == emulator.sam_id


def test_read_once_with_fingerprint_and_appended_address(rig):
    emulator, _, _, make_reader = rig
    emulator.place_card(fingerprint=bytes(range(256)) * 4, appended_address="山东省济南市市中区新址路2号")
    reader = make_reader(polling=False, with_fingerprint=True)
    assert reader.wait_connected(5)
    card = reader.read_once(timeout=2)
    assert card.fingerprint == bytes(range(256)) * 4 and len(card.photo_wlt) == 1024
    assert reader.read_appended_address() == "山东省济南市市中区新址路2号"
    emulator.place_card()
    reader.read_once(timeout=2)
    assert reader.read_appended_address() == ""


READ_ERRORS = {
    0x10: e.CommandRejected, 0x11: e.CommandRejected, 0x21: e.CommandRejected,
    0x23: e.OperationNotPermitted, 0x24: e.ReaderFault, 0x31: e.CardAuthenticationFailed,
    0x32: e.CardAuthenticationFailed, 0x33: e.CardAuthenticationFailed, 0x40: e.UnsupportedCardType,
    0x41: e.CardReadFailed, 0x47: e.CardReadFailed, 0x60: e.SamSelfTestFailed, 0x66: e.SamNotAuthorised,
    0x91: e.ItemEmpty, 0xFF: e.ReaderFault, 0x55: e.ReaderFault,
}


@pytest.mark.parametrize("sw3, cls", sorted(READ_ERRORS.items()))
def test_each_status_on_the_wire_reaches_the_caller_as_its_typed_error(rig, sw3, cls):
    emulator, _, _, make_reader = rig
    reader = make_reader(polling=False)
    assert reader.wait_connected(5)
    emulator.answer_next(Command.READ, sw3, sw1=0x6A, sw2=0x82, times=3)  # 3 = retries + 1 for 10/11
    with pytest.raises(cls) as info:
        reader.read_once(timeout=1)
    assert (info.value.sw3, info.value.sw1, info.value.sw2) == (sw3, 0x6A, 0x82)


@pytest.mark.parametrize("rig", ["no_card"], indirect=True)
def test_no_card_until_timeout_is_no_card(rig):
    _, _, _, make_reader = rig
    reader = make_reader(polling=False)
    assert reader.wait_connected(5)
    with pytest.raises(e.NoCard):
        reader.read_once(timeout=0.2)


def test_select_failure_is_retried_by_read_once(rig):
    emulator, _, _, make_reader = rig
    reader = make_reader(polling=False)
    assert reader.wait_connected(5)
    emulator.answer_next(Command.SELECT, 0x81)
    assert reader.read_once(timeout=2).kind is CardKind.RESIDENT
    assert emulator.commands.count(Command.SELECT) == 2


def test_corrupted_answer_is_retried_after_resync(rig):
    emulator, _, _, make_reader = rig
    reader = make_reader(polling=False)
    assert reader.wait_connected(5)
    emulator.corrupt_next(1)  # the FIND answer arrives with a flipped bit
    assert reader.read_once(timeout=2) == SAMPLE_CARDS[CardKind.RESIDENT]
    assert reader.protocol_errors == 1
    assert emulator.commands[-4:] == [Command.FIND, Command.FIND, Command.SELECT, Command.READ]


@pytest.mark.parametrize("rig", ["flaky"], indirect=True)
def test_flaky_line_still_yields_the_right_card_once(rig):
    emulator, _, events, make_reader = rig
    make_reader(retries=4)
    events.wait(lambda items: any(i[0] == "card" for i in items), timeout=10)
    assert [i[1] for i in events.items if i[0] == "card"] == [SAMPLE_CARDS[CardKind.RESIDENT]]
    assert emulator.corrupted > 0


def test_read_errors_are_reported_once_per_streak_then_the_card_is_read(rig):
    emulator, _, events, make_reader = rig
    emulator.answer_next(Command.READ, 0x41, times=3)
    make_reader()
    events.wait(lambda items: any(i[0] == "card" for i in items))
    errors = [i[1] for i in events.items if i[0] == "error"]
    assert len(errors) == 1 and isinstance(errors[0], e.CardReadFailed)
    assert emulator.commands.count(Command.READ) == 4


def test_unsupported_card_is_an_error_then_its_removal_is_seen(rig):
    emulator, _, events, make_reader = rig
    block = bytearray(build_text_block(SAMPLE_CARDS[CardKind.RESIDENT]))
    block[248:250] = b"Q\x00"
    emulator.place_card(bytes(block))
    make_reader()
    events.wait(lambda items: any(i[0] == "error" for i in items))
    emulator.remove_card()
    events.wait(lambda items: any(i[0] == "removed" for i in items))
    assert events.kinds("card", "error", "removed") == ["error", "removed"]
    assert isinstance(events.items[events.kinds("status", "card", "error", "removed").index("error")][1],
                      e.UnsupportedCardType)


@pytest.mark.parametrize("rig", ["bad_sam"], indirect=True)
def test_bad_sam_is_an_error_status_and_no_card_is_polled(rig):
    emulator, _, events, make_reader = rig
    reader = make_reader(sam_check_interval=0.05)
    events.wait(lambda items: "error" in [i[1].state for i in items if i[0] == "status"])
    status = reader.status
    assert status.state == "error" and "安全模块" in status.message
    wait_until(lambda: emulator.commands.count(Command.SAM_STATUS) >= 3)
    assert Command.FIND not in emulator.commands
    emulator.sam_ok = True  # e.g. the SAM recovers after a power cycle
    events.wait(lambda items: items[-1][0] == "status" and items[-1][1].state == "ok")
    assert reader.sam_id == emulator.sam_id
    events.wait(lambda items: any(i[0] == "card" for i in items))


def test_unplug_reports_unavailable_once_and_recovery_once(rig):
    emulator, host, events, make_reader = rig
    make_reader()
    events.wait(lambda items: any(i[0] == "card" for i in items))
    host.unplug()
    events.wait(lambda items: "unavailable" in [i[1].state for i in items if i[0] == "status"])
    time.sleep(0.3)  # several reconnect attempts happen while unplugged
    host.replug()
    events.wait(lambda items: items[-1][0] == "status" and items[-1][1].state == "ok")
    states = events.states()
    collapsed = [s for i, s in enumerate(states) if i == 0 or states[i - 1] != s]
    assert collapsed == ["ok", "unavailable", "ok"]
    assert states.count("ok") == 2
    # The card was read before the unplug and is still halted: it is not read twice.
    assert events.kinds("card") == ["card"]


def test_silent_device_is_unavailable_with_a_baud_rate_hint():
    class Silent:
        def receive(self, data):
            return b""

    events = Events()
    with PtyHost(Silent()) as host:
        reader = IdCardReader(host.path, on_status=lambda s: events.add("status", s), **FAST).start()
        try:
            events.wait(lambda items: any(i[1].state == "unavailable" and "波特率" in i[1].message for i in items))
            with pytest.raises(DeviceUnavailable) as info:
                reader.read_once(timeout=0.1)
            assert "波特率" in info.value.message
        finally:
            reader.stop()


def test_sam_failing_mid_session_is_an_error_status_not_a_card_error(rig):
    emulator, _, events, make_reader = rig
    emulator.remove_card()
    make_reader(sam_check_interval=0.05)
    events.wait(lambda items: "ok" in [i[1].state for i in items if i[0] == "status"])
    emulator.sam_ok = False
    events.wait(lambda items: items[-1][0] == "status" and items[-1][1].state == "error")
    emulator.sam_ok = True
    emulator.place_card()
    events.wait(lambda items: any(i[0] == "card" for i in items))
    assert events.states() == ["ok", "error", "ok"]
    assert events.kinds("error") == []


def test_logs_carry_only_the_masked_card(rig, caplog):
    caplog.set_level(logging.DEBUG, logger="drivers")
    emulator, _, events, make_reader = rig
    make_reader()
    events.wait(lambda items: any(i[0] == "card" for i in items))
    emulator.remove_card()
    events.wait(lambda items: any(i[0] == "removed" for i in items))
    card = SAMPLE_CARDS[CardKind.RESIDENT]
    assert "3701**********123X" in caplog.text
    assert card.id_number not in caplog.text and card.name not in caplog.text
