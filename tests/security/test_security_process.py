"""Logins, lock-out, expiry, revocation and the audit log, on the real server process
(issue 8, security; the in-process variants are in tests/hall_server/test_server_services.py).

- five wrong passwords lock the account (等保 2.0 login-failure handling, domain.md
  SEC-02); an unknown user gets the same answers as a wrong password, locks the same
  way and tells the same unlock time, so no sequence of attempts reveals a name;
- a session past its expiry is refused, also after the token was cached;
- ``admin revoke`` run beside the running server stops the token at once;
- passwords and tokens are never stored in clear (not in any table, the WAL or the
  log: argon2 for passwords, SHA-256 for tokens);
- security-relevant actions are in the audit log with who, what, when and the result
  (domain.md SEC-04): logins (ok, failed, locked), token creation and revocation,
  window reassignment, ticket cancel and each case step.
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

PASSWORD = "process-test-password"
CLERK_PASSWORD = "clerk-test-password"


@pytest.fixture(scope="module")
def served(tmp_path_factory, runner):
    root = tmp_path_factory.mktemp("security")
    port = runner.free_port()
    config = runner.all_day_hall(root / "hall.toml", port)
    tokens = runner.prepare_tokens(root / "data", {"kiosk-1": ("kiosk", None), "kiosk-2": ("kiosk", None),
                                                   "w09": ("counter", "w09"), "manager-pc": ("manager", None)}, config,
                                   users={"mgr": (PASSWORD, "manager", None), "clerk": (CLERK_PASSWORD, "counter", "w09"),
                                          "wang": (PASSWORD, "manager", None)})
    server = runner.HallRun(root / "data", port=port, config=config).start()
    server.tokens, server.config_path = tokens, config
    yield server
    server.kill()


def login(server, username: str, password: str) -> requests.Response:
    return requests.post(server.url("/auth/login"), json={"username": username, "password": password}, timeout=10)


def audit(server, action: str, target: str | None = None) -> list[dict]:
    sql, params = "SELECT * FROM audit WHERE action = ?", [action]
    if target is not None:
        sql, params = sql + " AND target = ?", params + [target]
    return server.query(sql + " ORDER BY id", params)


def admin(server, runner, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "hall_server", "admin", "--config", str(server.config_path),
                           "--data-dir", str(server.data_dir), *args], cwd=runner.ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_five_wrong_passwords_lock_the_account_and_the_audit_says_so(served):
    unknown = login(served, "no-such-user", "whatever-password")
    wrong = [login(served, "mgr", f"wrong-{i}") for i in range(5)]
    assert all(r.status_code == 401 for r in wrong)
    assert wrong[0].json() == unknown.json()        # the answer does not tell which names exist
    locked = login(served, "mgr", PASSWORD)         # the right password, too late
    assert locked.status_code == 423 and locked.json()["error"]["code"] == "locked"
    assert "锁定" in locked.json()["error"]["message"] and "locked" in locked.json()["error"]["message_en"]
    rows = audit(served, "auth.login", "mgr")
    assert [r["result"] for r in rows] == ["refused:unauthenticated"] * 5 + ["refused:locked"]
    assert json.loads(rows[4]["detail"] or "{}").get("locked_until"), "the failure that locked the account says until when"
    for r in rows:
        assert r["actor"] == "mgr" and r["role"] == "anonymous" and datetime.fromisoformat(r["at"])
    assert audit(served, "auth.login", "no-such-user")[0]["result"] == "refused:unauthenticated"
    ok = login(served, "clerk", CLERK_PASSWORD)     # another account is not affected
    assert ok.status_code == 200 and ok.json()["role"] == "counter" and ok.json()["window_id"] == "w09"
    assert audit(served, "auth.login", "clerk")[-1]["result"] == "ok"


TIME = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d|\b\d\d:\d\d\b")


def test_an_unknown_name_answers_as_an_account_through_the_lock(served):
    """The same attempts, interleaved, on an account and on a name that is none: the
    same status, code and messages each time, the lock times alike (taken a moment
    apart, they may differ by that moment)."""
    pairs = []
    for attempt in range(6):
        password = PASSWORD if attempt == 5 else f"wrong-{attempt}"   # the right one, too late
        pairs.append((login(served, "wang", password), login(served, "nobody-by-this-name", password)))
    for known, unknown in pairs:
        assert known.status_code == unknown.status_code
        assert TIME.sub(b"<time>", known.content) == TIME.sub(b"<time>", unknown.content)
    assert [known.status_code for known, _ in pairs] == [401] * 5 + [423]
    untils = [datetime.fromisoformat(r.json()["error"]["message_en"].rsplit(" ", 1)[1]) for r in pairs[-1]]
    assert abs(untils[0] - untils[1]) < timedelta(seconds=5)
    assert timedelta(minutes=14) < untils[0] - datetime.now(untils[0].tzinfo) <= timedelta(minutes=15)
    assert all(r.json()["error"]["message"].endswith(u.strftime("%H:%M")) for r, u in zip(pairs[-1], untils))
    details = [json.loads(audit(served, "auth.login", name)[-1]["detail"]) for name in ("wang", "nobody-by-this-name")]
    assert [d["account"] for d in details] == [True, False]        # only the audit log tells


def test_an_expired_session_is_refused_even_once_cached(served, runner):
    from hall_server import auth
    from hall_server.store import Store
    store = Store(served.db_path)   # as another process would write it: a session that ends in 3 s
    now = datetime.now(timezone(timedelta(hours=8)))   # the hall's offset, as every writer uses
    try:
        with store.transaction(now) as tx:
            short = auth.issue_token(tx, kind="session", subject="clerk", role="counter", window_id="w09",
                                     expires_at=now + timedelta(seconds=3))
            stale = auth.issue_token(tx, kind="session", subject="clerk", role="counter", window_id="w09",
                                     expires_at=now - timedelta(minutes=1))
    finally:
        store.close()
    session = served.token_session(short)
    assert session.get(served.url("/queue"), timeout=5).status_code == 200
    r = served.token_session(stale).get(served.url("/queue"), timeout=5)
    assert r.status_code == 401 and "expired" in r.json()["error"]["message_en"]
    time.sleep(max(0.0, (now + timedelta(seconds=3.2) - datetime.now(now.tzinfo)).total_seconds()))
    r = session.get(served.url("/queue"), timeout=5)
    assert r.status_code == 401 and "expired" in r.json()["error"]["message_en"]


def test_admin_revoke_beside_the_running_server_stops_the_token_at_once(served, runner):
    kiosk = served.token_session(served.tokens["kiosk-2"])
    assert kiosk.get(served.url("/queue"), timeout=5).status_code == 200    # known and cached
    assert admin(served, runner, "revoke", "kiosk-2") == {"revoked": 1}
    r = kiosk.get(served.url("/queue"), timeout=5)
    assert r.status_code == 401 and "revoked" in r.json()["error"]["message_en"]
    assert served.token_session(served.tokens["kiosk-1"]).get(served.url("/queue"), timeout=5).status_code == 200
    revoked = audit(served, "token.revoke", "kiosk-2")
    assert revoked and revoked[-1]["result"] == "ok" and revoked[-1]["role"] == "admin"
    made = admin(served, runner, "create-device-token", "kiosk-3", "--role", "kiosk")
    created = audit(served, "token.create", "kiosk-3")
    assert created and created[-1]["result"] == "ok" and made["token"] not in json.dumps(created)
    assert served.token_session(made["token"]).get(served.url("/queue"), timeout=5).status_code == 200
    made = admin(served, runner, "create-user", "li", "--role", "manager", "--password", "li-password-123")
    assert audit(served, "user.create", "li")[-1]["result"] == "ok"


def test_manager_actions_and_case_steps_are_audited(served):
    manager = served.token_session(served.tokens["manager-pc"])
    kiosk = served.token_session(served.tokens["kiosk-1"])
    counter = served.token_session(served.tokens["w09"])
    assert manager.put(served.url("/windows/w09/categories"), json={"categories": ["B", "A"]}).status_code == 200
    assert manager.put(served.url("/windows/w09/clerk"), json={"clerk": "clerk"}).status_code == 200
    doomed = kiosk.post(served.url("/tickets"), json={"category_code": "A"}).json()
    assert manager.post(served.url(f"/tickets/{doomed['id']}/cancel"), json={}).status_code == 200
    kiosk.post(served.url("/tickets"), json={"category_code": "B"}).raise_for_status()
    served_ticket = counter.post(served.url("/windows/w09/call-next"), json={}).json()
    for step in ("start", "finish"):
        counter.post(served.url(f"/windows/w09/{step}"), json={}).raise_for_status()
    rating = counter.post(served.url("/evaluations"), json={"ticket_id": served_ticket["id"], "level": 1,
                                                            "reasons": ["态度不好"], "channel": "pad"}).json()
    case = rating["case_id"]
    for step in ("verify", "rectify", "reply", "close"):
        body = {"note": f"{step} 已处理"} | ({"method": "电话", "satisfied": True} if step == "reply" else {})
        r = manager.post(served.url(f"/cases/{case}/{step}"), json=body)
        assert r.status_code == 200, r.text
    refused = kiosk.post(served.url(f"/cases/{case}/close"), json={})
    assert refused.status_code == 403
    expected = [("window.categories", "w09"), ("window.clerk", "w09"), ("ticket.cancel", doomed["id"]),
                ("evaluation.record", served_ticket["id"])] + [(f"case.{s}", case) for s in ("verify", "rectify", "reply", "close")]
    for action, target in expected:
        rows = audit(served, action, target)
        assert rows, f"{action} not audited"
        row = rows[-1]
        assert row["result"] == "ok" and row["actor"] and row["role"] and datetime.fromisoformat(row["at"])


def test_no_password_or_token_is_stored_or_logged_in_clear(served):
    # every secret this module used; run last in the module so the store holds them all
    secrets_used = [PASSWORD, CLERK_PASSWORD, *served.tokens.values()]
    session = login(served, "clerk", CLERK_PASSWORD).json()["token"]
    secrets_used.append(session)
    files = [served.db_path, served.db_path.with_name("hall.sqlite3-wal")]
    blob = b"".join(p.read_bytes() for p in files if p.exists()) + served.log_text().encode()
    for secret in secrets_used:
        assert secret.encode() not in blob
    users = {u["username"]: u["password_hash"] for u in served.query("SELECT username, password_hash FROM users")}
    assert all(h.startswith("$argon2id$") for h in users.values())
    stored = {t["token_hash"] for t in served.query("SELECT token_hash FROM tokens")}
    assert hashlib.sha256(session.encode()).hexdigest() in stored
    assert all(len(h) == 64 for h in stored)
