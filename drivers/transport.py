"""Open a byte stream to a device from a URL. The only module that imports ``serial``.

Accepted URLs:

* anything pyserial's ``serial_for_url`` takes: ``/dev/ttyUSB0``, ``COM3``, a
  pseudo-terminal path, ``socket://127.0.0.1:9100``, ``loop://``, ``spy://...``;
* ``usb://VID:PID[?in_ep=0x81&out_ep=0x03&interface=0]`` for USB printers (pyusb).
  Many Chinese printers need ``in_ep=0x81, out_ep=0x03`` (devices.md §2.4);
* ``emu://<kind>[?vendor=NAME&scenario=NAME]``: an in-process emulator of that kind,
  served on a real pseudo-terminal so the production code path is used unchanged.

Every transport offers ``read(n)``, ``write(data)``, ``flush()``, ``close()``,
``reset_input_buffer()``, ``in_waiting`` and a settable ``timeout``.
"""
from __future__ import annotations

import importlib
from typing import Any
from urllib.parse import parse_qs, urlparse

import serial

from drivers.errors import DeviceTimeout, DeviceUnavailable

SerialException = serial.SerialException
SerialTimeoutException = serial.SerialTimeoutException


def open_transport(url: str, *, baudrate: int = 9600, timeout: float = 0.5,
                   write_timeout: float | None = 2.0, **options: Any):
    """Open ``url`` and return a pyserial-like object; raise ``DeviceUnavailable`` on failure."""
    if url.startswith("usb://"):
        return UsbTransport.from_url(url, timeout=timeout)
    if url.startswith("emu://"):
        return _open_emulated(url, baudrate=baudrate, timeout=timeout, write_timeout=write_timeout)
    try:
        return serial.serial_for_url(url, baudrate=baudrate, timeout=timeout,
                                     write_timeout=write_timeout, **options)
    except (serial.SerialException, OSError, ValueError) as exc:
        raise DeviceUnavailable(f"无法打开设备端口 {url}：{exc}",
                                f"cannot open device port {url}: {exc}") from exc


def set_rs485_direction(port, enabled: bool = True) -> bool:
    """Turn on kernel RS-485 direction control where the port supports it.

    Returns False, without raising, on ports that cannot (pseudo-terminals answer
    ENOTTY, devices.md §5.2 pitfall 2), so direction control stays optional.
    """
    if not enabled:
        return False
    try:
        import serial.rs485 as rs485
        port.rs485_mode = rs485.RS485Settings()
        return True
    except (OSError, ValueError, AttributeError, serial.SerialException):
        return False


def _open_emulated(url: str, **kw):
    parsed = urlparse(url)
    kind = parsed.netloc or parsed.path.strip("/")
    query = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
    try:
        cli = importlib.import_module(f"drivers.{kind}.cli")
    except ImportError as exc:
        raise DeviceUnavailable(f"没有这种设备的模拟器：{kind}", f"no emulator for device kind {kind!r}") from exc
    from drivers.emulation import PtyHost

    device = cli.make_emulator(vendor=query.get("vendor"), scenario=query.get("scenario"))
    host = PtyHost(device).start()
    port = serial.serial_for_url(host.path, **kw)
    return _HostedPort(port, host)


class _HostedPort:
    """A serial port whose emulator lives as long as the port is open."""

    def __init__(self, port, host):
        self._port = port
        self.host = host

    def close(self) -> None:
        try:
            self._port.close()
        finally:
            self.host.stop()

    def __getattr__(self, name):
        return getattr(self._port, name)

    def __setattr__(self, name, value):
        if name in ("_port", "host"):
            object.__setattr__(self, name, value)
        else:
            setattr(self._port, name, value)


class UsbTransport:
    """A USB bulk-endpoint byte stream (thermal printers), with a pyserial-like face."""

    def __init__(self, device, in_ep: int, out_ep: int, interface: int, timeout: float):
        self._dev = device
        self.in_ep, self.out_ep, self.interface = in_ep, out_ep, interface
        self.timeout = timeout
        self._buf = b""

    @classmethod
    def from_url(cls, url: str, timeout: float) -> "UsbTransport":
        parsed = urlparse(url)
        try:
            vid_s, pid_s = parsed.netloc.split(":")
            vid, pid = int(vid_s, 16), int(pid_s, 16)
        except ValueError as exc:
            raise DeviceUnavailable(f"USB 地址格式应为 usb://VID:PID，收到 {url}",
                                    f"USB address must be usb://VID:PID, got {url}") from exc
        q = {k: v[-1] for k, v in parse_qs(parsed.query).items()}
        in_ep = int(q.get("in_ep", "0x82"), 0)
        out_ep = int(q.get("out_ep", "0x01"), 0)
        interface = int(q.get("interface", "0"), 0)
        try:
            import usb.core
            dev = usb.core.find(idVendor=vid, idProduct=pid)
        except Exception as exc:  # pyusb raises NoBackendError and friends
            raise DeviceUnavailable(f"USB 不可用：{exc}", f"USB unavailable: {exc}") from exc
        if dev is None:
            raise DeviceUnavailable(f"找不到 USB 设备 {vid:04x}:{pid:04x}",
                                    f"USB device {vid:04x}:{pid:04x} not found")
        try:
            if dev.is_kernel_driver_active(interface):
                dev.detach_kernel_driver(interface)
            dev.set_configuration()
        except Exception as exc:
            raise DeviceUnavailable(f"无法配置 USB 设备：{exc}", f"cannot configure USB device: {exc}") from exc
        return cls(dev, in_ep, out_ep, interface, timeout)

    @property
    def in_waiting(self) -> int:
        return len(self._buf)

    def write(self, data: bytes) -> int:
        try:
            return self._dev.write(self.out_ep, data, int(self.timeout * 1000) or 1000)
        except Exception as exc:
            raise DeviceUnavailable(f"USB 写入失败：{exc}", f"USB write failed: {exc}") from exc

    def read(self, size: int = 1) -> bytes:
        if not self._buf:
            try:
                self._buf = bytes(self._dev.read(self.in_ep, 64, int(self.timeout * 1000) or 1))
            except Exception as exc:
                if "timed out" in str(exc).lower() or getattr(exc, "errno", None) == 110:
                    return b""
                raise DeviceTimeout(f"USB 读取失败：{exc}", f"USB read failed: {exc}") from exc
        out, self._buf = self._buf[:size], self._buf[size:]
        return out

    def flush(self) -> None:
        pass

    def reset_input_buffer(self) -> None:
        self._buf = b""

    def close(self) -> None:
        try:
            import usb.util
            usb.util.dispose_resources(self._dev)
        except Exception:
            pass
