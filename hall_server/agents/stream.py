"""An agent's hold on the event stream: where it left off, kept across restarts.

:class:`EventConsumer` follows ``GET /api/v1/events`` with the kiosk's
:meth:`kiosk.hall_client.HallClient.follow_events` (reconnects, ``Last-Event-ID``,
duplicates skipped) and writes the seq of each handled event to a small state file,
atomically, so a restarted agent goes on from there instead of repeating or
losing calls. With no state file it starts from the hall's current seq: a new
agent does not replay the day's history.

A state file ahead of the server (the hall's database was replaced, seq restarted)
would make the agent ignore every new event, so it is reset to the server's seq.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from kiosk.hall_client import HallApiError, HallClient, HallEvent, HallUnreachable

log = logging.getLogger(__name__)


def default_state_file(name: str) -> Path:
    """``${XDG_STATE_HOME:-~/.local/state}/hallterm/agents/<name>.json``."""
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "hallterm" / "agents" / f"{name}.json"


class AgentClient(HallClient):
    """The hall client plus what agents read: their settings and the server's clock."""

    def settings(self) -> dict:
        """``GET /display/settings``: call wording, display, voice and LED settings, zones."""
        return self._request("GET", "/display/settings")

    def clock_offset(self) -> timedelta:
        """Server time minus local time (the demo hall runs on a shifted clock)."""
        server = datetime.fromisoformat(self.health()["time"])
        return server - datetime.now(timezone.utc)


class ServerClock:
    """The hall server's time as seen from here: local time plus an offset read from
    ``/health`` (the demo hall runs on a shifted clock, and a PC's clock may be off)."""

    def __init__(self, client: AgentClient):
        self.client = client
        self.offset = timedelta(0)
        self.refresh()

    def refresh(self) -> None:
        """Read the offset again (kept as it was if the server does not answer)."""
        try:
            self.offset = self.client.clock_offset()
        except (HallUnreachable, HallApiError, KeyError, ValueError) as exc:
            log.info("server clock not read: %s", exc)

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset


class SeqFile:
    """The last handled seq, in a JSON file written by replace (never half-written)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def load(self) -> int | None:
        try:
            seq = json.loads(self.path.read_text(encoding="utf-8"))["seq"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            log.warning("state file %s unreadable; starting from the server's current seq", self.path)
            return None
        return seq if isinstance(seq, int) and seq >= 0 else None

    def save(self, seq: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"seq": seq}), encoding="utf-8")
        os.replace(tmp, self.path)


class EventConsumer:
    """Feeds each new hall event to ``handler`` once, in order, across restarts."""

    def __init__(self, client: HallClient, state: SeqFile, handler: Callable[[HallEvent], None], *,
                 name: str = "agent", retry_s: float = 2.0, resume: bool = True):
        """``resume=False``: start from the server's seq even with a state file (an agent
        that rebuilds its output from a snapshot, like the LED agent)."""
        self.client, self.state, self.handler = client, state, handler
        self.name, self.retry_s, self.resume = name, retry_s, resume
        self.last_seq: int | None = None
        self.handled = 0

    def start_seq(self, head: int) -> int:
        """Where to begin, given the server's current seq ``head``."""
        saved = self.state.load() if self.resume else None
        if saved is None:
            return head
        if saved > head:
            log.warning("%s: saved seq %d is ahead of the server (%d); the hall's data was replaced", self.name, saved, head)
            return head
        return saved

    def run(self, stop: threading.Event, head: int | None = None) -> int:
        """Follow the stream until ``stop`` is set; returns the last handled seq.

        ``head`` is the server's current seq if the caller already read a snapshot;
        otherwise it is read here, waiting for the server as long as it takes.
        """
        if head is None:
            head = self._wait_for_head(stop)
            if head is None:
                return self.last_seq or 0
        self.last_seq = self.start_seq(head)
        self.state.save(self.last_seq)
        log.info("%s: following events after seq %d", self.name, self.last_seq)
        return self.client.follow_events(self.last_seq, self._deliver, stop)

    def _wait_for_head(self, stop: threading.Event) -> int | None:
        while not stop.is_set():
            try:
                return int(self.client.queue()["seq"])
            except (HallUnreachable, HallApiError) as exc:
                if isinstance(exc, HallApiError) and exc.status in (401, 403):
                    raise
                log.warning("%s: hall server not reachable (%s); retrying", self.name, exc)
                stop.wait(self.retry_s)
        return None

    def _deliver(self, event: HallEvent) -> None:
        try:
            self.handler(event)
        finally:   # a handler bug is logged by the follower; the event is not retried forever
            self.last_seq = event.seq
            self.handled += 1
            self.state.save(event.seq)
