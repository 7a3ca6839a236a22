"""The SQLite store: one connection, one writer, WAL, migrations, the event log.

Every state change runs inside :meth:`Store.transaction`, which serialises writers
with a lock, opens ``BEGIN IMMEDIATE`` and commits or rolls back as one unit; the
change appends its events through :meth:`Tx.event` inside the same transaction, so
the event log and the state never disagree.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator

import sqlite_utils

from hall_server.errors import HallError
from hall_server.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)


def storage_error(exc: Exception) -> HallError:
    text = str(exc).lower()
    if "full" in text:
        zh, en = "服务器磁盘已满，本次操作未保存，请联系管理员", "the server's disk is full; nothing was saved"
    elif "readonly" in text or "read-only" in text:
        zh, en = "数据库只读，本次操作未保存，请联系管理员", "the database is read-only; nothing was saved"
    else:
        zh, en = "数据库暂时无法写入，本次操作未保存，请稍后重试", "the database could not be written; nothing was saved"
    return HallError("storage_error", zh, en)


class Tx:
    """What a transaction body may do: run SQL and append events."""

    def __init__(self, store: "Store", at: datetime):
        self.store = store
        self.conn = store.conn
        self.at = at
        self.events: list[dict] = []

    def execute(self, sql: str, params: Any = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def one(self, sql: str, params: Any = ()) -> dict | None:
        cur = self.conn.execute(sql, params)
        row = cur.fetchone()
        return dict(zip([c[0] for c in cur.description], row)) if row else None

    def all(self, sql: str, params: Any = ()) -> list[dict]:
        cur = self.conn.execute(sql, params)
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    def insert(self, table: str, row: dict) -> sqlite3.Cursor:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        return self.conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(row.values()))

    def update(self, table: str, key: str, key_value: Any, changes: dict) -> None:
        sets = ", ".join(f"{c} = ?" for c in changes)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE {key} = ?", (*changes.values(), key_value))

    def event(self, type_: str, data: dict) -> int:
        """Append one event; returns its ``seq``. ``data`` must hold no personal data."""
        at = self.at.isoformat(timespec="milliseconds")
        cur = self.conn.execute("INSERT INTO events (type, at, data) VALUES (?, ?, ?)",
                                (type_, at, json.dumps(data, ensure_ascii=False)))
        seq = cur.lastrowid
        self.events.append({"seq": seq, "type": type_, "at": at, "data": data})
        return seq


class Store:
    """The hall's database. ``path`` is a file (WAL) or ``":memory:"``."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=5000")
        self.db = sqlite_utils.Database(self.conn)
        self._lock = threading.RLock()
        self._listeners: list[Callable[[list[dict]], None]] = []
        self.migrate()

    # -- schema -------------------------------------------------------------
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def applied_migrations(self) -> set[int]:
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                          "name TEXT NOT NULL, applied_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP)")
        return {r[0] for r in self.conn.execute("SELECT version FROM schema_migrations")}

    def migrate(self) -> list[int]:
        """Apply every migration not applied yet, in order, each in its own
        transaction: one that fails leaves the database as it was and stops start-up."""
        applied = []
        with self._lock:
            done = self.applied_migrations()
            pending = [m for m in sorted(MIGRATIONS) if m[0] not in done]
            if pending and done and self.path != ":memory:":
                self._backup_before_upgrade(pending[0][0])
            for version, name, sql in pending:
                log.info("migrating database: %d (%s)", version, name)
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    for statement in _statements(sql):
                        self.conn.execute(statement)
                    self.conn.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", (version, name))
                    self.conn.execute(f"PRAGMA user_version = {max(version, self.schema_version())}")
                    self.conn.execute("COMMIT")
                except Exception:
                    self.conn.execute("ROLLBACK")
                    raise
                applied.append(version)
        return applied

    def _backup_before_upgrade(self, first_pending: int) -> Path:
        """An upgrade copies the database aside first, so a failed upgrade can also be
        undone by hand (each migration already rolls back on its own)."""
        target = Path(f"{self.path}.before-migration-{first_pending}")
        self.backup(target)
        log.info("database copied to %s before upgrading", target)
        return target

    # -- transactions -------------------------------------------------------
    def on_commit(self, listener: Callable[[list[dict]], None]) -> None:
        """Call ``listener(events)`` after each commit that appended events."""
        self._listeners.append(listener)

    @contextmanager
    def transaction(self, at: datetime) -> Iterator[Tx]:
        with self._lock:
            tx = Tx(self, at)
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise storage_error(exc) from exc
            try:
                yield tx
                self.conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                self._rollback()
                log.error("transaction failed: %s", exc)
                raise storage_error(exc) from exc
            except BaseException:
                self._rollback()
                raise
        if tx.events:
            for listener in self._listeners:
                listener(tx.events)

    def _rollback(self) -> None:
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            pass

    # -- reads --------------------------------------------------------------
    def one(self, sql: str, params: Any = ()) -> dict | None:
        with self._lock:
            return Tx(self, datetime.min).one(sql, params)

    def all(self, sql: str, params: Any = ()) -> list[dict]:
        with self._lock:
            return Tx(self, datetime.min).all(sql, params)

    def last_seq(self) -> int:
        row = self.one("SELECT MAX(seq) AS seq FROM events")
        return (row or {}).get("seq") or 0

    def events_since(self, seq: int, limit: int = 500) -> list[dict]:
        rows = self.all("SELECT seq, type, at, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
        for row in rows:
            row["data"] = json.loads(row["data"])
        return rows

    def integrity_ok(self) -> bool:
        return self.one("PRAGMA integrity_check")["integrity_check"] == "ok"

    def backup(self, target: str | Path) -> None:
        """A consistent online copy (SQLite's backup API), safe while serving."""
        with self._lock:
            dest = sqlite3.connect(str(target))
            try:
                self.conn.backup(dest)
            finally:
                dest.close()

    def close(self) -> None:
        with self._lock:
            self.conn.close()


def _statements(sql: str) -> list[str]:
    parts, buf = [], []
    for line in sql.splitlines():
        buf.append(line.split("--", 1)[0])
        joined = "\n".join(buf)
        if sqlite3.complete_statement(joined):
            if joined.strip():
                parts.append(joined.strip())
            buf = []
    return parts
