"""A device's health as drivers report it and the server's heartbeat carries it."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class DeviceStatus:
    """One device's state.

    ``state`` is one of ``ok``, ``warning`` (works, needs attention: paper near end),
    ``error`` (present but cannot work: paper out, cover open) and ``unavailable``
    (cannot be reached). ``details`` holds kind-specific flags (``paper``: ``ok`` /
    ``near_end`` / ``out``, ``cover_open``...).
    """

    kind: str
    state: str = "ok"
    message: str = ""
    message_en: str = ""
    details: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.state in ("ok", "warning")

    def as_component(self) -> dict:
        """The shape of one entry of a heartbeat's ``components`` (see API.md)."""
        out = {"ok": self.ok, "state": self.state}
        if self.message:
            out["message"] = self.message
            out["message_en"] = self.message_en
        out.update(self.details)
        return out

    def as_dict(self) -> dict:
        return asdict(self)
