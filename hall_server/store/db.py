"""The SQLite store: one connection, one writer, WAL, migrations, the event log.

Every state change runs inside :meth:`Store.transaction`, which serialises writers
with a lock, opens ``BEGIN IMMEDIATE`` and commits or rolls back as one unit; the
change appends its events through :meth:`Tx.event` inside the same transaction, so
the event log and the state never disagree.

Requests on the server's event loop use :meth:`Store.batched` instead (group
commit): each change still runs as its own unit — a savepoint that rolls back alone
on refusal — but the changes made in one turn of the event loop share one
``COMMIT``, and no caller hears "done" before that commit. A commit costs far more
than the statements of a ticket (it writes each dirty page to the log), so a busy
hall's kiosks share it instead of queueing for it. Write-ahead-log checkpoints run
on their own thread and connection (:class:`Checkpointer`), off the request path.
"""
from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

import sqlite_utils

from hall_server import jsonio
from hall_server.errors import HallError
from hall_server.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)
T = TypeVar("T")

# The writer's own connection still checkpoints when the log passes this many pages
# (about 80 MB): a safety net should the checkpoint thread ever fall behind.
SAFETY_AUTOCHECKPOINT_PAGES = 20_000


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
        self._at_ms: str | None = None
        self._at_s: str | None = None

    @property
    def at_ms(self) -> str:
        """``at`` as ISO 8601 to the millisecond (the form rows and events store)."""
        if self._at_ms is None:
            self._at_ms = self.at.isoformat(timespec="milliseconds")
        return self._at_ms

    @property
    def at_s(self) -> str:
        """``at`` as ISO 8601 to the second (:func:`hall_server.clock.iso`)."""
        if self._at_s is None:
            self._at_s = self.at.isoformat(timespec="seconds")
        return self._at_s

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
        at = self.at_ms
        cur = self.conn.execute("INSERT INTO events (type, at, data) VALUES (?, ?, ?)",
                                (type_, at, jsonio.dumps(data).decode()))
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
        self._batch: _Batch | None = None
        self._in_unit = 0  # transaction bodies running now (on the thread holding the lock)
        self.migrate()
        self.checkpointer: Checkpointer | None = None
        if self.path != ":memory:":
            self.conn.execute(f"PRAGMA wal_autocheckpoint={SAFETY_AUTOCHECKPOINT_PAGES}")
            self.checkpointer = Checkpointer(self.path)

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
            if self._batch is not None:
                # This thread has a group commit open: join it, then commit it all now.
                with self._savepoint(Tx(self, at)) as tx:
                    yield tx
                self._batch.events.extend(tx.events)
                error = self.flush()
                if error is not None:
                    raise error
                return
            tx = Tx(self, at)
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise storage_error(exc) from exc
            self._in_unit += 1
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
            finally:
                self._in_unit -= 1
        self._publish(tx.events)

    def _publish(self, events: list[dict]) -> None:
        """Tell the listeners about committed events."""
        if events:
            for listener in self._listeners:
                listener(events)

    def _rollback(self) -> None:
        try:
            self.conn.execute("ROLLBACK")
        except sqlite3.OperationalError:
            pass

    async def batched(self, at: datetime, body: Callable[[Tx], T]) -> T:
        """Run ``body`` as its own unit inside this event-loop turn's shared
        transaction, and return its result once that transaction has committed.
        A refusal (any exception from ``body``) rolls back only this unit; a failed
        commit fails every unit of the batch with ``storage_error``."""
        loop = asyncio.get_running_loop()
        with self._lock:
            if self._batch is None:
                self._open_batch(loop)
            batch = self._batch
            with self._savepoint(Tx(self, at)) as tx:
                result = body(tx)
            batch.events.extend(tx.events)
            done = loop.create_future()  # one per caller: a cancelled caller cancels only its own
            batch.waiters.append(done)
        await done
        return result

    def _open_batch(self, loop: asyncio.AbstractEventLoop) -> None:
        self._lock.acquire()  # held until flush(), on this same thread
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            self._lock.release()
            raise storage_error(exc) from exc
        self._batch = _Batch()
        loop.call_soon(self.flush)  # after the requests already runnable in this turn

    @contextmanager
    def _savepoint(self, tx: Tx) -> Iterator[Tx]:
        self.conn.execute("SAVEPOINT unit")
        self._in_unit += 1
        try:
            yield tx
        except sqlite3.OperationalError as exc:
            self._undo_unit(exc)
            log.error("transaction failed: %s", exc)
            raise storage_error(exc) from exc
        except BaseException as exc:
            self._undo_unit(exc)
            raise
        finally:
            self._in_unit -= 1
        self.conn.execute("RELEASE unit")

    def _undo_unit(self, cause: BaseException) -> None:
        """Undo a failed unit alone — unless SQLite already rolled back the whole
        transaction (it does on a full disk or an I/O error): then every unit of the
        group is lost, and their callers are told so rather than answered later."""
        try:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK TO unit")
                self.conn.execute("RELEASE unit")
                return
        except sqlite3.Error:
            self._rollback()
        batch, self._batch = self._batch, None
        if batch is None:
            return
        self._lock.release()  # the hold taken by _open_batch
        error = storage_error(cause if isinstance(cause, sqlite3.Error) else RuntimeError(str(cause)))
        log.error("group of %d changes lost: %s", len(batch.waiters), cause)
        batch.settle(error)

    def flush(self) -> HallError | None:
        """Commit the open group commit, if any, and tell its callers and listeners;
        returns the error a failed commit gave them. Never commits half a unit: a read
        made inside a transaction body leaves the group open."""
        with self._lock:
            if self._batch is None or self._in_unit:
                return None
            batch, self._batch = self._batch, None
            error = None
            try:
                self.conn.execute("COMMIT")
            except Exception as exc:  # disk full, I/O error, a deferred constraint: all or nothing
                self._rollback()
                log.error("group commit of %d changes failed: %s", len(batch.waiters), exc)
                error = storage_error(exc)
            finally:
                self._lock.release()  # the hold taken by _open_batch
        batch.settle(error)
        if error is None:
            self._publish(batch.events)
        return error

    # -- reads --------------------------------------------------------------
    # A read outside a transaction sees committed data only: it commits an open
    # group commit of its own thread first.
    def one(self, sql: str, params: Any = ()) -> dict | None:
        with self._lock:
            self.flush()
            return Tx(self, datetime.min).one(sql, params)

    def all(self, sql: str, params: Any = ()) -> list[dict]:
        with self._lock:
            self.flush()
            return Tx(self, datetime.min).all(sql, params)

    def data_version(self) -> int:
        """SQLite's counter of commits by *other* connections (``PRAGMA data_version``)."""
        with self._lock:
            return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def last_seq(self) -> int:
        row = self.one("SELECT MAX(seq) AS seq FROM events")
        return (row or {}).get("seq") or 0

    def events_since(self, seq: int, limit: int = 500) -> list[dict]:
        rows = self.all("SELECT seq, type, at, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
        for row in rows:
            row["data"] = jsonio.loads(row["data"])
        return rows

    def integrity_ok(self) -> bool:
        return self.one("PRAGMA integrity_check")["integrity_check"] == "ok"

    def backup(self, target: str | Path) -> None:
        """A consistent online copy (SQLite's backup API), safe while serving."""
        with self._lock:
            self.flush()
            dest = sqlite3.connect(str(target))
            try:
                self.conn.backup(dest)
            finally:
                dest.close()

    def close(self) -> None:
        with self._lock:
            self.flush()
            if self.checkpointer is not None:
                self.checkpointer.stop()
            self.conn.close()


class _Batch:
    """One group commit: the callers waiting for it and the events it appended."""

    __slots__ = ("waiters", "events")

    def __init__(self) -> None:
        self.waiters: list[asyncio.Future] = []
        self.events: list[dict] = []

    def settle(self, error: HallError | None) -> None:
        """Answer every caller still waiting: done, or ``error``."""
        for waiter in self.waiters:
            if not waiter.done():
                if error is None:
                    waiter.set_result(None)
                else:
                    waiter.set_exception(error)


class Checkpointer:
    """Copies the write-ahead log back into the database every ``interval`` seconds
    on its own thread and connection (``PRAGMA wal_checkpoint(PASSIVE)``: it never
    blocks the writer). SQLite would otherwise do it inside a commit, on the request
    path, every thousand pages."""

    def __init__(self, path: str, interval: float = 0.5):
        self.path, self.interval = path, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        conn = None
        while not self._stop.wait(self.interval):
            try:
                if conn is None:  # mode=rw: never create a database that went away
                    conn = sqlite3.connect(f"{Path(self.path).resolve().as_uri()}?mode=rw", uri=True,
                                           check_same_thread=False, isolation_level=None)
                    conn.execute("PRAGMA busy_timeout=1000")
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.Error as exc:  # busy, or the file went away: try again later
                log.debug("checkpoint skipped: %s", exc)
        if conn is not None:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


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
