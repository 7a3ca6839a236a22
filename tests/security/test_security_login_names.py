"""Failed logins do not tell which user names exist (等保 2.0 身份鉴别, domain.md SEC-02):
a name without an account (or with a disabled one) fails, counts and locks exactly as
an account does with wrong passwords — the same bytes over the same sequence of
attempts (401, then 423 ``locked`` with the time it unlocks), the same unlock, the same
count after it. The real user still learns that the account is locked and until when.
Only the audit row says whether the name was an account. The names counted in memory
are bounded. In process on a fake clock; the real process: test_security_process.py."""
from __future__ import annotations

import json
from datetime import timedelta

from hall_server import auth
from hall_server.clock import iso

PASSWORD = "security-test-password"     # the conftest's users' password


def answer(secured, name: str, password: str) -> tuple[int, bytes]:
    r = secured.login(name, password)
    return r.status_code, r.content


def both(secured, names: tuple[str, str], password: str) -> tuple[tuple[int, bytes], tuple[int, bytes]]:
    return answer(secured, names[0], password), answer(secured, names[1], password)


def test_an_unknown_name_and_an_account_give_the_same_bytes_through_lock_and_unlock(secured):
    server = secured.hall.config.server
    names = ("mgr", "no-such-person")
    seen = []
    for _ in range(server.login_max_failures):
        seen.append(both(secured, names, "not-the-password"))
    seen.append(both(secured, names, PASSWORD))          # the right password, too late
    seen.append(both(secured, names, "not-the-password"))
    for known, unknown in seen:
        assert known == unknown                          # status, code, messages, lock time: byte for byte
    statuses = [known[0] for known, _ in seen]
    assert statuses == [401] * server.login_max_failures + [423, 423]
    until = iso(secured.clock.now() + timedelta(minutes=server.login_lockout_minutes))
    locked = json.loads(seen[-1][0][1])["error"]
    assert locked["code"] == "locked" and until[11:16] in locked["message"] and until in locked["message_en"]

    secured.clock.advance(minutes=server.login_lockout_minutes, seconds=1)   # both unlock together
    again = [both(secured, names, "not-the-password") for _ in range(server.login_max_failures + 1)]
    assert all(known == unknown for known, unknown in again)
    assert [known[0] for known, _ in again] == [401] * server.login_max_failures + [423]
    # the real user, once unlocked, gets in
    secured.clock.advance(minutes=server.login_lockout_minutes, seconds=1)
    assert secured.login("mgr").status_code == 200


def test_a_disabled_account_answers_as_an_unknown_name(secured):
    with secured.hall.store.transaction(secured.clock.now()) as tx:
        tx.execute("UPDATE users SET disabled = 1 WHERE username = 'clerk'")
    names = ("clerk", "nobody-here")
    for _ in range(secured.hall.config.server.login_max_failures + 1):
        known, unknown = both(secured, names, PASSWORD)   # even the right password does not help
        assert known == unknown
    assert known[0] == 423


def test_the_audit_row_says_whether_the_locked_name_is_an_account(secured):
    server = secured.hall.config.server
    for _ in range(server.login_max_failures):
        both(secured, ("mgr", "no-such-person"), "not-the-password")
    rows = {r["target"]: r for r in secured.hall.store.all("SELECT * FROM audit WHERE action = 'auth.login' ORDER BY id")}
    until = iso(secured.clock.now() + timedelta(minutes=server.login_lockout_minutes))
    assert json.loads(rows["mgr"]["detail"]) == {"locked_until": until, "account": True}
    assert json.loads(rows["no-such-person"]["detail"]) == {"locked_until": until, "account": False}
    assert rows["no-such-person"]["result"] == rows["mgr"]["result"] == "refused:unauthenticated"


def test_the_names_counted_in_memory_are_bounded(secured, monkeypatch):
    monkeypatch.setattr(auth, "_hasher_dummy_verify", lambda: None)   # bookkeeping here, not timing
    clock = secured.clock
    gate = auth.Authenticator(secured.hall.store, ttl_hours=1, max_failures=2, lockout_minutes=5, strangers_kept=3)

    def fail(name: str) -> str:
        with secured.hall.store.transaction(clock.now()) as tx:
            return gate.login(tx, name, "not-the-password", None).code

    assert [fail("spent"), fail("spent"), fail("spent")] == ["unauthenticated", "unauthenticated", "locked"]
    clock.advance(minutes=6)               # its lock is over: it holds nothing any more
    for name in ("a", "b", "c"):
        fail(name)
    assert len(gate._strangers) == 3       # the spent name went first, the counting ones stay
    # "a" kept its first failure: its second locks it (a forgotten name would need two more)
    assert [fail("a"), fail("a")] == ["unauthenticated", "locked"]
    for index in range(50):
        fail(f"spray-{index}")
    assert len(gate._strangers) == 3
