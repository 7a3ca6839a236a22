"""``create_app(settings)``: the FastAPI application of one hall."""
from __future__ import annotations

import asyncio
import gc
import importlib
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from hall_server import __version__, housekeeping
from hall_server.agents.outbox import OutboxAgent
from hall_server.api.deps import API_PREFIX, audit_forbidden
from hall_server.auth import Authenticator
from hall_server.clock import Clock
from hall_server.config import HallConfig, load_hall_config
from hall_server.errors import HallError
from hall_server.events import EventHub
from hall_server.runtime import Hall, load_or_create_key
from hall_server.store import Store

log = logging.getLogger("hall_server")

MAX_BODY_BYTES = 1_000_000

# Every module here has a ``router``; API modules are mounted under /api/v1, web pages at the root.
# "tickets" first: routes are matched in order, and taking a number is the busiest call.
API_MODULES = ["tickets", "system", "windows", "appointments", "evaluations", "stats", "events",
               "console", "certificates", "outbox", "counter"]
WEB_MODULES = ["display", "console", "verify", "evaltablet"]
DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "config" / "hall.example.toml"


@dataclass
class Settings:
    """What a hall server needs to start; everything else comes from the hall file."""

    config_path: Path = DEFAULT_CONFIG
    data_dir: Path | None = None          # overrides [server].data_dir
    clock: Clock | None = None            # injected in tests and simulations
    config: HallConfig | None = None      # an already loaded config (tests)
    extra: dict = field(default_factory=dict)


def build_hall(settings: Settings) -> Hall:
    config = settings.config or load_hall_config(settings.config_path)
    data_dir = Path(settings.data_dir or config.server.data_path).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    clock = settings.clock or Clock(config.hall.tzinfo)
    store = Store(data_dir / "hall.sqlite3")
    key_file = Path(config.server.id_hash_key_file)
    key = load_or_create_key(key_file if key_file.is_absolute() else data_dir / key_file)
    return Hall(config, store, clock, key, data_dir)


def create_app(settings: Settings | None = None, hall: Hall | None = None) -> FastAPI:
    hall = hall or build_hall(settings or Settings())
    hub = EventHub(hall.store)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        hub.bind(asyncio.get_running_loop())
        # Start-up objects (config, catalogue, routes) live for the whole run: keep them
        # out of the cyclic collector so its pauses stay short under load.
        gc.collect()
        gc.freeze()
        upkeep = asyncio.create_task(housekeeping.loop(hall))
        sender = OutboxAgent.for_hall(hall)  # 好差评 records upstream; idle when [evaluation_loop.upstream] is off
        sender.start()
        yield
        upkeep.cancel()
        sender.stop()

    app = FastAPI(title="hallterm hall server", version=__version__, lifespan=lifespan,
                  description="政务服务大厅排队叫号、评价与自助服务 / queue, evaluation and self-service for a service hall")
    app.state.hall = hall
    app.state.hub = hub
    server = hall.config.server
    app.state.auth = Authenticator(hall.store, ttl_hours=server.token_ttl_hours,
                                   max_failures=server.login_max_failures, lockout_minutes=server.login_lockout_minutes)
    for name in API_MODULES:
        app.include_router(importlib.import_module(f"hall_server.api.{name}").router, prefix=API_PREFIX)
    for name in WEB_MODULES:
        app.include_router(importlib.import_module(f"hall_server.web.{name}").router)
    _install_error_handlers(app)
    _install_body_limit(app)
    return app


def _error(status: int, code: str, zh: str, en: str, **details) -> JSONResponse:
    return JSONResponse(HallError(code, zh, en, status=status, **details).body(), status_code=status)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HallError)
    async def hall_error(request: Request, exc: HallError):
        if exc.status == 403:
            await audit_forbidden(request, exc)   # a refused change is a security event (SEC-04)
        return JSONResponse(exc.body(), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        problems = [{"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", "")} for e in errors]
        if any(e.get("type") == "json_invalid" for e in errors):
            at = next((e["loc"][-1] for e in errors if e.get("type") == "json_invalid"), "?")
            return _error(422, "invalid_input", f"请求内容不是有效的 JSON（约第 {at} 个字符处）",
                          f"the request body is not valid JSON (near character {at})", problems=problems)
        where = "，".join(".".join(p["loc"][1:] or p["loc"]) for p in problems[:3])
        return _error(422, "invalid_input", f"请求内容不正确：{where}", f"invalid request: {where}", problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        texts = {404: ("not_found", "没有这个地址", "no such address"),
                 413: ("too_large", "请求内容过大", "request body too large"),
                 405: ("invalid_input", "不支持此请求方法", "method not allowed")}
        code, zh, en = texts.get(exc.status_code, ("invalid_input", "请求无法处理", str(exc.detail)))
        return _error(exc.status_code, code, zh, en)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _error(500, "internal", "服务器内部错误，已记录，请稍后重试", "internal server error; it was logged")


def _install_body_limit(app: FastAPI) -> None:
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)


class BodyLimit:
    """Refuse bodies over ``max_bytes`` (also when sent chunked, without a length)
    and non-JSON bodies, before a route reads them. Pure ASGI: no per-request task."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"").decode("latin-1")
        ctype = headers.get(b"content-type", b"").decode("latin-1")
        if length and (not length.isdigit() or int(length) > self.max_bytes):
            return await _error(413, "too_large", "请求内容过大", "request body too large")(scope, receive, send)
        if length not in ("", "0") and ctype and not ctype.startswith("application/json"):
            return await _error(415, "unsupported_media_type", "请求内容须为 JSON",
                                "request body must be JSON")(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                # An HTTPException: FastAPI passes it through its body parsing (any other
                # error there becomes a 400 "error parsing the body").
                raise HTTPException(413, "request body too large")
            return message

        return await self.app(scope, counted, send)
