"""What every route needs: the hall, the caller, role checks, and the one way to
change state — :func:`mutate` — which makes a change idempotent by ``request_id``
and writes the audit log."""
from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from typing import Any, Callable

from fastapi import Request
from fastapi.responses import Response

from hall_server import jsonio
from hall_server.auth import Principal
from hall_server.clock import iso
from hall_server.domain.model import DomainError
from hall_server.errors import HallError, forbidden, invalid
from hall_server.runtime import Hall
from hall_server.store import Tx

log = logging.getLogger("hall_server.api")
API_PREFIX = "/api/v1"   # where app.create_app mounts every API router
_DAY = timedelta(hours=24)


async def get_hall(request: Request) -> Hall:
    return request.app.state.hall


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.query_params.get("access_token")  # EventSource cannot set headers


async def get_principal(request: Request) -> Principal:
    hall = request.app.state.hall
    return request.app.state.auth.principal(bearer(request), hall.now())


def roles(*allowed: str) -> Callable[..., Principal]:
    """A dependency that lets only these roles through (``"any"`` = any token)."""

    async def check(request: Request) -> Principal:
        # A call, not ``Depends(get_principal)``: one dependency to solve per request
        # instead of two (it is on every hot path).
        principal = await get_principal(request)
        if "any" not in allowed and principal.role not in allowed:
            raise forbidden()
        return principal

    return check


def own_window(principal: Principal, window_id: str) -> None:
    """A clerk acts only on the window of their session or device."""
    if principal.role == "counter" and principal.window_id != window_id:
        raise HallError("forbidden", "只能操作本人所在窗口", "a clerk may act only on their own window")


def check_request_id(request_id: str | None) -> None:
    if request_id is not None and not (0 < len(request_id) <= 64):
        raise invalid("request_id 长度应为 1 至 64 个字符", "request_id must be 1 to 64 characters")


async def mutate(request: Request, principal: Principal, action: str, target: str | None,
                 body: Callable[[Tx], Any], *, request_id: str | None = None, status: int = 200) -> Response:
    """Run ``body`` as one unit of change (see :meth:`Store.batched`: it answers only
    after its commit); same ``request_id`` from the same token within 24 h returns the
    first result and changes nothing again. Audits the outcome."""
    hall: Hall = request.app.state.hall
    check_request_id(request_id)
    now = hall.now()

    def unit(tx: Tx) -> Response:
        if request_id:
            seen = tx.one("SELECT status, body FROM idempotency WHERE token_hash = ? AND request_id = ? "
                          "AND created_at > ?", (principal.token_hash, request_id, iso(now.replace(microsecond=0) - _DAY)))
            if seen:
                return _json(seen["body"], seen["status"], {"Idempotent-Replay": "true"})
        payload = jsonio.dumps(body(tx))  # once: answer and replay
        if request_id:
            tx.execute("INSERT OR REPLACE INTO idempotency (token_hash, request_id, status, body, created_at) "
                       "VALUES (?, ?, ?, ?, ?)", (principal.token_hash, request_id, status, payload.decode(), tx.at_s))
        audit(tx, principal, action, target, "ok")
        return _json(payload, status)

    try:
        return await hall.store.batched(now, unit)
    except DomainError as err:
        failure(hall, principal, action, target, err.code)
        refusal = HallError.from_domain(err)
        refusal.audited = True
        raise refusal from err
    except HallError as err:
        failure(hall, principal, action, target, err.code)
        err.audited = True
        raise


def _json(payload: bytes | str, status: int, headers: dict | None = None) -> Response:
    return Response(payload.encode() if isinstance(payload, str) else payload, status_code=status, headers=headers,
                    media_type="application/json")


def audit(tx: Tx, principal: Principal, action: str, target: str | None, result: str, detail: dict | None = None) -> None:
    tx.insert("audit", {"at": tx.at_s, "actor": principal.subject, "role": principal.role, "action": action,
                        "target": target, "result": result,
                        "detail": json.dumps(detail, ensure_ascii=False) if detail else None})


def failure(hall: Hall, principal: Principal, action: str, target: str | None, code: str) -> None:
    """Audit a refused action in its own transaction (the refused one rolled back)."""
    if code == "storage_error":
        log.error("audit skipped for %s (%s): storage unavailable", action, principal.subject)
        return
    try:
        with hall.store.transaction(hall.now()) as tx:
            audit(tx, principal, action, target, f"refused:{code}")
    except HallError:
        log.error("could not audit refused %s by %s", action, principal.subject)


_READS = frozenset({"GET", "HEAD", "OPTIONS"})
_NAMING = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
_ID_NUMBER_LIKE = re.compile(r"\d{15}")


async def audit_forbidden(request: Request, err: HallError) -> None:
    """Audit a change refused 403 before :func:`mutate` (by :func:`roles`,
    :func:`own_window` or a route's own check; ``mutate`` audits its own refusals):
    who and their role, what (method and route, e.g. ``POST
    /api/v1/windows/{window_id}/call-next``), on what (the path value, if it may be
    kept), when, and ``refused:<code>``. Reads are not audited (a display polling
    with the wrong token would fill the log), nor requests without a valid token
    (they are 401 and name nobody). Never the body, the query or personal data."""
    if request.method in _READS or err.audited:
        return
    hall: Hall = request.app.state.hall
    try:
        who = request.app.state.auth.principal(bearer(request), hall.now())
    except HallError:
        return
    # The route's own path lacks the prefix it is mounted under.
    prefix = API_PREFIX if request.url.path.startswith(API_PREFIX + "/") else ""
    action = f"{request.method} {prefix}{getattr(request.scope.get('route'), 'path', '/?')}"
    values = [str(v) for v in (request.scope.get("path_params") or {}).values()]
    kept = [v for v in values if _may_keep(hall, v)]
    detail = {"window_id": who.window_id} if who.window_id else {}
    if len(kept) < len(values):
        detail["target_withheld"] = True
    try:
        await hall.store.batched(hall.now(), lambda tx: audit(tx, who, action, "/".join(kept) or None,
                                                              f"refused:{err.code}", detail or None))
    except HallError:
        log.error("could not audit refused %s by %s", action, who.subject)
    err.audited = True


def _may_keep(hall: Hall, value: str) -> bool:
    """A path value goes into the audit row only if it cannot be personal data: a
    window of this hall, or a short ASCII name without a run of 15 digits (an ID
    number always has one; server ids, document numbers and codes do not)."""
    if any(w.id == value for w in hall.config.windows):
        return True
    return bool(_NAMING.fullmatch(value)) and not _ID_NUMBER_LIKE.search(value)
