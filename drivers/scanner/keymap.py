"""Pure key-code → text mapping for a scanner read as its own Linux input device.

A keyboard-wedge scanner sends *key codes*, not characters (devices.md §4.1), so the
host must apply a layout. This module holds the US layout (what scanners assume by
default) with Shift and Caps Lock, the keypad, and Alt+keypad character codes, which
some scanners use for 汉字 (§4.1, S-W42). Codes are the Linux ``KEY_*`` numbers from
``linux/input-event-codes.h``; no ``evdev`` import is needed to use or test this.
"""
from __future__ import annotations

from drivers.scanner.protocol import CodeAssembler

EV_KEY = 1
KEY_RELEASE, KEY_PRESS, KEY_REPEAT = 0, 1, 2

KEY_LEFTSHIFT, KEY_RIGHTSHIFT, KEY_CAPSLOCK = 42, 54, 58
KEY_LEFTALT, KEY_RIGHTALT = 56, 100
KEY_ENTER, KEY_KPENTER, KEY_TAB = 28, 96, 15

# code: (plain, shifted) — US layout, main block.
_US_MAIN: dict[int, tuple[str, str]] = {
    2: ("1", "!"), 3: ("2", "@"), 4: ("3", "#"), 5: ("4", "$"), 6: ("5", "%"),
    7: ("6", "^"), 8: ("7", "&"), 9: ("8", "*"), 10: ("9", "("), 11: ("0", ")"),
    12: ("-", "_"), 13: ("=", "+"), 26: ("[", "{"), 27: ("]", "}"), 39: (";", ":"),
    40: ("'", '"'), 41: ("`", "~"), 43: ("\\", "|"), 51: (",", "<"), 52: (".", ">"),
    53: ("/", "?"), 57: (" ", " "), KEY_TAB: ("\t", "\t"), KEY_ENTER: ("\r", "\r"),
}
_LETTER_ROWS = ((16, "qwertyuiop"), (30, "asdfghjkl"), (44, "zxcvbnm"))
US_LETTERS: dict[int, str] = {first + i: ch for first, row in _LETTER_ROWS for i, ch in enumerate(row)}

# Keypad with Num Lock on (scanners assume it); digits double as Alt-code digits.
KEYPAD_DIGITS: dict[int, str] = {82: "0", 79: "1", 80: "2", 81: "3", 75: "4", 76: "5",
                                 77: "6", 71: "7", 72: "8", 73: "9"}
_KEYPAD_OTHER: dict[int, str] = {55: "*", 74: "-", 78: "+", 83: ".", 98: "/", KEY_KPENTER: "\r"}


def alt_code_char(number: int, codepage: str = "gbk") -> str:
    """The character an Alt+keypad ``number`` stands for.

    Below 128 it is ASCII, up to 255 the OEM code page 437 as on Windows. Larger
    numbers are read the way Chinese Windows reads them (ANSI code page 936): a GBK
    double-byte code written in decimal (Alt+45217 → 啊). With ``codepage="unicode"``
    the number is a Unicode code point instead.
    """
    if number < 128 or codepage == "unicode":
        return chr(number) if 0 < number < 0x110000 else ""
    if number < 256:
        return bytes([number]).decode("cp437")
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return ""


class UsKeyboard:
    """Tracks Shift, Caps Lock and Alt and turns key events into text.

    :meth:`feed` takes one ``EV_KEY`` event (code, value) and returns the text it typed,
    possibly empty. Auto-repeat (value 2) types nothing: a scanner never holds a key.
    """

    def __init__(self, alt_codepage: str = "gbk"):
        self.alt_codepage = alt_codepage
        self._shift: set[int] = set()
        self._alt: set[int] = set()
        self._caps = False
        self._alt_digits = ""

    def feed(self, code: int, value: int) -> str:
        """Apply one key event; return the characters it produced."""
        if code in (KEY_LEFTSHIFT, KEY_RIGHTSHIFT):
            (self._shift.add if value else self._shift.discard)(code)
            return ""
        if code in (KEY_LEFTALT, KEY_RIGHTALT):
            return self._alt_key(code, value)
        if value != KEY_PRESS:
            return ""
        if code == KEY_CAPSLOCK:
            self._caps = not self._caps
            return ""
        if self._alt:
            self._alt_digits += KEYPAD_DIGITS.get(code, "")
            return ""
        return self.char_for(code)

    def char_for(self, code: int) -> str:
        """The character of ``code`` under the current Shift / Caps Lock state."""
        shifted = bool(self._shift)
        if code in US_LETTERS:
            letter = US_LETTERS[code]
            return letter.upper() if shifted != self._caps else letter
        if code in _US_MAIN:
            return _US_MAIN[code][1 if shifted else 0]
        return KEYPAD_DIGITS.get(code) or _KEYPAD_OTHER.get(code, "")

    def _alt_key(self, code: int, value: int) -> str:
        if value == KEY_PRESS:
            self._alt.add(code)
            return ""
        if value != KEY_RELEASE:
            return ""
        self._alt.discard(code)
        if self._alt or not self._alt_digits:
            return ""
        digits, self._alt_digits = self._alt_digits, ""
        return alt_code_char(int(digits), self.alt_codepage)


class KeyEventAssembler:
    """Scanner key events (from its own input device) in, complete codes out.

    Keys are mapped with :class:`UsKeyboard` and the text is fed, as UTF-8 bytes, to a
    :class:`~drivers.scanner.protocol.CodeAssembler` with the same suffix rules as the
    serial mode. Events of other types (``EV_SYN``, ``EV_MSC``) are ignored.
    """

    def __init__(self, suffix: str = "CR", *, alt_codepage: str = "gbk", **assembler_options):
        self.keyboard = UsKeyboard(alt_codepage)
        self.assembler = CodeAssembler(suffix, **assembler_options)

    def feed(self, ev_type: int, code: int, value: int, t_ms: float) -> list[str]:
        """Feed one input event at ``t_ms``; return codes it completed."""
        if ev_type != EV_KEY:
            return self.assembler.poll(t_ms)
        text = self.keyboard.feed(code, value)
        return self.assembler.feed(text.encode("utf-8"), t_ms)

    def poll(self, now_ms: float) -> list[str]:
        """Let time pass (finishes a suffix-less code after its idle gap)."""
        return self.assembler.poll(now_ms)
