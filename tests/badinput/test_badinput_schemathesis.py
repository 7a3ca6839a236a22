"""Schemathesis against the hall server's own OpenAPI (issue 8, bad input): generated
requests, valid and invalid, to every operation, each with a token the operation
admits. No answer is a 5xx, and every error carries the documented body
``{"error": {"code", "message", "message_en"}}`` with a Chinese message.

Bounded: ``MAX_EXAMPLES`` per operation, derandomised, no example database, so a run
takes about a minute and repeats exactly. The event stream and logout are left out
(see LEFT_OUT).
"""
from __future__ import annotations

import json

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from hall_server.app import create_app

MAX_EXAMPLES = 10
# The stream never ends; logout would revoke the shared tokens (both are tested in tests/security).
LEFT_OUT = ("/api/v1/events", "/api/v1/auth/logout")
PREFERENCE = ("manager", "kiosk", "counter", "admin", "display", "agent")


@pytest.fixture(scope="module")
def hall_app(tmp_path_factory, route_roles, make_seeded_hall):
    hall, tokens = make_seeded_hall(tmp_path_factory.mktemp("schemathesis") / "data")
    app = create_app(hall=hall)
    with TestClient(app) as client:          # runs the lifespan (event hub, housekeeping)
        app.state.tokens = tokens
        app.state.who = route_roles.route_roles(app)
        morning(client, tokens)
        yield app
    hall.store.close()


def morning(client, tokens: dict) -> None:
    """Something for the lists, statistics and console views to show: tickets waiting,
    served, rated (one badly, which opens a case)."""
    def post(role, path, body=None):
        r = client.post("/api/v1" + path, json=body or {}, headers={"Authorization": f"Bearer {tokens[role]}"})
        assert r.status_code < 300, r.text
        return r.json()

    for category in "ZZZZAAB":
        post("kiosk", "/tickets", {"category_code": category})
    for level in (5, 1, 4):
        ticket = post("counter", "/windows/w01/call-next")
        post("counter", "/windows/w01/start")
        post("counter", "/windows/w01/finish")
        post("counter", "/evaluations", {"ticket_id": ticket["id"], "level": level, "channel": "pad",
                                         "reasons": ["态度不好"] if level < 3 else []})


def token_for(app, method: str, path: str) -> str | None:
    who = app.state.who.get((method.upper(), path))
    if who is None:
        return None
    role = next(r for r in PREFERENCE if r in who)
    return app.state.tokens[role]


def problem(app, case) -> str | None:
    """What is wrong with the answer to one generated request, or None."""
    token = token_for(app, case.method, case.operation.path)
    response = case.call(headers={"Authorization": f"Bearer {token}"} if token else {})
    where = f"{case.method} {case.formatted_path} {case.query or ''} body={str(case.body)[:120]!r}"
    if response.status_code >= 500:
        return f"{where}: {response.status_code} {response.text[:200]}"
    if response.status_code < 400:
        return None
    try:
        error = json.loads(response.text)["error"]
    except (ValueError, KeyError, TypeError):
        return f"{where}: {response.status_code} without the error body: {response.text[:200]}"
    if not (error.get("code") and error.get("message") and error.get("message_en")) or error["message"].isascii():
        return f"{where}: {response.status_code} incomplete error body {error}"
    return None


def run_operation(app, operation, mode) -> list[str]:
    found: list[str] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    def probe(case):
        wrong = problem(app, case)
        if wrong and len(found) < 3:
            found.append(wrong)

    try:
        probe()
    except Unsatisfiable:    # nothing to break (no parameters, no body): nothing to learn
        pass
    return found


@pytest.mark.slow
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_no_server_error_and_every_error_in_the_documented_body(hall_app, mode):
    schema = schemathesis.openapi.from_asgi("/openapi.json", hall_app).exclude(path=list(LEFT_OUT))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 70
    problems = [p for op in operations for p in run_operation(hall_app, op, mode)]
    assert not problems, "\n".join(problems)
