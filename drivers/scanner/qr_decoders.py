"""QR decoders for camera frames: zxing-cpp and pyzbar, both returning correct 汉字.

Both take a 2-D uint8 grayscale array and return the texts of the QR codes found,
decoded from the code's *bytes* by :func:`~drivers.scanner.protocol.decode_code_bytes`
(UTF-8, then GB18030), because both libraries guess wrong for Chinese without ECI:

* zxing-cpp returns Latin-1 mojibake in ``.text`` for a GBK code but the raw bytes in
  ``.bytes`` (devices.md §4.4); its ``.text`` is used only when the code carries an
  ECI, which names the charset for sure;
* zbar converts the bytes with its own charset guess (Shift-JIS mojibake for UTF-8
  on old builds, Big5 for GBK on 0.23, §4.3). Where libzbar supports it (0.23+) the
  decoder switches the guess off with ``qrcode.binary=1`` and gets the raw bytes; on
  older builds it falls back to ``pyzbar.decode`` and undoes the Shift-JIS round trip.

Libraries are imported lazily; a missing one raises ``DeviceUnavailable``.
"""
from __future__ import annotations

from ctypes import byref, c_int, c_void_p, cast, string_at
from typing import Protocol

import numpy as np

from drivers.errors import DeviceUnavailable
from drivers.scanner.protocol import ScannerSettingError, decode_code_bytes, visible_text

# ISO/IEC 18004 symbology identifiers ]Q2, ]Q4, ]Q6 mean "an ECI is present".
_ECI_IDENTIFIERS = ("]Q2", "]Q4", "]Q6")
_FOURCC_Y800 = int.from_bytes(b"Y800", "little")


class QrDecoder(Protocol):
    name: str

    def decode(self, gray: np.ndarray) -> list[str]:
        """Texts of the QR codes in a 2-D uint8 grayscale image."""


class ZxingQrDecoder:
    """zxing-cpp, QR only. ``options`` go to ``zxingcpp.read_barcodes`` (e.g. ``try_invert``)."""

    name = "zxing"

    def __init__(self, **options):
        try:
            import zxingcpp
        except ImportError as exc:
            raise DeviceUnavailable("未安装 zxing-cpp", f"zxing-cpp is not installed: {exc}") from exc
        self._zx = zxingcpp
        self.options = {"formats": zxingcpp.BarcodeFormat.QRCode, **options}

    def decode(self, gray: np.ndarray) -> list[str]:
        texts = (self.text_of(result) for result in self._zx.read_barcodes(gray, **self.options))
        return [text for text in texts if text]

    @staticmethod
    def text_of(result) -> str:
        """The text of one zxing result: its own ``.text`` only when an ECI vouches for it."""
        if result.symbology_identifier in _ECI_IDENTIFIERS:
            return visible_text(result.text)
        return decode_code_bytes(result.bytes)


class ZbarQrDecoder:
    """pyzbar / libzbar, QR only, raw bytes where libzbar allows (see module docstring).

    ``binary=False`` forces the fallback path (``pyzbar.decode`` + §4.3 fix).
    """

    name = "pyzbar"

    def __init__(self, binary: bool = True):
        try:
            from pyzbar import pyzbar, wrapper
            wrapper.load_libzbar()
        except (ImportError, OSError) as exc:
            raise DeviceUnavailable("未安装 pyzbar 或 libzbar0", f"pyzbar / libzbar is not available: {exc}") from exc
        self._pyzbar, self._w = pyzbar, wrapper
        self._scanner = None
        self.binary = binary and self._open_binary_scanner()

    def _open_binary_scanner(self) -> bool:
        w = self._w
        sym, cfg, val = c_int(), c_int(), c_int()
        if w.zbar_parse_config(b"qrcode.binary=1", byref(sym), byref(cfg), byref(val)) != 0:
            return False  # libzbar older than 0.23 does not know the option
        scanner = w.zbar_image_scanner_create()
        w.zbar_image_scanner_set_config(scanner, w.ZBarSymbol.NONE, w.ZBarConfig.CFG_ENABLE, 0)
        w.zbar_image_scanner_set_config(scanner, w.ZBarSymbol.QRCODE, w.ZBarConfig.CFG_ENABLE, 1)
        if w.zbar_image_scanner_set_config(scanner, sym.value, cfg.value, val.value) != 0:
            w.zbar_image_scanner_destroy(scanner)
            return False
        self._scanner = scanner
        return True

    def decode(self, gray: np.ndarray) -> list[str]:
        if not self.binary:
            found = self._pyzbar.decode(gray, symbols=[self._pyzbar.ZBarSymbol.QRCODE])
            return [text for text in (unmangle_zbar_text(d.data) for d in found) if text]
        texts = (decode_code_bytes(raw) for raw in self._scan_raw(np.ascontiguousarray(gray, dtype=np.uint8)))
        return [text for text in texts if text]

    def _scan_raw(self, gray: np.ndarray) -> list[bytes]:
        w = self._w
        height, width = gray.shape
        pixels = gray.tobytes()
        image = w.zbar_image_create()
        try:
            w.zbar_image_set_format(image, _FOURCC_Y800)
            w.zbar_image_set_size(image, width, height)
            w.zbar_image_set_data(image, cast(pixels, c_void_p), len(pixels), None)
            if w.zbar_scan_image(self._scanner, image) < 0:
                return []
            out, symbol = [], w.zbar_image_first_symbol(image)
            while symbol:
                out.append(string_at(w.zbar_symbol_get_data(symbol), w.zbar_symbol_get_data_length(symbol)))
                symbol = w.zbar_symbol_next(symbol)
            return out
        finally:
            w.zbar_image_destroy(image)

    def __del__(self):
        if getattr(self, "_scanner", None) is not None:
            self._w.zbar_image_scanner_destroy(self._scanner)
            self._scanner = None


def unmangle_zbar_text(data: bytes) -> str:
    """Text from a ``pyzbar`` ``.data`` that zbar may have converted with a wrong guess.

    Old zbar reads UTF-8 QR bytes as Shift-JIS and hands back that mojibake in UTF-8;
    encoding it back to Shift-JIS restores the UTF-8 bytes (devices.md §4.3, pyzbar
    issues #14, #55). Otherwise the bytes are decoded UTF-8 first, GB18030 second.
    """
    try:
        restored = data.decode("utf-8").encode("shift_jis")
        if restored != data:
            return visible_text(restored.decode("utf-8"))
    except UnicodeError:
        pass
    return decode_code_bytes(data)


def make_decoder(name: str = "auto") -> QrDecoder:
    """``zxing``, ``pyzbar``, or ``auto`` (zxing-cpp if installed, else pyzbar)."""
    if name == "zxing":
        return ZxingQrDecoder()
    if name == "pyzbar":
        return ZbarQrDecoder()
    if name == "auto":
        try:
            return ZxingQrDecoder()
        except DeviceUnavailable:
            return ZbarQrDecoder()
    raise ScannerSettingError(f"未知的二维码解码器：{name}", f"unknown QR decoder {name!r}; use auto, zxing or pyzbar")
