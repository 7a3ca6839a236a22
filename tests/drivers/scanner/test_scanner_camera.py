"""Camera mode: real QR images with 汉字 through both decoders and the threaded CameraScanner."""
import queue
import subprocess
import sys
import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest
import qrcode

from drivers.scanner.camera import CameraScanner, camera_source, to_gray
from drivers.scanner.qr_decoders import ZbarQrDecoder, ZxingQrDecoder, make_decoder, unmangle_zbar_text
from drivers.scanner.protocol import ScannerSettingError

ZH = "码上办:370100-001 社保参保"
DECODERS = ["zxing", "pyzbar"]


def qr_frame(data, size=(720, 1280), module_px=6, at=(200, 500), color=(0, 0, 0)):
    """A BGR camera-sized frame, light grey, with a QR code of ``data`` (str → UTF-8, bytes as is)."""
    qr = qrcode.QRCode(border=4, box_size=1)
    qr.add_data(data)
    qr.make(fit=True)
    modules = np.array(qr.get_matrix(), dtype=bool)
    patch = np.kron(modules, np.ones((module_px, module_px), dtype=bool))
    frame = np.full((*size, 3), 235, dtype=np.uint8)
    y, x = at
    region = frame[y:y + patch.shape[0], x:x + patch.shape[1]]
    region[patch] = color
    return frame


def blank_frame(size=(720, 1280)):
    return np.full((*size, 3), 235, dtype=np.uint8)


class FakeCapture:
    """cv2.VideoCapture's face: read() -> (ok, frame), isOpened(), release(); paced like a camera."""

    def __init__(self, frames, pace_s=0.005, fail_after=None):
        self.frames, self.pace_s, self.fail_after = frames, pace_s, fail_after
        self.reads = 0
        self.released = False

    def isOpened(self):  # noqa: N802 (OpenCV name)
        return True

    def read(self):
        time.sleep(self.pace_s)
        self.reads += 1
        if self.fail_after is not None and self.reads > self.fail_after:
            return False, None
        return True, self.frames[(self.reads - 1) % len(self.frames)]

    def release(self):
        self.released = True


@pytest.fixture(scope="module")
def zh_frame():
    return qr_frame(ZH)


@pytest.mark.parametrize("name", DECODERS)
def test_decoders_read_utf8_chinese_from_a_camera_frame(name, zh_frame):
    scanner = CameraScanner(decoder=name)
    assert scanner.process_frame(zh_frame) == [ZH]


@pytest.mark.parametrize("name", DECODERS)
def test_decoders_read_gbk_made_qr(name):
    # A legacy generator writes GBK bytes without ECI: zxing's .text and zbar's guess are mojibake (§4.3, §4.4).
    frame = to_gray(qr_frame(ZH.encode("gb18030")))
    assert make_decoder(name).decode(frame) == [ZH]


@pytest.mark.parametrize("name", DECODERS)
def test_blue_on_white_code_decodes_after_grayscale(name):
    # pyzbar alone would read only the blue channel of a BGR frame and find nothing (§4.3).
    frame = qr_frame("YY-0007", color=(255, 0, 0))
    assert CameraScanner(decoder=name).process_frame(frame) == ["YY-0007"]


@pytest.mark.parametrize("name", DECODERS)
def test_empty_frame_gives_nothing(name):
    assert make_decoder(name).decode(to_gray(blank_frame())) == []


def test_zbar_fallback_path_reads_utf8_chinese(zh_frame):
    decoder = ZbarQrDecoder(binary=False)
    assert decoder.binary is False
    assert decoder.decode(to_gray(zh_frame)) == [ZH]


def test_zbar_binary_mode_is_used_when_libzbar_supports_it():
    assert ZbarQrDecoder().binary is True  # libzbar0 0.23 in the test image


def test_unmangle_shift_jis_mojibake_from_old_zbar():
    text = "请A001号到3号窗口办理"
    mangled = text.encode("utf-8").decode("shift_jis").encode("utf-8")  # what old zbar hands back
    assert mangled.decode("utf-8") != text
    assert unmangle_zbar_text(mangled) == text
    assert unmangle_zbar_text(ZH.encode("utf-8")) == ZH
    assert unmangle_zbar_text(ZH.encode("gb18030")) == ZH


def test_zxing_trusts_text_only_when_an_eci_names_the_charset():
    eci = SimpleNamespace(symbology_identifier="]Q2", text="Ünïcode", bytes=b"\xdcn\xefcode")
    plain = SimpleNamespace(symbology_identifier="]Q1", text="ÂëÉÏ", bytes="码上".encode("gbk"))
    assert ZxingQrDecoder.text_of(eci) == "Ünïcode"
    assert ZxingQrDecoder.text_of(plain) == "码上"


def test_unknown_decoder_name_is_a_setting_error():
    with pytest.raises(ScannerSettingError):
        make_decoder("tesseract")


@pytest.mark.parametrize("name", DECODERS)
def test_camera_thread_reports_a_held_code_once(name, zh_frame):
    capture = FakeCapture([blank_frame()] * 3 + [zh_frame] * 12)
    codes = queue.Queue()
    scanner = CameraScanner(0, codes.put, decoder=name, every_nth=2, capture_factory=lambda source: capture)
    scanner.start()
    try:
        assert scanner.wait_connected(2)
        assert codes.get(timeout=5) == ZH
        time.sleep(0.3)  # the code stays in view: more decodes, no more reports
    finally:
        scanner.stop()
    assert codes.empty()
    assert scanner.stats["decoded"] >= 2 and capture.released
    assert scanner.stats["posted"] <= scanner.stats["read"] // 2 + 1


class SlowDecoder:
    """Wraps a decoder and takes its time, like a big frame on a busy CPU."""

    name = "slow"

    def __init__(self, inner, delay_s):
        self.inner, self.delay_s = inner, delay_s

    def decode(self, gray):
        time.sleep(self.delay_s)
        return self.inner.decode(gray)


def test_frames_are_dropped_while_the_decoder_is_busy(zh_frame):
    capture = FakeCapture([zh_frame], pace_s=0.002)
    got = threading.Event()
    scanner = CameraScanner(0, lambda code: got.set(), decoder=SlowDecoder(make_decoder("zxing"), 0.08),
                            every_nth=1, capture_factory=lambda source: capture)
    scanner.start()
    try:
        assert got.wait(5)
        time.sleep(0.3)
    finally:
        scanner.stop()
    assert scanner.stats["dropped"] > 0
    assert scanner.stats["decoded"] < scanner.stats["posted"]


def test_camera_without_frames_becomes_unavailable_and_reopens(zh_frame):
    opened, statuses = [], []

    def factory(source):
        opened.append(source)
        return FakeCapture([zh_frame], fail_after=2)

    scanner = CameraScanner("/dev/video9", decoder="zxing", capture_factory=factory, on_status=statuses.append,
                            failures_before_unavailable=3, backoff=(0.01, 0.02))
    scanner.start()
    try:
        deadline = time.monotonic() + 3
        while len(opened) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        scanner.stop()
    assert opened[:2] == ["/dev/video9", "/dev/video9"]
    states = [s.state for s in statuses]
    assert "ok" in states and "unavailable" in states
    assert any("no frames" in s.message_en for s in statuses)


def test_camera_open_failure_is_reported():
    class Closed:
        def isOpened(self):  # noqa: N802
            return False

    statuses = []
    scanner = CameraScanner(3, decoder="zxing", capture_factory=lambda source: Closed(), on_status=statuses.append,
                            backoff=(0.01, 0.02)).start()
    try:
        assert not scanner.wait_connected(0.2)
    finally:
        scanner.stop()
    assert statuses and statuses[0].state == "unavailable" and "camera 3" in statuses[0].message_en


def test_camera_urls():
    assert camera_source("camera://0") == 0
    assert camera_source("camera:///dev/video2") == "/dev/video2"
    assert camera_source("1") == 1


def test_import_cv2_keeps_qt_plugin_environment():
    """A fresh interpreter: bare ``import cv2`` re-points Qt; ``import_cv2`` puts it back."""
    script = (
        "import os, json\n"
        "os.environ.pop('QT_QPA_PLATFORM_PLUGIN_PATH', None)\n"
        "keys = ('QT_QPA_PLATFORM_PLUGIN_PATH', 'QT_QPA_FONTDIR', 'LD_LIBRARY_PATH')\n"
        "before = {k: os.environ.get(k) for k in keys}\n"
        "import sys\n"
        "if sys.argv[1] == 'safe':\n"
        "    from drivers.scanner.camera import import_cv2; import_cv2()\n"
        "else:\n"
        "    import cv2\n"
        "print(json.dumps([k for k in keys if os.environ.get(k) != before[k]]))\n"
    )
    changed = {}
    for mode in ("bare", "safe"):
        out = subprocess.run([sys.executable, "-c", script, mode], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        changed[mode] = out.stdout.strip()
    assert changed["safe"] == "[]"
    if changed["bare"] == "[]":
        pytest.skip("this OpenCV build (headless) leaves the Qt environment alone")
    assert "QT_QPA_PLATFORM_PLUGIN_PATH" in changed["bare"]
