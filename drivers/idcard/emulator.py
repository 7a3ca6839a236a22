"""An ID card reader in software, speaking the bytes of devices.md §1.5 (CONVENTIONS rule 3).

The emulator models the reader's card session (§1.13): find → select → read, all
three required; after a successful read the card is *halted*: find answers ``80``
until the card leaves the field and is placed again. While the read card stays,
``30 03`` (read appended address) still answers, which is how the driver tells
"still there" from "gone". Reads answer after a configurable card delay, as real
RF reads take 0.5–1 s.

Every person here is synthetic (check digits from :func:`synthetic_id_number`);
never put a real person's data in an emulator or a test.
"""
from __future__ import annotations

import hashlib
import random
import threading
from dataclasses import dataclass, replace
from datetime import date

from drivers.idcard.card import CardKind, IdCard
from drivers.idcard.codes import id_check_char
from drivers.idcard.errors import ChecksumError, FrameError
from drivers.idcard.protocol import (MIN_COMMAND_LEN, CardRecord, Command, FrameParser,
                                     decode_command, encode_read_data, encode_response,
                                     encode_sam_id)
from drivers.idcard.text import APPENDED_ADDRESS_LEN, build_text_block

SCENARIOS = ("resident", "hmt", "foreigner2017", "foreigner2023", "no_card", "bad_sam", "flaky")
DEFAULT_SAM_ID = "05.01-20230101-0000012345-0123456789"
# The longest command of §1.4 has Len 4 (61 FF 50); a reader's small receive buffer
# answers 11 (length error) to anything far longer instead of waiting for it.
MAX_COMMAND_LEN = 64


def synthetic_id_number(area: str, birth: date, sequence: int) -> str:
    """An 18-character number with a correct GB 11643 check character (for fixtures only)."""
    body = f"{area}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:03d}"
    return body + id_check_char(body)


def synthetic_photo(tag: str, size: int = 1024) -> bytes:
    """Deterministic stand-in for a WLT photo: opaque bytes, like the real thing (§1.9)."""
    out = bytearray()
    block = tag.encode()
    while len(out) < size:
        block = hashlib.sha256(block).digest()
        out += block
    return bytes(out[:size])


SAMPLE_CARDS: dict[CardKind, IdCard] = {
    CardKind.RESIDENT: IdCard(
        CardKind.RESIDENT, "张三", "1", "01", date(1990, 3, 19), "山东省济南市历下区示例路88号",
        synthetic_id_number("370102", date(1990, 3, 19), 123), "济南市公安局历下分局",
        date(2015, 6, 1), date(2035, 6, 1), photo_wlt=synthetic_photo("resident")),
    CardKind.HMT: IdCard(
        CardKind.HMT, "陈大文", "1", "", date(1985, 8, 15), "广东省深圳市福田区示例大道1号",
        synthetic_id_number("810000", date(1985, 8, 15), 123), "深圳市公安局",
        date(2022, 5, 1), date(2027, 5, 1), photo_wlt=synthetic_photo("hmt"),
        pass_number="H12345678", issue_count="01"),
    CardKind.FOREIGNER_2017: IdCard(
        CardKind.FOREIGNER_2017, "约翰", "1", "", date(1990, 1, 1), "", "USA110090010112", "",
        date(2017, 7, 1), date(2027, 6, 30), photo_wlt=synthetic_photo("foreigner2017"),
        english_name="SAMPLE JOHN", nationality="USA", card_version="01", authority_code="1100"),
    CardKind.FOREIGNER_2023: IdCard(
        CardKind.FOREIGNER_2023, "玛丽", "2", "", date(1992, 2, 20), "",
        synthetic_id_number("911840", date(1992, 2, 20), 2), "",
        date(2023, 12, 1), date(2033, 11, 30), photo_wlt=synthetic_photo("foreigner2023"),
        english_name="SAMPLE-EXAMPLE MARIA ELIZABETH ANNE SMITH", nationality="USA",
        renewal_count="00"),
}
_SCENARIO_KIND = {"resident": CardKind.RESIDENT, "hmt": CardKind.HMT, "bad_sam": CardKind.RESIDENT,
                  "flaky": CardKind.RESIDENT, "foreigner2017": CardKind.FOREIGNER_2017,
                  "foreigner2023": CardKind.FOREIGNER_2023}


@dataclass
class _Presentation:
    """One card lying on the reader, from placing it to taking it away."""

    record: CardRecord
    appended_address: str = ""
    found: bool = False
    selected: bool = False
    read_done: bool = False  # halted: find answers 80 until the card leaves (§1.13.3)


class IdCardEmulator:
    """The reader side of the wire; give it to :class:`drivers.emulation.PtyHost`.

    ``scenario``: one of :data:`SCENARIOS`. ``card_delay``: seconds a read takes.
    ``corrupt_rate`` (flaky only): share of answers corrupted, from a seeded RNG.
    """

    def __init__(self, scenario: str | None = None, *, card_delay: float = 0.3,
                 sam_id: str = DEFAULT_SAM_ID, seed: int = 467, corrupt_rate: float = 0.3):
        self.scenario = scenario or "resident"
        if self.scenario not in SCENARIOS:
            raise ValueError(f"unknown scenario {self.scenario!r}; choose from {', '.join(SCENARIOS)}")
        self.card_delay = card_delay
        self.sam_id = sam_id
        self.sam_ok = self.scenario != "bad_sam"
        self.corrupt_rate = corrupt_rate if self.scenario == "flaky" else 0.0
        self.corrupted = 0
        self.commands: list[Command | None] = []  # every decoded command, for tests
        self._rng = random.Random(seed)
        self._parser = FrameParser(min_length=MIN_COMMAND_LEN, max_length=MAX_COMMAND_LEN)
        self._lock = threading.Lock()
        self._card: _Presentation | None = None
        self._overrides: dict[Command, list[tuple[int, int, int]]] = {}
        self._corrupt_next = 0
        if self.scenario in _SCENARIO_KIND:
            self.place_card(SAMPLE_CARDS[_SCENARIO_KIND[self.scenario]])

    # -- the card model ---------------------------------------------------
    def place_card(self, card: IdCard | dict | bytes | None = None, *, photo: bytes | None = None,
                   fingerprint: bytes | None = None, appended_address: str = "") -> None:
        """Lay a card on the reader (a new presentation).

        ``card``: an :class:`IdCard`; a dict of fields overriding the resident sample
        (``{"valid_to": None}``); a prebuilt 256-byte text block (may be invalid on
        purpose); or None for the scenario's sample card.
        """
        if card is None or isinstance(card, dict):
            base = SAMPLE_CARDS[_SCENARIO_KIND.get(self.scenario, CardKind.RESIDENT)]
            card = replace(base, **(card or {}))
        if isinstance(card, IdCard):
            record = CardRecord(build_text_block(card), card.photo_wlt, card.fingerprint)
        else:
            record = CardRecord(bytes(card), synthetic_photo("raw"))
        if photo is not None or fingerprint is not None:
            record = replace(record, photo=record.photo if photo is None else photo,
                             fingerprint=record.fingerprint if fingerprint is None else fingerprint)
        with self._lock:
            self._card = _Presentation(record, appended_address)

    def remove_card(self) -> None:
        """Take the card out of the field; the next card placed is found again."""
        with self._lock:
            self._card = None

    @property
    def card_present(self) -> bool:
        return self._card is not None

    def answer_next(self, command: Command, sw3: int, *, sw1: int = 0, sw2: int = 0, times: int = 1) -> None:
        """Make the next ``times`` answers to ``command`` a bare status frame (any §1.6 code)."""
        with self._lock:
            self._overrides.setdefault(command, []).extend([(sw1, sw2, sw3)] * times)

    def corrupt_next(self, count: int = 1) -> None:
        """Flip one bit in each of the next ``count`` answers (a checksum error on the host)."""
        with self._lock:
            self._corrupt_next += count

    # -- PtyHost interface --------------------------------------------------
    def receive(self, data: bytes):
        """Bytes from the host → list of ``(delay, frame)`` replies."""
        replies = []
        with self._lock:
            self._parser.feed(data)
            while True:
                try:
                    payload = self._parser.next_payload()
                except ChecksumError:
                    replies.append((0.0, encode_response(0x10)))  # §1.6: host checksum error
                    continue
                except FrameError:
                    replies.append((0.0, encode_response(0x11)))  # §1.6: host length error
                    continue
                if payload is None:
                    break
                replies.append(self._answer(payload))
            return [(delay, self._maybe_corrupt(frame)) for delay, frame in replies]

    # -- command handling ---------------------------------------------------
    def _answer(self, payload: bytes) -> tuple[float, bytes]:
        frame = decode_command(payload)
        command = frame.command
        self.commands.append(command)
        if command is None:
            return 0.0, encode_response(0x21)
        if self._overrides.get(command):
            sw1, sw2, sw3 = self._overrides[command].pop(0)
            return 0.0, encode_response(sw3, sw1=sw1, sw2=sw2)
        if not self.sam_ok and command is not Command.RESET:
            return 0.0, encode_response(0x60)  # §1.6: self-test failed, accepts no commands
        handler = _HANDLERS.get(command, IdCardEmulator._ok)
        return handler(self, frame.data)

    def _ok(self, data: bytes) -> tuple[float, bytes]:
        return 0.0, encode_response(0x90)

    def _reset(self, data: bytes) -> tuple[float, bytes]:
        if self._card:
            self._card.found = self._card.selected = False
        return 0.0, encode_response(0x90 if self.sam_ok else 0x60)

    def _sam_id(self, data: bytes) -> tuple[float, bytes]:
        return 0.0, encode_response(0x90, encode_sam_id(self.sam_id))

    def _find(self, data: bytes) -> tuple[float, bytes]:
        card = self._card
        if card is None or card.read_done:
            return 0.0, encode_response(0x80)
        card.found = True
        return 0.0, encode_response(0x9F, bytes(4))

    def _select(self, data: bytes) -> tuple[float, bytes]:
        card = self._card
        if card is None or not (card.found or card.read_done):
            return 0.0, encode_response(0x81)
        card.selected = True
        return 0.0, encode_response(0x90, bytes(8))

    def _read(self, data: bytes, *, with_fingerprint: bool = False) -> tuple[float, bytes]:
        card = self._card
        if card is None or not card.selected:
            return 0.0, encode_response(0x41)
        card.read_done = True
        body = encode_read_data(card.record, with_fingerprint=with_fingerprint)
        return self.card_delay, encode_response(0x90, body)

    def _read_fp(self, data: bytes) -> tuple[float, bytes]:
        return self._read(data, with_fingerprint=True)

    def _appended_address(self, data: bytes) -> tuple[float, bytes]:
        card = self._card
        if card is None or not (card.selected or card.read_done):
            return 0.0, encode_response(0x41)
        if not card.appended_address:
            return 0.0, encode_response(0x91)
        text = card.appended_address.encode("utf-16-le")[:APPENDED_ADDRESS_LEN]
        padding = " ".encode("utf-16-le") * ((APPENDED_ADDRESS_LEN - len(text)) // 2)
        return 0.0, encode_response(0x90, text + padding)

    def _chip_number(self, data: bytes) -> tuple[float, bytes]:
        card = self._card
        if card is None or not (card.selected or card.read_done):
            return 0.0, encode_response(0x41)
        # Meaning of this reply is [U] (devices.md §7.1): 8 bytes derived from the card.
        return 0.0, encode_response(0x90, hashlib.sha256(card.record.text).digest()[:8])

    def _max_rf_frame(self, data: bytes) -> tuple[float, bytes]:
        return 0.0, encode_response(0x90 if len(data) == 1 else 0x11)

    def _maybe_corrupt(self, frame: bytes) -> bytes:
        """Flaky scenario: flip one payload bit, or put line noise in front of the frame."""
        forced = self._corrupt_next > 0
        if forced:
            self._corrupt_next -= 1
        elif not self.corrupt_rate or self._rng.random() >= self.corrupt_rate:
            return frame
        self.corrupted += 1
        if not forced and self._rng.random() < 0.5:
            noise = bytes(self._rng.choice((0x00, 0x55, 0xAA, 0x96, 0xFF)) for _ in range(self._rng.randint(1, 6)))
            return noise + frame
        pos = self._rng.randrange(7, len(frame))
        return frame[:pos] + bytes([frame[pos] ^ (1 << self._rng.randrange(8))]) + frame[pos + 1:]


_HANDLERS = {
    Command.RESET: IdCardEmulator._reset,
    Command.SAM_ID: IdCardEmulator._sam_id,
    Command.FIND: IdCardEmulator._find,
    Command.SELECT: IdCardEmulator._select,
    Command.READ: IdCardEmulator._read,
    Command.READ_WITH_FINGERPRINT: IdCardEmulator._read_fp,
    Command.READ_APPENDED_ADDRESS: IdCardEmulator._appended_address,
    Command.READ_CHIP_NUMBER: IdCardEmulator._chip_number,
    Command.SET_MAX_RF_FRAME: IdCardEmulator._max_rf_frame,
}
