"""The upstream sender: delivers queued 好差评 records to the provincial platform
until each is acknowledged (domain.md HCP-60).

It works on the hall's SQLite file directly (the outbox is a table written in the
evaluation's own transaction, ``engine.outbox``), so it runs inside the server
process (:meth:`OutboxAgent.start` in the app's lifespan) or as its own program on
the server PC::

    python -m hall_server.agents.outbox --config hall.toml [--data-dir DIR] [--once]

Acknowledged means HTTP 2xx and, when ``ack_field`` is set, that field of the JSON
reply holding one of ``ack_values`` (or of ``duplicate_values``: the upstream already
has the record, so it counts as delivered). Anything else — a refused connection,
a timeout, a 5xx, a business error — is retried with exponential backoff. Rows are
claimed under a lease, so two senders on one database never send a row at once.
"""
from __future__ import annotations

import argparse
import logging
import random
import signal
import socket
import sys
import threading
import uuid
from pathlib import Path
from typing import NamedTuple

import requests

from hall_server.domain.model import DomainError
from hall_server.engine import outbox
from hall_server.errors import HallError

log = logging.getLogger(__name__)


class Reply(NamedTuple):
    """What one attempt came to."""

    delivered: bool
    duplicate: bool = False
    status: int | None = None
    error: str | None = None


def dotted(body, path: str):
    """``body["a"]["b"]`` for ``"a.b"``; None when absent."""
    for part in path.split("."):
        if not isinstance(body, dict) or part not in body:
            return None
        body = body[part]
    return body


def judge(status: int, body, settings) -> Reply:
    """Whether an HTTP reply acknowledges the record (``settings``: UpstreamSettings)."""
    if not 200 <= status < 300:
        return Reply(False, status=status, error=f"HTTP {status}: {str(body)[:200]}")
    if not settings.ack_field:
        return Reply(True, status=status)
    value = dotted(body, settings.ack_field)
    value = None if value is None else str(value)
    if value in settings.ack_values:
        return Reply(True, status=status)
    if value in settings.duplicate_values:
        return Reply(True, duplicate=True, status=status)
    return Reply(False, status=status, error=f"not acknowledged: {settings.ack_field}={value!r} {str(body)[:200]}")


class OutboxAgent:
    """Sends due outbox rows; one instance per process, any number per database."""

    def __init__(self, store, clock, settings, *, session: requests.Session | None = None,
                 owner: str | None = None, rng: random.Random | None = None):
        self.store, self.clock, self.settings = store, clock, settings
        self.session = session or requests.Session()
        self.owner = owner or f"{socket.gethostname()}:{uuid.uuid4().hex[:8]}"
        self.rng = rng or random.Random()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def for_hall(cls, hall, **kwargs) -> "OutboxAgent":
        """An agent on ``hall``'s store, clock and ``[evaluation_loop.upstream]``."""
        return cls(hall.store, hall.clock, hall.config.evaluation_loop.upstream, **kwargs)

    # -- one round ------------------------------------------------------------
    def run_once(self) -> dict:
        """Claim due rows, send each, settle each. Returns counts of this round."""
        s = self.settings
        rows = outbox.claim(self.store, self.clock.now(), s.name, self.owner, s.lease_seconds, s.batch_size)
        sent = failed = 0
        for row in rows:
            reply = self.send(row)
            retry_in = outbox.backoff_seconds(row["attempts"] + 1, s.initial_backoff_seconds, s.max_backoff_seconds,
                                              s.backoff_jitter, self.rng)
            outbox.settle(self.store, self.clock.now(), row["id"], self.owner, delivered=reply.delivered,
                          duplicate=reply.duplicate, status=reply.status, error=reply.error, retry_in=retry_in)
            sent += reply.delivered
            failed += not reply.delivered
            if not reply.delivered:
                log.warning("upstream %s: %s not delivered (attempt %d): %s", s.name, row["dedupe_key"],
                            row["attempts"] + 1, reply.error)
        return {"claimed": len(rows), "sent": sent, "failed": failed}

    def send(self, row: dict) -> Reply:
        """POST one record; every failure becomes a Reply, never an exception."""
        s = self.settings
        try:
            body = outbox.payload(row["record"], s)
        except DomainError as exc:  # a value without a code: a config problem, retried after the fix
            return Reply(False, error=f"mapping: {exc.message_en}")
        try:
            response = self.session.post(s.url, json=body, headers=dict(s.headers), timeout=s.timeout_seconds)
        except requests.Timeout:
            return Reply(False, error=f"timeout after {s.timeout_seconds} s")
        except requests.RequestException as exc:
            return Reply(False, error=f"{type(exc).__name__}: {str(exc)[:200]}")
        try:
            reply_body = response.json()
        except ValueError:
            reply_body = response.text[:200]
        return judge(response.status_code, reply_body, s)

    # -- as a thread ------------------------------------------------------------
    def start(self) -> bool:
        """Run rounds in a daemon thread until :meth:`stop`; False when disabled."""
        if not self.settings.enabled:
            log.info("upstream %s disabled: records stay queued", self.settings.name)
            return False
        self.store.on_commit(self._on_commit)
        self._thread = threading.Thread(target=self.run_forever, name="outbox-agent", daemon=True)
        self._thread.start()
        return True

    def run_forever(self) -> None:
        """Rounds until stopped; a full batch goes on at once, otherwise wait for a
        new evaluation or ``poll_seconds``."""
        while not self._stop.is_set():
            try:
                result = self.run_once()
            except HallError as exc:
                log.error("outbox round failed: %s", exc.message_en)
                result = {"claimed": 0}
            if result["claimed"] < self.settings.batch_size:
                self._wake.wait(self.settings.poll_seconds)
                self._wake.clear()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the thread to finish its current round and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wake(self) -> None:
        """Start the next round now (a new record was queued)."""
        self._wake.set()

    def _on_commit(self, events: list[dict]) -> None:
        if any(e["type"] == "evaluation.recorded" for e in events):
            self.wake()


def main(argv: list[str] | None = None) -> int:
    """The standalone sender: ``--once`` sends what is due and exits."""
    from hall_server.app import Settings, build_hall

    parser = argparse.ArgumentParser(prog="python -m hall_server.agents.outbox",
                                     description="好差评记录上报省级平台 / send evaluation records upstream")
    parser.add_argument("--config", type=Path, required=True, help="大厅配置文件 / hall file")
    parser.add_argument("--data-dir", type=Path, default=None, help="数据目录 / data directory")
    parser.add_argument("--once", action="store_true", help="发送一轮后退出 / one round, then exit")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    hall = build_hall(Settings(config_path=args.config, data_dir=args.data_dir))
    agent = OutboxAgent.for_hall(hall)
    if not hall.config.evaluation_loop.upstream.enabled:
        print("上报未启用（[evaluation_loop.upstream] enabled = false） / upstream disabled", file=sys.stderr)
        return 2
    if args.once:
        print(agent.run_once())
        return 0
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    agent.start()
    stop.wait()
    agent.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
