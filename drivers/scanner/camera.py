"""Camera scanner: OpenCV capture, grayscale, QR decode with zxing-cpp or pyzbar (devices.md §4.3, §4.4).

Two threads: a *grabber* reads every frame the camera delivers (so its buffer never
fills with stale images) and posts every ``every_nth`` frame to a one-slot mailbox; a
*decoder* takes the newest posted frame, converts it to grayscale and decodes it. A
frame posted while the decoder is still busy replaces the waiting one (counted in
``stats["dropped"]``), so decoding never lags behind the camera. Codes go through a
sliding :class:`~drivers.scanner.protocol.Debouncer` and out by ``on_code(text)`` on
the decoder thread.

OpenCV and Qt: the ``opencv-python`` wheel sets ``QT_QPA_PLATFORM_PLUGIN_PATH``,
``QT_QPA_FONTDIR`` and ``LD_LIBRARY_PATH`` on import to its own bundled Qt 5, after
which PySide6 cannot load its platform plugin. Import OpenCV only through
:func:`import_cv2`, which puts those variables back.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any, Callable
from urllib.parse import urlparse

from drivers.errors import DeviceError, DeviceUnavailable
from drivers.scanner.protocol import Debouncer
from drivers.scanner.qr_decoders import QrDecoder, make_decoder
from drivers.scanner.source import ThreadedScanner
from drivers.status import DeviceStatus

log = logging.getLogger(__name__)

QT_ENV_KEYS = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR", "QT_PLUGIN_PATH", "LD_LIBRARY_PATH")


def import_cv2():
    """Import ``cv2`` lazily and undo the Qt environment changes its import makes."""
    saved = {key: os.environ.get(key) for key in QT_ENV_KEYS}
    try:
        import cv2
    except ImportError as exc:
        raise DeviceUnavailable("未安装 OpenCV，无法使用摄像头扫码",
                                f"OpenCV (opencv-python) is not installed: {exc}") from exc
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return cv2


def camera_source(url: str) -> int | str:
    """``camera://0`` → 0; ``camera:///dev/video2`` → ``/dev/video2``; a bare index or path as is."""
    if not url.startswith("camera://"):
        return int(url) if url.isdigit() else url
    parsed = urlparse(url)
    target = parsed.netloc or parsed.path
    return int(target) if target.isdigit() else target


def to_gray(frame):
    """A 2-D uint8 view of ``frame`` (OpenCV BGR or already grayscale).

    Done here, not left to the decoder: pyzbar would read only the blue channel (§4.3).
    """
    if frame.ndim == 2:
        return frame
    cv2 = import_cv2()
    return cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)


class CameraScanner(ThreadedScanner):
    """Reads QR codes from a camera on its own threads; see the module docstring.

    ``source``: camera index, device path or video URL (``cv2.VideoCapture`` argument).
    ``capture_factory(source)`` returns an object with ``read() -> (ok, frame)`` and
    optionally ``isOpened()``, ``set(prop, value)``, ``release()`` — a test passes a fake.
    ``decoder``: ``auto`` (zxing-cpp, else pyzbar), ``zxing``, ``pyzbar``, or a
    :class:`~drivers.scanner.qr_decoders.QrDecoder`.
    """

    mode = "camera"

    def __init__(self, source: int | str = 0, on_code: Callable[[str], None] | None = None, *,
                 decoder: str | QrDecoder = "auto", every_nth: int = 2, debounce_ms: float = 1500.0,
                 on_status: Callable[[DeviceStatus], None] | None = None,
                 capture_factory: Callable[[Any], Any] | None = None, frame_size: tuple[int, int] = (1280, 720),
                 failures_before_unavailable: int = 10, backoff: tuple[float, float] = (0.5, 8.0),
                 clock: Callable[[], float] = time.monotonic):
        super().__init__(on_code, on_status, ("摄像头尚未打开", "camera not opened yet"))
        self.source = source
        self.decoder = make_decoder(decoder) if isinstance(decoder, str) else decoder
        self.every_nth = max(1, int(every_nth))
        self.debouncer = Debouncer(debounce_ms)
        self.frame_size = frame_size
        self.failures_before_unavailable = failures_before_unavailable
        self.backoff_initial, self.backoff_max = backoff
        self._factory = capture_factory or self._open_cv2
        self._clock = clock
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._mailbox: Any = None
        self._mail = threading.Condition()
        self._threads: list[threading.Thread] = []
        self.stats = {"read": 0, "posted": 0, "decoded": 0, "dropped": 0}

    # -- public API ---------------------------------------------------------
    def start(self) -> "CameraScanner":
        """Start the grabber and decoder threads."""
        for name, target in (("grab", self._grab_loop), ("decode", self._decode_loop)):
            thread = threading.Thread(target=target, name=f"camera-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, timeout: float = 3.0) -> None:
        """Stop both threads and release the camera."""
        self._stop.set()
        with self._mail:
            self._mail.notify_all()
        for thread in self._threads:
            thread.join(timeout)

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    def process_frame(self, frame) -> list[str]:
        """Decode one frame now (grayscale, decode, debounce); return the new codes."""
        codes = self.decoder.decode(to_gray(frame))
        self.stats["decoded"] += 1
        now_ms = self._clock() * 1000.0
        return [code for code in codes if self.debouncer.accept(code, now_ms)]

    # -- grabber --------------------------------------------------------------
    def _open_cv2(self, source):
        cv2 = import_cv2()
        capture = cv2.VideoCapture(source)
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.frame_size[0])
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.frame_size[1])
        return capture

    def _grab_loop(self) -> None:
        delay = self.backoff_initial
        while not self._stop.is_set():
            capture = self._open()
            if capture is None:
                self._stop.wait(delay)
                delay = min(delay * 2, self.backoff_max)
                continue
            delay = self.backoff_initial
            try:
                self._read_frames(capture)
            finally:
                self._release(capture)

    def _open(self):
        try:
            capture = self._factory(self.source)
            if hasattr(capture, "isOpened") and not capture.isOpened():
                raise DeviceUnavailable(f"无法打开摄像头 {self.source}", f"cannot open camera {self.source}")
        except (DeviceError, OSError, RuntimeError) as exc:
            err = exc if isinstance(exc, DeviceError) else DeviceUnavailable(
                f"摄像头打开失败：{exc}", f"camera open failed: {exc}")
            self._set_status("unavailable", err.message, err.message_en)
            return None
        self._connected.set()
        self._set_status("ok")
        return capture

    def _read_frames(self, capture) -> None:
        failures = 0
        while not self._stop.is_set() and failures < self.failures_before_unavailable:
            ok, frame = capture.read()
            if not ok or frame is None:
                failures += 1
                self._stop.wait(0.02)
                continue
            failures = 0
            self.stats["read"] += 1
            if self.stats["read"] % self.every_nth == 0:
                self._post(frame)
        if failures:
            self._connected.clear()
            self._set_status("unavailable", "摄像头没有画面", "the camera delivers no frames")

    def _post(self, frame) -> None:
        with self._mail:
            if self._mailbox is not None:
                self.stats["dropped"] += 1  # the decoder was busy; only the newest frame matters
            self._mailbox = frame
            self.stats["posted"] += 1
            self._mail.notify()

    @staticmethod
    def _release(capture) -> None:
        release = getattr(capture, "release", None)
        if release is not None:
            try:
                release()
            except Exception:
                pass

    # -- decoder --------------------------------------------------------------
    def _decode_loop(self) -> None:
        while not self._stop.is_set():
            with self._mail:
                while self._mailbox is None and not self._stop.is_set():
                    self._mail.wait(0.2)
                frame, self._mailbox = self._mailbox, None
            if frame is None:
                continue
            try:
                codes = self.process_frame(frame)
            except Exception:  # a bad frame must not end scanning
                log.exception("camera frame decode failed")
                continue
            for code in codes:
                self._deliver(code)
