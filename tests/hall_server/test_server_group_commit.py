"""Group commit (Store.batched): the changes of one event-loop turn share a COMMIT,
yet each stays its own unit, and nobody hears "done" before the commit."""
from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import datetime, timezone

import pytest

from hall_server.errors import HallError
from hall_server.store import Store

AT = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "hall.sqlite3")
    s.conn.execute("CREATE TABLE t (n INTEGER PRIMARY KEY)")
    s.conn.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    s.conn.execute("CREATE TABLE child (id INTEGER PRIMARY KEY, "
                   "parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)")
    commits = []
    s.on_commit(commits.append)
    s.commits = commits
    yield s
    s.close()


def outside(store: Store, sql: str):
    """What another connection (another process) sees: committed data only."""
    conn = sqlite3.connect(store.path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def insert(n: int, *, fail: bool = False):
    def body(tx):
        tx.execute("INSERT INTO t (n) VALUES (?)", (n,))
        tx.event("test.inserted", {"n": n})
        if fail:
            raise HallError("conflict", "拒绝", "refused")
        return n
    return body


def test_one_turns_changes_share_one_commit_and_a_refusal_rolls_back_alone(store):
    async def main():
        return await asyncio.gather(*(store.batched(AT, insert(n, fail=(n == 3))) for n in range(1, 7)),
                                    return_exceptions=True)

    results = asyncio.run(main())
    assert results[:2] + results[3:] == [1, 2, 4, 5, 6]
    assert isinstance(results[2], HallError) and results[2].code == "conflict"
    assert outside(store, "SELECT n FROM t ORDER BY n") == [(1,), (2,), (4,), (5,), (6,)]
    # one commit told the listeners, with the five kept units' events, in seq order
    assert len(store.commits) == 1
    assert [e["data"]["n"] for e in store.commits[0]] == [1, 2, 4, 5, 6]
    seqs = [e["seq"] for e in store.commits[0]]
    assert seqs == sorted(seqs)


def test_no_caller_hears_done_before_the_commit(store):
    seen_outside = []

    async def main():
        async def one(n):
            await store.batched(AT, insert(n))
            # the moment the caller is answered, another process must see the row
            seen_outside.append((n, outside(store, f"SELECT COUNT(*) FROM t WHERE n = {n}")[0][0]))

        await asyncio.gather(*(one(n) for n in range(10)))

    asyncio.run(main())
    assert sorted(seen_outside) == [(n, 1) for n in range(10)]


def test_a_failed_commit_fails_every_unit_and_publishes_nothing(store):
    def orphan(tx):
        tx.execute("INSERT INTO child (id, parent) VALUES (1, 999)")  # checked only at COMMIT
        tx.event("test.orphan", {})
        return "orphan"

    async def main():
        return await asyncio.gather(store.batched(AT, insert(1)), store.batched(AT, orphan),
                                    store.batched(AT, insert(2)), return_exceptions=True)

    results = asyncio.run(main())
    assert all(isinstance(r, HallError) and r.code == "storage_error" for r in results), results
    assert "未保存" in results[0].message and "nothing was saved" in results[0].message_en
    assert outside(store, "SELECT COUNT(*) FROM t") == [(0,)]
    assert store.commits == []
    # and the store goes on working
    assert asyncio.run(store.batched(AT, insert(7))) == 7
    assert outside(store, "SELECT n FROM t") == [(7,)]


def test_a_cancelled_caller_does_not_take_the_others_down(store):
    async def main():
        first = asyncio.ensure_future(store.batched(AT, insert(1)))
        second = asyncio.ensure_future(store.batched(AT, insert(2)))
        await asyncio.sleep(0)  # both units ran; the commit is scheduled
        first.cancel()
        return await asyncio.gather(first, second, return_exceptions=True)

    first, second = asyncio.run(main())
    assert isinstance(first, asyncio.CancelledError) and second == 2
    # the cancelled caller's change was already made: it commits (a retry with the
    # same request_id replays it), it is not lost half-way
    assert outside(store, "SELECT n FROM t ORDER BY n") == [(1,), (2,)]


def test_a_read_or_a_plain_transaction_commits_the_open_group_first(store):
    async def main():
        pending = asyncio.ensure_future(store.batched(AT, insert(1)))
        await asyncio.sleep(0)
        assert not pending.done()
        assert store.one("SELECT COUNT(*) AS c FROM t")["c"] == 1   # a read commits first
        assert outside(store, "SELECT COUNT(*) FROM t") == [(1,)]
        again = asyncio.ensure_future(store.batched(AT, insert(2)))
        await asyncio.sleep(0)
        with store.transaction(AT) as tx:                              # joins, then commits all
            tx.execute("INSERT INTO t (n) VALUES (3)")
        assert outside(store, "SELECT COUNT(*) FROM t") == [(3,)]
        return await pending, await again

    assert asyncio.run(main()) == (1, 2)


def test_a_read_inside_a_unit_never_commits_half_of_it(store):
    def body(tx):
        tx.execute("INSERT INTO t (n) VALUES (1)")
        store.one("SELECT 1 AS x")  # must not commit the open unit
        raise HallError("conflict", "拒绝", "refused")

    async def main():
        with pytest.raises(HallError):
            await store.batched(AT, body)

    asyncio.run(main())
    assert outside(store, "SELECT COUNT(*) FROM t") == [(0,)]


def test_other_threads_wait_for_the_group_and_see_it_whole(store):
    import threading

    seen = []

    async def main():
        tasks = [asyncio.ensure_future(store.batched(AT, insert(n))) for n in range(5)]
        await asyncio.sleep(0)
        reader = threading.Thread(target=lambda: seen.append(store.one("SELECT COUNT(*) AS c FROM t")["c"]))
        reader.start()
        await asyncio.gather(*tasks)
        await asyncio.to_thread(reader.join, 5)

    asyncio.run(main())
    assert seen == [5]


def test_the_checkpoint_thread_copies_the_log_back(store):
    """Commits only append to the write-ahead log; the database file itself grows
    when the checkpoint thread copies them back — nobody else does it here."""
    import os

    assert store.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] >= 10_000
    before = os.path.getsize(store.path)
    with store.transaction(AT) as tx:
        for n in range(5000):
            tx.execute("INSERT INTO t (n) VALUES (?)", (n,))
    deadline = time.monotonic() + 10
    while os.path.getsize(store.path) <= before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert os.path.getsize(store.path) > before
    assert store.checkpointer is not None and store.checkpointer._thread.is_alive()


def test_a_full_disk_mid_group_fails_the_whole_group_and_the_next_change_goes_through(store):
    """SQLITE_FULL rolls back the whole transaction, not one savepoint: the units that
    already ran in the group are lost too, and must hear so, not "done"."""
    store.conn.execute("CREATE TABLE blob (b BLOB)")
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]

    def too_big(tx):
        tx.execute("INSERT INTO blob (b) VALUES (zeroblob(200000))")
        return "big"

    async def main():
        store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
        first, big = await asyncio.gather(store.batched(AT, insert(1)), store.batched(AT, too_big),
                                          return_exceptions=True)
        after = await store.batched(AT, insert(3))  # a new group: the disk has room for it
        return first, big, after

    first, big, after = asyncio.run(main())
    store.conn.execute("PRAGMA max_page_count = 1073741823")
    assert isinstance(big, HallError) and big.code == "storage_error" and "磁盘已满" in big.message
    assert isinstance(first, HallError) and first.code == "storage_error"
    assert after == 3
    assert outside(store, "SELECT n FROM t") == [(3,)]
    assert [e["data"]["n"] for batch in store.commits for e in batch] == [3]
