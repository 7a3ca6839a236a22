"""The real hall server process for fault, security and bad-input tests.

:class:`HallRun` extends the e2e ``HallProcess`` (tests/e2e/conftest.py) with what a
fault test needs: SIGKILL and restart on the same data dir and port, the server's
log kept outside the data dir (a full disk must not be filled by its own log),
``serve`` on a given hall file, direct reads of the database file, and device tokens
made before start (one per window) through the store, as ``admin`` would.

Other test folders load this module by path (:func:`load_runner`), since tests/ is
not a package.
"""
from __future__ import annotations

import importlib.util
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_HALL = ROOT / "config" / "hall.example.toml"


def _load(name: str, path: Path):
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


_e2e = _load("hallterm_e2e_conftest", ROOT / "tests" / "e2e" / "conftest.py")
free_port = _e2e.free_port


class HallRun(_e2e.HallProcess):
    """One hall server process that can be killed and started again on the same
    data dir and port. ``config`` given: ``serve --config``; else ``demo``."""

    def __init__(self, data_dir: Path, port: int | None = None, *, log_path: Path | None = None,
                 config: Path | None = None):
        super().__init__(Path(data_dir), port)
        self.log_path = Path(log_path or Path(data_dir).parent / f"server-{self.port}.log")
        self.config = config
        self.starts = 0

    @property
    def db_path(self) -> Path:
        return self.data_dir / "hall.sqlite3"

    def command(self) -> list[str]:
        if self.config:
            return [sys.executable, "-m", "hall_server", "serve", "--config", str(self.config),
                    "--data-dir", str(self.data_dir)]
        return [sys.executable, "-m", "hall_server", "demo", "--port", str(self.port), "--data-dir", str(self.data_dir)]

    def start(self, timeout: float = 60.0) -> "HallRun":
        creds = self.data_dir / "demo-credentials.json"
        creds.unlink(missing_ok=True)
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command(), cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log_text()[-2000:]}")
            if self._up(creds):
                return self
            time.sleep(0.1)
        self.kill()
        raise TimeoutError("server did not start")

    def _up(self, creds: Path) -> bool:
        if not self.config:
            if creds.exists():
                self.credentials = json.loads(creds.read_text())
                return True
            return False
        try:
            return requests.get(self.url("/health"), timeout=1).status_code == 200
        except requests.RequestException:
            return False

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when the power or the OOM killer strikes."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(15)
        if getattr(self, "log", None) and not self.log.closed:
            self.log.close()

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def token_session(self, token: str) -> requests.Session:
        s = requests.Session()
        s.headers["Authorization"] = f"Bearer {token}"
        return s

    def query(self, sql: str, params=()) -> list[dict]:
        """Read the database file directly (a second connection, as an auditor would)."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        try:
            cur = conn.execute(sql, params)
            cols = [c[0] for c in cur.description]
            return [dict(zip(cols, row)) for row in cur.fetchall()]
        finally:
            conn.close()


def all_day_hall(target: Path, port: int) -> Path:
    """The example hall open around the clock (category hours removed), numbering
    reset 12 h from now and listening on ``port``: a real-clock ``serve`` process then
    takes tickets at any hour, and its time never jumps back across a restart (the
    demo's shifted clock restarts at 10:00 on each start)."""
    from datetime import datetime, timedelta, timezone

    reset = (datetime.now(timezone(timedelta(hours=8))) + timedelta(hours=12)).strftime("%H:%M")
    lines = []
    for line in EXAMPLE_HALL.read_text(encoding="utf-8").splitlines():
        key = line.split("=", 1)[0].strip()
        if key == "hours":
            continue
        if key == "catalogue":
            line = f'catalogue = "{(EXAMPLE_HALL.parent / "../assets/catalogue/services.toml").resolve()}"'
        elif key == "numbering_reset":
            line = f'numbering_reset = "{reset}"'
        elif key == "port":
            line = f"port = {port}"
        lines.append(line)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def prepare_tokens(data_dir: Path, devices: dict[str, tuple[str, str | None]], config: Path = EXAMPLE_HALL,
                   users: dict[str, tuple[str, str, str | None]] | None = None) -> dict:
    """Device tokens (and users) made in the data dir before the server starts, as
    ``python -m hall_server admin create-device-token`` / ``create-user`` do, without
    one process each. ``devices``: name → (role, window id or None); ``users``:
    username → (password, role, window id or None). Returns device name → token."""
    from hall_server import auth
    from hall_server.app import Settings, build_hall

    hall = build_hall(Settings(config_path=config, data_dir=data_dir))
    try:
        with hall.store.transaction(hall.now()) as tx:
            for username, (password, role, window) in (users or {}).items():
                auth.create_user(tx, username, password, role, window_id=window)
            return {name: auth.create_device_token(tx, name, role, window) for name, (role, window) in devices.items()}
    finally:
        hall.store.close()


def synthetic_id(first17: str) -> str:
    """A synthetic ID number (GB 11643 check digit over 17 given digits); never a real person's."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


def open_windows(config: Path = EXAMPLE_HALL) -> list[str]:
    """Ids of the windows the hall file opens at start."""
    from hall_server.config import load_hall_config

    return [w.id for w in load_hall_config(config).windows if w.initial_state == "open"]


def load_runner():
    """This module, for conftests of other test folders."""
    return sys.modules[__name__]
