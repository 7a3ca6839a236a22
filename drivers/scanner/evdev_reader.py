"""Linux only: read a keyboard-wedge scanner from its own input device (devices.md §4.1 option 3).

The scanner's ``/dev/input/by-id/*-event-kbd`` node is opened with python-evdev and
*grabbed* (``EVIOCGRAB``), so its keys never reach X11/Wayland, the input method or
the focused widget. Key events are mapped to text by the pure
:class:`~drivers.scanner.keymap.KeyEventAssembler` (US layout). The process needs
read access to the node: add the kiosk user to the ``input`` group or install a udev
rule (``docs/devices/scanner.md``).

``evdev`` is imported only when a device is opened; without it :class:`EvdevScanner`
reports ``unavailable`` with an install hint instead of failing at import.
"""
from __future__ import annotations

import glob
import logging
import threading
import time
from typing import Any, Callable

from drivers.errors import DeviceError, DeviceUnavailable
from drivers.scanner.keymap import KeyEventAssembler
from drivers.scanner.protocol import Debouncer
from drivers.scanner.source import ThreadedScanner
from drivers.status import DeviceStatus

log = logging.getLogger(__name__)

BY_ID_PATTERN = "/dev/input/by-id/*-event-kbd"


def import_evdev():
    """The ``evdev`` module, or ``DeviceUnavailable`` saying how to install it."""
    try:
        import evdev
    except ImportError as exc:
        raise DeviceUnavailable("未安装 python-evdev，无法独占读取扫码枪；请执行 pip install evdev",
                                f"python-evdev is not installed (pip install evdev): {exc}") from exc
    return evdev


def keyboard_nodes(name_hint: str = "") -> list[str]:
    """Keyboard event nodes under ``/dev/input/by-id``, filtered by a case-insensitive hint."""
    return sorted(p for p in glob.glob(BY_ID_PATTERN) if name_hint.lower() in p.lower())


def open_input_device(path: str):
    """Open ``path`` with python-evdev (the default ``opener`` of :class:`EvdevScanner`)."""
    evdev = import_evdev()
    try:
        return evdev.InputDevice(path)
    except OSError as exc:
        raise DeviceUnavailable(f"无法打开输入设备 {path}（权限？）：{exc}",
                                f"cannot open input device {path} (permissions?): {exc}") from exc


class EvdevScanner(ThreadedScanner):
    """Reads codes from a scanner's input device on its own thread and calls ``on_code``.

    ``opener(path)`` returns an object with python-evdev's ``InputDevice`` face:
    ``grab()``, ``ungrab()``, ``close()``, and ``read_one()`` returning an event with
    ``type``, ``code``, ``value`` or ``None``, plus ``fd`` for ``select``. Tests pass a fake.
    """

    mode = "evdev"

    def __init__(self, path: str, on_code: Callable[[str], None] | None = None, *, suffix: str = "CR",
                 grab: bool = True, debounce_ms: float = 1500.0, alt_codepage: str = "gbk",
                 on_status: Callable[[DeviceStatus], None] | None = None,
                 opener: Callable[[str], Any] = open_input_device, retry_s: float = 2.0,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__(on_code, on_status, ("扫码枪尚未打开", "scanner not opened yet"))
        self.path = path
        self.grab = grab
        self.assembler = KeyEventAssembler(suffix, alt_codepage=alt_codepage)
        self.debouncer = Debouncer(debounce_ms)
        self._opener, self._retry_s, self._clock = opener, retry_s, clock
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "EvdevScanner":
        self._thread = threading.Thread(target=self._run, name="scanner-evdev", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def handle_event(self, ev_type: int, code: int, value: int) -> list[str]:
        """Feed one input event; deliver and return the new (debounced) codes."""
        now_ms = self._clock() * 1000.0
        codes = [c for c in self.assembler.feed(ev_type, code, value, now_ms) if self.debouncer.accept(c, now_ms)]
        for code_text in codes:
            self._deliver(code_text)
        return codes

    # -- thread -------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            device = self._open()
            if device is None:
                self._stop.wait(self._retry_s)
                continue
            try:
                self._read(device)
            except OSError as exc:  # unplugged: ENODEV
                self._set_status("unavailable", f"扫码枪已断开：{exc}", f"scanner disconnected: {exc}")
            finally:
                self._connected.clear()
                self._close(device)

    def _open(self):
        try:
            device = self._opener(self.path)
            if self.grab:
                device.grab()  # EVIOCGRAB: keys stop reaching the desktop and widgets
        except (DeviceError, OSError) as exc:
            err = exc if isinstance(exc, DeviceError) else DeviceUnavailable(
                f"无法独占扫码枪 {self.path}：{exc}", f"cannot grab scanner {self.path}: {exc}")
            self._set_status("unavailable", err.message, err.message_en)
            return None
        self._connected.set()
        self._set_status("ok")
        return device

    def _read(self, device) -> None:
        import select

        while not self._stop.is_set():
            ready, _, _ = select.select([device.fd], [], [], 0.05)
            event = device.read_one() if ready else None
            while event is not None:
                self.handle_event(event.type, event.code, event.value)
                event = device.read_one()
            for code_text in self.assembler.poll(self._clock() * 1000.0):
                if self.debouncer.accept(code_text, self._clock() * 1000.0):
                    self._deliver(code_text)

    def _close(self, device) -> None:
        for name in ("ungrab", "close") if self.grab else ("close",):
            try:
                getattr(device, name)()
            except Exception:
                pass
