"""A hall client for building, photographing and soaking the Qt kiosk without a server.

``RehearsalClient`` wraps the core's ``MemoryHall`` (request_id idempotency, scripted
failures) and adds what the shell calls beyond the flows: the catalogue, heartbeats
and help requests. ``offline`` makes every call fail as an unreachable server.
"""
from __future__ import annotations

from typing import Mapping

from kiosk.core.errors import HallUnreachable
from kiosk.core.rehearsal import SAMPLE_HALL, MemoryHall

SAMPLE_NOTICES = (
    "工作时间：周一至周五 上午 9:00–12:00，下午 13:30–17:00，延时服务至最后一位群众办结",
    "70 周岁以上老年人、残疾人、孕妇等群体请到总服务台，走绿色通道优先办理",
)


class RehearsalClient:
    """``HallPort`` plus ``hall()``, ``heartbeat()``, ``help_request()`` on an in-memory hall."""

    base_url = "rehearsal://hall"

    def __init__(self, catalogue: Mapping | None = None, notices=SAMPLE_NOTICES):
        catalogue = dict(catalogue or SAMPLE_HALL)
        catalogue["hall"] = {**(catalogue.get("hall") or {}), "notices": list(notices)}
        self.catalogue = catalogue
        self.memory = MemoryHall(catalogue)
        self.offline = False
        self.heartbeats: list[tuple[str, dict]] = []
        self.help_requests: list[dict] = []

    def __getattr__(self, name):
        # issue_ticket, check_in, lookup_appointments, ticket_status, queue, evaluate
        method = getattr(self.memory, name)
        if not callable(method):
            return method

        def call(*args, **kwargs):
            self._check()
            return method(*args, **kwargs)
        return call

    def _check(self) -> None:
        if self.offline:
            raise HallUnreachable("ConnectionError")

    def hall(self) -> dict:
        self._check()
        return self.catalogue

    def heartbeat(self, device: str, components: Mapping) -> dict:
        self._check()
        self.heartbeats.append((device, dict(components)))
        return {"ok": True}

    def help_request(self, device: str, location: str, *, reason=None, request_id=None) -> dict:
        self._check()
        self.help_requests.append({"device": device, "location": location, "reason": reason,
                                   "request_id": request_id})
        return {"id": f"h{len(self.help_requests)}", "state": "open"}


def example_catalogue() -> dict:
    """The example hall's real catalogue (config/hall.example.toml), as ``GET /hall`` gives it."""
    from hall_server.config import load_hall_config
    from pathlib import Path

    config = load_hall_config(Path(__file__).resolve().parents[2] / "config" / "hall.example.toml")
    dump = config.model_dump(mode="json")
    return {"hall": dump["hall"], "zones": dump["zones"], "categories": dump["categories"],
            "services": dump["services"], "windows": dump["windows"]}
