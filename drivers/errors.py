"""The driver layer's error root and its typed children.

Every error carries a Chinese message first and an English one, so a shell can
show the resident or the installer something useful without knowing the device.
"""
from __future__ import annotations


class DeviceError(Exception):
    """Root of all device errors."""

    code = "device_error"

    def __init__(self, message: str, message_en: str = "", *, code: str | None = None):
        super().__init__(message if not message_en else f"{message} / {message_en}")
        self.message = message
        self.message_en = message_en or message
        if code:
            self.code = code

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "message_en": self.message_en}


class DeviceUnavailable(DeviceError):
    """The device cannot be opened or went away (unplugged, wrong port, no permission)."""

    code = "device_unavailable"


class DeviceTimeout(DeviceError):
    """The device did not answer in time."""

    code = "device_timeout"


class ProtocolError(DeviceError):
    """Bytes that do not follow the device's protocol (bad checksum, bad frame, bad length)."""

    code = "protocol_error"
