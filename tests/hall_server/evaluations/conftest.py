"""Helpers for the evaluation tests: a ticket served to the end at a window."""
from __future__ import annotations

import pytest


def finish(api, category: str = "A", window: str = "w1", role: str = "counter", card: dict | None = None) -> dict:
    """Issue a ticket at the kiosk and serve it to 'done' at ``window``; the ticket body."""
    body = {"category_code": category, **({"id_card": card} if card else {})}
    issued = api("kiosk").post("/tickets", body)
    assert issued.status_code == 201, issued.text
    clerk = api(role)
    called = clerk.post(f"/windows/{window}/call-next")
    assert called.status_code == 200 and called.json()["id"] == issued.json()["id"], called.text
    assert clerk.post(f"/windows/{window}/start").status_code == 200
    assert clerk.post(f"/windows/{window}/finish").status_code == 200
    return issued.json()


def rate(api, ticket: dict, level: int, role: str = "counter", channel: str = "pad", **extra):
    """POST /evaluations for ``ticket``; the response."""
    body = {"ticket_id": ticket["id"], "level": level, "channel": channel, **extra}
    if level <= 2 and "reasons" not in extra:
        body["reasons"] = ["态度不好"]
    return api(role).post("/evaluations", body)


@pytest.fixture
def served(api):
    """A function serving one ticket to 'done' (see :func:`finish`)."""
    return lambda **kw: finish(api, **kw)
