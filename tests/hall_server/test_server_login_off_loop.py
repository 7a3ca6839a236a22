"""A login's argon2 check runs off the event loop: while one clerk's password is
being checked, kiosks still get their tickets (argon2 takes tens of milliseconds of
CPU per login; at the start of a shift twenty clerks log in)."""
from __future__ import annotations

import sqlite3
import threading

from hall_server import auth

PASSWORD = "a-clerk-password"


def test_a_ticket_is_issued_while_a_password_is_being_checked(api, hall, monkeypatch):
    with hall.store.transaction(hall.now()) as tx:
        auth.create_user(tx, "clerk1", PASSWORD, "counter", window_id="w1")
    checking, release = threading.Event(), threading.Event()
    real_verify = auth._verify

    def slow_verify(stored, password):
        checking.set()
        release.wait(5)          # the check goes on until the ticket has been answered
        return real_verify(stored, password)

    monkeypatch.setattr(auth, "_verify", slow_verify)
    answers = {}
    login = threading.Thread(target=lambda: answers.update(
        login=api(None).post("/auth/login", {"username": "clerk1", "password": PASSWORD})))
    login.start()
    try:
        assert checking.wait(5)
        ticket = api("kiosk").post("/tickets", {"category_code": "A", "request_id": "during-login"})
        still_checking = "login" not in answers
    finally:
        release.set()
        login.join(10)
    assert ticket.status_code == 201 and still_checking
    assert answers["login"].status_code == 200 and answers["login"].json()["role"] == "counter"


def test_a_password_changed_during_the_check_is_checked_again(api, hall, monkeypatch):
    """The check read the old hash; an admin reset it before the session was written:
    the login is judged against the new password."""
    with hall.store.transaction(hall.now()) as tx:
        auth.create_user(tx, "clerk2", PASSWORD, "counter", window_id="w1")
    real_verify = auth._verify
    calls = []

    def verify_then_reset(stored, password):
        calls.append(stored)
        ok = real_verify(stored, password)
        if len(calls) == 1:
            with sqlite3.connect(hall.store.path) as admin:      # as `admin` beside the server would
                admin.execute("UPDATE users SET password_hash = ? WHERE username = 'clerk2'",
                              (auth.hash_password("the-new-password"),))
        return ok

    monkeypatch.setattr(auth, "_verify", verify_then_reset)
    old = api(None).post("/auth/login", {"username": "clerk2", "password": PASSWORD})
    assert old.status_code == 401 and len(calls) == 2 and calls[0] != calls[1]
    new = api(None).post("/auth/login", {"username": "clerk2", "password": "the-new-password"})
    assert new.status_code == 200
