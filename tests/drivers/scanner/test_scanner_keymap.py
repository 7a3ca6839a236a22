"""US key-code mapping and the evdev reader, with synthetic input events (no device needed)."""
import os
import queue
import threading
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.errors import DeviceUnavailable
from drivers.scanner import evdev_reader
from drivers.scanner.evdev_reader import EvdevScanner
from drivers.scanner.keymap import (EV_KEY, KEY_ENTER, KEY_LEFTALT, KEY_LEFTSHIFT, KEYPAD_DIGITS, US_LETTERS,
                                    KeyEventAssembler, UsKeyboard, alt_code_char)

# Linux KEY_* numbers (linux/input-event-codes.h) used to build synthetic scans.
CODE_OF = {ch: code for code, ch in US_LETTERS.items()}
CODE_OF.update({"1": 2, "2": 3, "3": 4, "4": 5, "5": 6, "6": 7, "7": 8, "8": 9, "9": 10, "0": 11,
                "-": 12, "=": 13, ";": 39, "/": 53, ".": 52, ":": 39, " ": 57})
SHIFTED = {":": ";", "?": "/", "!": "1", "@": "2", "_": "-", "+": "="}
EV_SYN = 0


def key_events(text):
    """(type, code, value) events a US-layout scanner sends to type ``text`` then Enter."""
    events = []
    for ch in text:
        shift = ch.isupper() or ch in SHIFTED
        base = SHIFTED.get(ch, ch.lower())
        if shift:
            events.append((EV_KEY, KEY_LEFTSHIFT, 1))
        events += [(EV_KEY, CODE_OF[base], 1), (EV_SYN, 0, 0), (EV_KEY, CODE_OF[base], 0)]
        if shift:
            events.append((EV_KEY, KEY_LEFTSHIFT, 0))
    return events + [(EV_KEY, KEY_ENTER, 1), (EV_KEY, KEY_ENTER, 0)]


def test_letters_digits_and_shifted_symbols():
    kb = UsKeyboard()
    typed = "".join(kb.feed(code, value) for _, code, value in key_events("Ab1:/?!@_+.")[:-2])
    assert typed == "Ab1:/?!@_+."


def test_caps_lock_inverts_letters_only():
    kb = UsKeyboard()
    kb.feed(58, 1)
    kb.feed(58, 0)
    assert kb.feed(CODE_OF["q"], 1) + kb.feed(2, 1) == "Q1"
    kb.feed(KEY_LEFTSHIFT, 1)
    assert kb.feed(CODE_OF["q"], 1) + kb.feed(2, 1) == "q!"


def test_auto_repeat_and_release_type_nothing():
    kb = UsKeyboard()
    assert kb.feed(CODE_OF["a"], 2) == "" and kb.feed(CODE_OF["a"], 0) == ""


def test_keypad_digits_type_digits():
    kb = UsKeyboard()
    assert "".join(kb.feed(code, 1) for code in sorted(KEYPAD_DIGITS)) == "".join(
        KEYPAD_DIGITS[c] for c in sorted(KEYPAD_DIGITS))


def alt_sequence(number):
    by_digit = {d: c for c, d in KEYPAD_DIGITS.items()}
    events = [(KEY_LEFTALT, 1)]
    for digit in str(number):
        events += [(by_digit[digit], 1), (by_digit[digit], 0)]
    return events + [(KEY_LEFTALT, 0)]


def test_alt_keypad_gbk_code_types_hanzi():
    kb = UsKeyboard()
    out = "".join(kb.feed(c, v) for c, v in alt_sequence(0xB0A1) + alt_sequence(65))
    assert out == "啊A"


def test_alt_code_unicode_mode_and_invalid_numbers():
    assert alt_code_char(0x7801, "unicode") == "码"
    assert alt_code_char(0xFFFF_FFFF) == ""


def test_assembler_turns_scanner_events_into_codes():
    asm = KeyEventAssembler("CR")
    codes = []
    for i, ev in enumerate(key_events("YY-20240601:A7") + key_events("Zz 9")):
        codes += asm.feed(*ev, t_ms=i)
    assert codes == ["YY-20240601:A7", "Zz 9"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 300), st.integers(0, 2)), max_size=60))
def test_fuzz_random_events_never_raise(events):
    asm = KeyEventAssembler("CR", max_length=64)
    for i, (ev_type, code, value) in enumerate(events):
        for code_text in asm.feed(ev_type, code, value, i):
            assert code_text and len(code_text) <= 64


# -- the reader thread with a fake InputDevice -------------------------------
class FakeInputDevice:
    """python-evdev's InputDevice face: fd for select, read_one(), grab()/ungrab()/close()."""

    def __init__(self, events):
        self._r, self._w = os.pipe()
        self._events = queue.Queue()
        self.calls = []
        for ev in events:
            self.push(ev)

    @property
    def fd(self):
        return self._r

    def push(self, ev):
        self._events.put(SimpleNamespace(type=ev[0], code=ev[1], value=ev[2]))
        os.write(self._w, b"x")

    def read_one(self):
        try:
            event = self._events.get_nowait()
        except queue.Empty:
            return None
        os.read(self._r, 1)
        return event

    def grab(self):
        self.calls.append("grab")

    def ungrab(self):
        self.calls.append("ungrab")

    def close(self):
        self.calls.append("close")
        os.close(self._r)
        os.close(self._w)


def test_evdev_scanner_grabs_device_and_reports_codes():
    device = FakeInputDevice(key_events("A001") + key_events("A001"))
    codes, statuses = queue.Queue(), []
    scanner = EvdevScanner("/dev/input/fake", codes.put, opener=lambda path: device,
                           on_status=statuses.append).start()
    try:
        assert scanner.wait_connected(2)
        assert codes.get(timeout=2) == "A001"
        for ev in key_events("B-2"):
            device.push(ev)
        assert codes.get(timeout=2) == "B-2"  # the repeated A001 was debounced
    finally:
        scanner.stop()
    assert device.calls == ["grab", "ungrab", "close"]
    assert statuses[0].state == "ok" and statuses[0].details["mode"] == "evdev"


def test_evdev_scanner_keeps_reading_when_the_shells_callbacks_raise():
    device = FakeInputDevice(key_events("A001"))
    seen = queue.Queue()

    def on_code(code):
        seen.put(code)
        raise RuntimeError("shell bug")

    def on_status(status):
        raise RuntimeError("shell bug")

    scanner = EvdevScanner("/dev/input/fake", on_code, opener=lambda path: device, on_status=on_status).start()
    try:
        assert scanner.wait_connected(2)
        assert seen.get(timeout=2) == "A001"
        for ev in key_events("B-2"):
            device.push(ev)
        assert seen.get(timeout=2) == "B-2"
        assert scanner.status.state == "ok" and scanner.status.details == {"mode": "evdev"}
    finally:
        scanner.stop()


def test_evdev_scanner_reports_open_failure_and_retries():
    attempts = threading.Event()

    def opener(path):
        attempts.set()
        raise PermissionError(13, "Permission denied")

    statuses = []
    scanner = EvdevScanner("/dev/input/event9", opener=opener, on_status=statuses.append, retry_s=0.05).start()
    try:
        assert attempts.wait(2)
        assert not scanner.wait_connected(0.2)
    finally:
        scanner.stop()
    assert statuses[0].state == "unavailable" and "/dev/input/event9" in statuses[0].message_en


def test_missing_evdev_package_is_reported_clearly(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_evdev(name, *args, **kwargs):
        if name == "evdev":
            raise ImportError("No module named 'evdev'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_evdev)
    with pytest.raises(DeviceUnavailable) as err:
        evdev_reader.open_input_device("/dev/input/event0")
    assert "pip install evdev" in err.value.message_en and "python-evdev" in err.value.message
