"""The running hall: configuration, store, clock and the secrets and caches the
engine needs, built once at start and passed down (never a module global)."""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from hall_server.clock import Clock
from hall_server.domain.estimates import ServiceTimeStats
from hall_server.domain.model import CallPolicy, CategoryRules, ServiceRules, WindowRules, WindowState
from hall_server.domain.numbering import numbering_day
from hall_server.store import Store


def load_or_create_key(path: Path) -> bytes:
    """The secret for keyed hashes of ID numbers, created once with mode 0600."""
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key.hex())
    return key


class Hall:
    """Everything a request handler needs, in one object."""

    def __init__(self, config, store: Store, clock: Clock, id_key: bytes, data_dir: Path):
        self.config = config
        self.store = store
        self.clock = clock
        self.id_key = id_key
        self.data_dir = data_dir
        self.categories: dict[str, CategoryRules] = {c.code: c for c in _as_list(config.category_rules())}
        self.services: dict[str, ServiceRules] = {s.code: s for s in _as_list(config.service_rules())}
        self.window_policies: dict[str, CallPolicy] = {w.id: w.policy for w in _as_list(config.window_rules())}
        self.default_policy: CallPolicy = config.policy.call_policy()
        default_minutes = config.policy.estimate_default_service_minutes
        self.service_times = {code: ServiceTimeStats(default_seconds=default_minutes * 60) for code in self.categories}
        self._seed_windows()
        self._seed_service_times()

    # -- time ---------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now()

    def day(self, now: datetime | None = None) -> str:
        return numbering_day(now or self.now(), self.config.hall.numbering_reset).isoformat()

    # -- windows ------------------------------------------------------------
    def window_rules(self, row: dict) -> WindowRules:
        policy = self.window_policies.get(row["id"], CallPolicy())
        return WindowRules(id=row["id"], number=row["number"], categories=tuple(json.loads(row["categories"])),
                           state=WindowState(row["state"]), policy=policy)

    def _seed_windows(self) -> None:
        """Insert windows new in the config; keep the runtime state of known ones."""
        now = self.now().isoformat(timespec="seconds")
        known = {r["id"] for r in self.store.all("SELECT id FROM windows")}
        with self.store.transaction(self.now()) as tx:
            for w in self.config.windows:
                fields = {"number": w.number, "name": w.name, "zone": w.zone, "updated_at": now}
                if w.id in known:
                    tx.update("windows", "id", w.id, fields)
                else:
                    tx.insert("windows", {"id": w.id, **fields, "categories": json.dumps(list(w.categories)),
                                          "state": w.initial_state, "clerk": None,
                                          "current_ticket": None, "pause_reason": None})

    def _seed_service_times(self) -> None:
        rows = self.store.all(
            "SELECT category, started_at, finished_at, suspended_seconds FROM tickets "
            "WHERE state = 'done' AND started_at IS NOT NULL ORDER BY finished_at DESC LIMIT 2000")
        for row in reversed(rows):
            stats = self.service_times.get(row["category"])
            if stats is not None:
                seconds = (datetime.fromisoformat(row["finished_at"]) - datetime.fromisoformat(row["started_at"])).total_seconds()
                stats.add(max(0.0, seconds - (row["suspended_seconds"] or 0)))

    def catalogue(self) -> dict:
        """GET /hall: zones, categories, services with guides, windows (config as JSON)."""
        dump = self.config.model_dump(mode="json")
        categories = [{**c, "quota": c.get("daily_quota")} for c in dump["categories"]]
        windows = {w["id"]: w for w in self.store.all("SELECT id, state, categories FROM windows")}
        return {"hall": dump["hall"], "zones": dump["zones"], "categories": categories, "services": dump["services"],
                "windows": [{**w, "state": windows.get(w["id"], {}).get("state", w["initial_state"]),
                             "categories": json.loads(windows[w["id"]]["categories"]) if w["id"] in windows
                             else w["categories"]} for w in dump["windows"]],
                "evaluation": dump.get("evaluation")}

    def mean_service_seconds(self, category: str) -> float:
        stats = self.service_times.get(category)
        return stats.mean if stats else self.config.policy.estimate_default_service_minutes * 60


def _as_list(value):
    return list(value.values()) if isinstance(value, dict) else list(value)


def with_policy(rules: WindowRules, **changes) -> WindowRules:
    return replace(rules, policy=replace(rules.policy, **changes))
