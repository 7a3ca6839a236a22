"""The role matrix (issue 8, security): every endpoint of the OpenAPI × every role,
no token, an expired login and a revoked device token gets exactly what API.md's
"who" column allows; endpoints beyond API.md get what their ``roles(...)``
dependency documents. A counter acts only on its own window."""
from __future__ import annotations

import re

import pytest

from hall_server import cli

# API.md's endpoint table, "who" column (any token = every role; anyone = no token
# needed). Kept literal so a change of the contract is a visible change here; the
# first test holds it equal to API.md itself.
ANY = frozenset({"kiosk", "counter", "display", "agent", "manager", "admin"})
API_MD = {
    ("GET", "/api/v1/health"): None,
    ("GET", "/api/v1/hall"): ANY,
    ("GET", "/api/v1/queue"): ANY,
    ("POST", "/api/v1/tickets"): {"kiosk", "manager"},
    ("GET", "/api/v1/tickets/{}"): ANY,
    ("GET", "/api/v1/ticket-status/{}"): None,
    ("POST", "/api/v1/appointments"): {"manager", "admin"},
    ("POST", "/api/v1/appointments/{}/check-in"): {"kiosk"},
    ("POST", "/api/v1/windows/{}/call-next"): {"counter", "manager"},
    ("POST", "/api/v1/windows/{}/call"): {"counter", "manager"},
    ("POST", "/api/v1/windows/{}/recall"): {"counter"},
    ("POST", "/api/v1/windows/{}/skip"): {"counter"},
    ("POST", "/api/v1/windows/{}/start"): {"counter"},
    ("POST", "/api/v1/windows/{}/finish"): {"counter"},
    ("POST", "/api/v1/windows/{}/transfer"): {"counter"},
    ("POST", "/api/v1/tickets/{}/requeue"): {"counter", "manager"},
    ("POST", "/api/v1/windows/{}/pause"): {"counter", "manager"},
    ("POST", "/api/v1/windows/{}/resume"): {"counter", "manager"},
    ("POST", "/api/v1/windows/{}/open"): {"counter", "manager"},
    ("POST", "/api/v1/windows/{}/close"): {"counter", "manager"},
    ("PUT", "/api/v1/windows/{}/categories"): {"manager"},
    ("POST", "/api/v1/evaluations"): {"kiosk", "counter"},
    ("GET", "/api/v1/cases"): {"manager"},
    ("POST", "/api/v1/cases/{}/verify"): {"manager"},
    ("POST", "/api/v1/cases/{}/rectify"): {"manager"},
    ("POST", "/api/v1/cases/{}/reply"): {"manager"},
    ("POST", "/api/v1/cases/{}/close"): {"manager"},
    ("GET", "/api/v1/stats"): {"manager"},
    ("GET", "/api/v1/events"): ANY,
    ("POST", "/api/v1/devices/heartbeat"): {"kiosk", "counter", "display", "agent"},
}
PARAMS = {"window_id": "w01", "outbox_id": "999999"}   # the counter's own window; the rest: no such thing
UNAUTHENTICATED = ("none", "expired", "revoked")


def test_the_literal_table_is_api_md(route_roles):
    parsed = {(m, route_roles.shape(p)): (frozenset(v) if v else None) for (m, p), v in route_roles.api_md_roles().items()}
    assert parsed == {k: (frozenset(v) if v else None) for k, v in API_MD.items()}


def test_the_code_admits_what_api_md_says(secured, route_roles):
    served = {(m, route_roles.shape(p)): v for (m, p), v in route_roles.route_roles(secured.app).items()}
    for key, who in API_MD.items():
        assert served[key] == (frozenset(who) if who else None), key


def concrete(path: str) -> str:
    return re.sub(r"\{([^}:]+)(:[^}]*)?\}", lambda m: PARAMS.get(m.group(1), "no-such-" + m.group(1)), path)


def principals(secured, config) -> dict[str, str | None]:
    """Every role's device token, no token, an expired login, a revoked device token."""
    stolen = secured.tokens["kiosk-stolen"]
    assert secured.call("GET", "/api/v1/queue", stolen).status_code == 200   # known (and cached) first
    # revoked as an installer does, by the admin command (its own connection to the file)
    assert cli.main(["admin", "--config", str(config), "--data-dir", str(secured.hall.data_dir), "revoke", "dev-stolen"]) == 0
    session = secured.login("mgr").json()["token"]
    assert secured.call("GET", "/api/v1/queue", session).status_code == 200
    secured.clock.advance(hours=secured.hall.config.server.token_ttl_hours, minutes=1)
    return {**{role: secured.tokens[role] for role in ANY}, "none": None, "expired": session, "revoked": stolen}


# Routes for a person's login session only: a device token of the right role is
# refused (taking duty at a window records the clerk who logged in; docs/counter.md).
SESSION_ONLY = {("POST", "/api/v1/counter/duty")}


def expected_ok(who, principal: str, key=None) -> bool:
    if key in SESSION_ONLY:
        return False  # every principal here is a device token or none
    if who is None:
        return True
    return principal in who


def answer_matrix(secured, route_roles, runner):
    """(method, path) → (roles from API.md or the route, {principal: response})."""
    from hall_server import auth
    with secured.hall.store.transaction(secured.hall.now()) as tx:
        secured.tokens["kiosk-stolen"] = auth.create_device_token(tx, "dev-stolen", "kiosk")
    who_by_route = route_roles.route_roles(secured.app)
    spec = secured.client.get("/openapi.json").json()
    cells = {}
    callers = principals(secured, runner.EXAMPLE_HALL)
    for path, operations in spec["paths"].items():
        for method in operations:
            key = (method.upper(), path)
            if key == ("POST", "/api/v1/auth/logout"):
                continue   # it revokes the caller: tested on its own below
            who = API_MD.get((key[0], route_roles.shape(path)), who_by_route[key])
            url = concrete(path)
            body = {"json": {}} if key[0] in ("POST", "PUT") else {}
            cells[key] = (who, {p: _send(secured, key[0], url, token, body) for p, token in callers.items()})
    return cells


def _send(secured, method: str, url: str, token: str | None, body: dict):
    if url.endswith("/events"):
        with secured.client.stream(method, url, headers={"Authorization": f"Bearer {token}"} if token else {}) as r:
            r.read() if r.status_code != 200 else None
            return r
    return secured.call(method, url, token, **body)


@pytest.mark.slow
def test_every_endpoint_times_every_principal(secured, route_roles, runner):
    matrix = answer_matrix(secured, route_roles, runner)
    assert len(matrix) >= 70
    wrong = []
    for (method, path), (who, answers) in matrix.items():
        for principal, r in answers.items():
            if principal in UNAUTHENTICATED and who is not None:
                good = r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
            elif expected_ok(who, principal, (method, path)):
                good = r.status_code not in (401, 403)
            else:
                good = r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
            if not good:
                wrong.append(f"{method} {path} as {principal}: {r.status_code}")
    assert not wrong, "\n".join(wrong)
    # and the refusals say why
    _, answers = matrix[("GET", "/api/v1/queue")]
    assert "expired" in answers["expired"].json()["error"]["message_en"]
    assert "revoked" in answers["revoked"].json()["error"]["message_en"]
    assert "登录" in answers["none"].json()["error"]["message"]


def test_logout_revokes_the_callers_own_token_only(secured):
    from hall_server import auth
    for role in sorted(ANY):
        with secured.hall.store.transaction(secured.hall.now()) as tx:
            throwaway = auth.create_device_token(tx, f"throwaway-{role}", role, "w01" if role == "counter" else None)
        assert secured.call("POST", "/api/v1/auth/logout", throwaway, json={}).status_code == 200
        assert secured.call("GET", "/api/v1/queue", throwaway).status_code == 401
        assert secured.call("GET", "/api/v1/queue", secured.tokens[role]).status_code == 200
    assert secured.call("POST", "/api/v1/auth/logout", None, json={}).status_code == 401
