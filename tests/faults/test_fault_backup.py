"""Back up while the hall serves, restore onto a fresh machine (issue 8, faults).

- ``python -m hall_server admin backup`` taken while kiosks issue (real-name too),
  windows call, serve and relay ratings is one consistent moment: its event log is a
  prefix of the live one and every ticket's state agrees with its last event there.
- A quiet backup restored with ``admin restore`` onto an empty data dir is the same
  state (every table, row for row), and a server started there answers as the old
  one did: tickets, tokens, logins, the per-person daily limit and the event seq.
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

PASSWORD = "backup-test-password"
PEOPLE = 12   # real-name residents, each allowed 2 tickets a day in category C


def admin(runner, config: Path, data: Path, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "hall_server", "admin", "--config", str(config), "--data-dir", str(data),
                           *args], cwd=runner.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def table_rows(db: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=_order) for n in names}
    finally:
        conn.close()


def _order(row: tuple) -> tuple:
    """Rows in column order (an integer key sorts as a number; NULLs last)."""
    return tuple((v is None, type(v).__name__, v if v is not None else 0) for v in row)


def busy_hall(server, tokens: dict, runner, stop: threading.Event, errors: list) -> list[threading.Thread]:
    """A kiosk issuing (every other ticket real-name, category C), two windows serving
    and relaying ratings (every fifth a bad one with a reason, which opens a case)."""

    def kiosk():
        s, n = server.token_session(tokens["kiosk"]), 0
        while not stop.is_set():
            body = {"category_code": "Z", "request_id": f"k{n}"}
            if n % 2:
                person = (n // 2) % PEOPLE
                body = {"category_code": "C", "request_id": f"k{n}",
                        "id_card": {"number": runner.synthetic_id(f"37010219800101{person:03d}"), "name": f"欧阳{person}号"}}
            r = s.post(server.url("/tickets"), json=body, timeout=10)
            if r.status_code not in (201, 409):
                errors.append(r.text)
            n += 1

    def window(window_id: str):
        s, n = server.token_session(tokens[window_id]), 0
        while not stop.is_set():
            n += 1
            called = s.post(server.url(f"/windows/{window_id}/call-next"), json={"request_id": f"{window_id}-{n}"}, timeout=10)
            if called.status_code != 200:
                time.sleep(0.02)
                continue
            for step in ("start", "finish"):
                s.post(server.url(f"/windows/{window_id}/{step}"), json={}, timeout=10).raise_for_status()
            bad = n % 5 == 0
            rating = {"ticket_id": called.json()["id"], "level": 1 if bad else 5, "channel": "pad",
                      **({"reasons": ["效率太低"], "comment": "等了很久"} if bad else {})}
            r = s.post(server.url("/evaluations"), json=rating, timeout=10)
            if r.status_code != 201:
                errors.append(r.text)

    def guarded(fn, *args):
        try:
            fn(*args)
        except Exception as exc:      # a thread's exception would otherwise vanish
            errors.append(f"{fn.__name__}: {exc!r}")

    threads = [threading.Thread(target=guarded, args=(kiosk,))]
    threads += [threading.Thread(target=guarded, args=(window, w)) for w in ("w01", "w14")]
    for t in threads:
        t.start()
    return threads


@pytest.mark.slow
@pytest.mark.e2e
def test_backup_while_serving_is_consistent_and_restores_onto_a_fresh_machine(tmp_path, halls, runner):
    port = runner.free_port()
    config = runner.all_day_hall(tmp_path / "hall.toml", port)
    data = tmp_path / "data"
    tokens = runner.prepare_tokens(data, {"kiosk": ("kiosk", None), "w01": ("counter", "w01"),
                                          "w14": ("counter", "w14")}, config,
                                   users={"mgr": (PASSWORD, "manager", None)})
    server = halls(data, port=port, config=config).start()
    stop, errors = threading.Event(), []
    threads = busy_hall(server, tokens, runner, stop, errors)
    try:
        time.sleep(1.0)
        hot = admin(runner, config, data, "backup", str(tmp_path / "hot.sqlite3"))
        time.sleep(0.5)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert not errors, errors[:3]
    assert hot["integrity"] == "ok"

    # the hot copy is one moment of the live hall
    live_db, hot_db = server.db_path, Path(hot["backup"])
    backup, live = table_rows(hot_db), table_rows(live_db)
    cut = max(e[0] for e in backup["events"])
    assert backup["events"] == [e for e in live["events"] if e[0] <= cut]
    assert len(live["events"]) > len(backup["events"]) > 20, "the backup did not overlap the traffic"
    last_state, issued = {}, set()
    for seq, type_, _, data_json in backup["events"]:
        event = json.loads(data_json)
        if type_.startswith("ticket."):
            last_state[event["id"]] = event["state"]
            issued |= {event["id"]} if type_ == "ticket.issued" else set()
    conn = sqlite3.connect(hot_db)
    tickets = dict(conn.execute("SELECT id, state FROM tickets").fetchall())
    rated = {r[0] for r in conn.execute("SELECT ticket_id FROM evaluations")}
    conn.close()
    assert set(tickets) == issued and tickets == last_state
    assert rated and all(tickets[t] == "done" for t in rated)
    audit_ids = [a[0] for a in backup["audit"]]
    assert [a for a in live["audit"] if a[0] in set(audit_ids)] == backup["audit"]

    # a quiet backup, restored onto an empty data dir, is the same state, table by table
    quiet = admin(runner, config, data, "backup", str(tmp_path / "quiet.sqlite3"))
    fresh = tmp_path / "fresh-machine"
    restored = admin(runner, config, fresh, "restore", quiet["backup"])
    assert Path(restored["restored"]) == fresh / "hall.sqlite3"
    live, again = table_rows(live_db), table_rows(fresh / "hall.sqlite3")
    assert set(again) == set(live)
    for name in live:
        assert again[name] == live[name], name

    # and a server there answers as the old one does
    port2 = runner.free_port()
    other = halls(fresh, port=port2, config=runner.all_day_hall(tmp_path / "hall2.toml", port2)).start()
    old_kiosk, new_kiosk = server.token_session(tokens["kiosk"]), other.token_session(tokens["kiosk"])
    for ticket_id in list(tickets)[:20]:
        assert new_kiosk.get(other.url(f"/tickets/{ticket_id}")).json() == old_kiosk.get(server.url(f"/tickets/{ticket_id}")).json()
    login = requests.post(other.url("/auth/login"), json={"username": "mgr", "password": PASSWORD}, timeout=10)
    assert login.status_code == 200 and login.json()["role"] == "manager"
    # a resident who already has today's 2 tickets in C is refused on the restored machine too
    # (the person hash is keyed: the restore must bring the hall's ID-hash key along)
    person = runner.synthetic_id("37010219800101000")
    third = {"category_code": "C", "id_card": {"number": person, "name": "欧阳0号"}}
    assert old_kiosk.post(server.url("/tickets"), json=third).json()["error"]["code"] == "person_limit"
    assert new_kiosk.post(other.url("/tickets"), json=third).json()["error"]["code"] == "person_limit"
    # the event log continues from the same seq
    fresh_ticket = new_kiosk.post(other.url("/tickets"), json={"category_code": "Z"}).json()
    seqs = other.query("SELECT seq FROM events WHERE data LIKE ?", (f'%{fresh_ticket["id"]}%',))
    assert seqs[0]["seq"] == max(e[0] for e in live["events"]) + 1


def test_backup_carries_the_id_hash_key_and_restore_installs_it(tmp_path, runner, capsys):
    from hall_server import cli

    said = {}

    def run(data: Path, *args: str) -> dict:
        assert cli.main(["admin", "--config", str(runner.EXAMPLE_HALL), "--data-dir", str(data), *args]) == 0
        out, said["err"] = capsys.readouterr()
        return json.loads(out.strip().splitlines()[-1])

    made = run(tmp_path / "old", "backup", str(tmp_path / "b.sqlite3"))
    key = Path(made["id_hash_key"])
    assert key.read_text() == (tmp_path / "old" / "id-hash.key").read_text()
    assert key.stat().st_mode & 0o777 == 0o600
    assert run(tmp_path / "new", "restore", made["backup"])["id_hash_key"] == "restored"
    assert (tmp_path / "new" / "id-hash.key").read_text() == key.read_text()
    assert (tmp_path / "new" / "id-hash.key").stat().st_mode & 0o777 == 0o600
    key.unlink()                                  # a backup whose key was lost: restored, with a warning
    assert run(tmp_path / "other", "restore", made["backup"])["id_hash_key"] == "kept"
    warning = said["err"]
    assert "密钥" in warning and "per-person limits" in warning
    assert (tmp_path / "other" / "id-hash.key").read_text() != (tmp_path / "old" / "id-hash.key").read_text()
