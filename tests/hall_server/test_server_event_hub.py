"""The event hub serves every seq exactly once, from its ring or the database."""
from __future__ import annotations

import json

from hall_server.events import EventHub


def _append(hall, n: int, type_: str = "test.event") -> None:
    for i in range(n):
        with hall.store.transaction(hall.now()) as tx:
            tx.event(type_, {"i": i})


def seqs(frames) -> list[int]:
    return [seq for seq, _ in frames]


def test_frames_are_contiguous_and_shared(hall):
    hub = EventHub(hall.store, ring_size=10)
    _append(hall, 6)
    assert seqs(hub.since(0)) == [1, 2, 3, 4, 5, 6] and hub.since(6) == []
    first = hub.since(3)[0][1]
    assert hub.since(3)[0][1] is first  # the same bytes for every subscriber
    text = first.decode()
    assert text.startswith("id: 4\r\nevent: test.event\r\ndata: ") and text.endswith("\r\n\r\n")
    assert json.loads(text.split("data: ", 1)[1])["data"] == {"i": 3}


def test_a_trimmed_ring_falls_back_to_the_database(hall):
    hub = EventHub(hall.store, ring_size=10)
    _append(hall, 25)
    assert seqs(hub.since(0)) == list(range(1, 26))
    assert seqs(hub.since(0, limit=5)) == [1, 2, 3, 4, 5]


def test_events_from_another_writer_are_not_skipped(hall, tmp_path):
    hub = EventHub(hall.store)
    _append(hall, 2)
    other = hall.store.conn  # another process writes without telling the hub
    other.execute("INSERT INTO events (type, at, data) VALUES ('admin.imported', 'x', '{}')")
    _append(hall, 1)  # seq 4 lands in the ring after a gap
    assert seqs(hub.since(0)) == [1, 2, 3, 4]
    assert seqs(hub.since(2)) == [3, 4]
    assert b"admin.imported" in hub.since(2)[0][1]
