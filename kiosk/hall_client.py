"""The one HTTP client of the hall server (API.md v1), for the kiosk and the counter.

Idempotency: every mutating call carries a ``request_id``. The caller makes it once
per user intent (``new_request_id()``) and the client reuses it on every retry, so
a retried "take a number" returns the first ticket instead of a second one (API.md:
"the same request_id from the same token within 24 h returns the first result").
Retried: connection errors, timeouts and 502/503/504, with exponential backoff.

Errors: an API error body becomes ``HallApiError`` (code, message, message_en,
status); an unreachable server becomes ``HallUnreachable``. Logs carry method, path,
status and request_id only: never a request body, so never an ID number or name.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import quote

import requests
from urllib3.exceptions import HTTPError as TransportError

from kiosk.core.effects import new_request_id
from kiosk.core.errors import HallApiError, HallUnreachable
from kiosk.core.event_stream import EventStreamDecoder, HallEvent, hall_event

__all__ = ["HallClient", "HallApiError", "HallUnreachable", "HallEvent", "new_request_id"]

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({502, 503, 504})
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)
# When the error body is missing or not ours: a code and message by HTTP status.
_STATUS_CODES = {400: "invalid_input", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
                 409: "conflict", 422: "invalid_input"}


class HallClient:
    """Client of one hall server. Thread-safe for calls (one ``requests.Session``)."""

    def __init__(self, base_url: str, token: str | None = None, *, timeout: float = 5.0,
                 retries: int = 3, backoff_s: float = 0.25, backoff_max_s: float = 4.0,
                 session: requests.Session | None = None, sleep: Callable[[float], None] = time.sleep):
        """
        Args:
            base_url: e.g. ``http://10.0.0.2:8600`` (no trailing ``/api/v1``).
            token: a device or login token for ``Authorization: Bearer``.
            timeout: seconds to connect and to wait for each answer.
            retries: further attempts after the first for transient failures.
            backoff_s, backoff_max_s: first retry delay, doubling up to the cap.
            session: a ``requests.Session`` to reuse (tests, connection pooling).
            sleep: the backoff sleeper (tests pass a recorder).
        """
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.retries = max(0, retries)
        self.backoff_s, self.backoff_max_s = backoff_s, backoff_max_s
        self._session = session or requests.Session()
        self._sleep = sleep

    # --- reads ----------------------------------------------------------------------

    def health(self) -> dict:
        return self._request("GET", "/api/v1/health")

    def hall(self) -> dict:
        """Zones, categories, services (with guides) and windows."""
        return self._request("GET", "/api/v1/hall")

    def queue(self) -> dict:
        """The live snapshot ``{"seq", "categories", "windows", "recent_calls"}``."""
        return self._request("GET", "/api/v1/queue")

    def ticket(self, ticket_id: str) -> dict:
        return self._request("GET", f"/api/v1/tickets/{_segment(ticket_id)}")

    def ticket_status(self, status_token: str) -> dict:
        """The public, personal-data-free view of one ticket."""
        return self._request("GET", f"/api/v1/ticket-status/{_segment(status_token)}")

    # --- kiosk ----------------------------------------------------------------------

    def issue_ticket(self, *, service_code: str | None = None, category_code: str | None = None,
                     id_card: Any = None, priority: str = "normal", request_id: str,
                     channel: str = "kiosk") -> dict:
        """``POST /api/v1/tickets``. ``id_card`` is an ``IdCard`` or ``{"number","name"}``."""
        body: dict = {"priority": priority, "channel": channel, "request_id": request_id}
        if service_code:
            body["service_code"] = service_code
        if category_code:
            body["category_code"] = category_code
        if id_card is not None:
            body["id_card"] = _id_card(id_card)
        return self._request("POST", "/api/v1/tickets", body=body)

    def check_in(self, code: str, *, id_card: Any = None, request_id: str) -> dict:
        """``POST /api/v1/appointments/{code}/check-in`` → a priority ticket."""
        body: dict = {"request_id": request_id}
        if id_card is not None:
            body["id_card"] = _id_card(id_card)
        return self._request("POST", f"/api/v1/appointments/{_segment(code)}/check-in", body=body)

    def lookup_appointments(self, id_card: Any) -> dict:
        """``POST /api/v1/appointments/lookup``: open appointments of the person on the card
        (masked), earliest first — how a card alone finds its appointment code."""
        return self._request("POST", "/api/v1/appointments/lookup", body={"id_card": _id_card(id_card)})

    def evaluate(self, ticket_id: str, level: int, *, reasons: Iterable[str] = (), comment: str | None = None,
                 channel: str = "kiosk", request_id: str) -> dict:
        """``POST /api/v1/evaluations``: level 5 非常满意 … 1 非常不满意."""
        body: dict = {"ticket_id": ticket_id, "level": int(level), "reasons": list(reasons),
                      "channel": channel, "request_id": request_id}
        if comment:
            body["comment"] = comment
        return self._request("POST", "/api/v1/evaluations", body=body)

    def help_request(self, device: str, location: str, *, reason: str | None = None,
                     request_id: str | None = None) -> dict:
        """``POST /api/v1/help-requests``: 呼叫帮办 reaches the manager console with this kiosk's place."""
        body = {"device": device, "location": location, "request_id": request_id or new_request_id()}
        if reason:
            body["reason"] = reason
        return self._request("POST", "/api/v1/help-requests", body=body)

    def ticket_by_number(self, number: str) -> dict:
        """``GET /api/v1/tickets/lookup?number=A023``: today's ticket with that number, public view."""
        return self._request("GET", f"/api/v1/tickets/lookup?number={quote(number, safe='')}")

    def heartbeat(self, device: str, components: Mapping[str, Any], *, request_id: str | None = None) -> dict:
        body = {"device": device, "components": dict(components), "request_id": request_id or new_request_id()}
        return self._request("POST", "/api/v1/devices/heartbeat", body=body)

    # --- people and the counter ---------------------------------------------------------

    def login(self, username: str, password: str) -> dict:
        """Log in; the returned token is used for this client's later calls."""
        result = self._request("POST", "/api/v1/auth/login", body={"username": username, "password": password})
        self.token = result.get("token") or self.token
        return result

    def call_next(self, window_id: str, *, request_id: str | None = None) -> dict:
        return self._window(window_id, "call-next", {}, request_id)

    def call_ticket(self, window_id: str, ticket_id: str, *, request_id: str | None = None) -> dict:
        """特呼: call one specific waiting ticket."""
        return self._window(window_id, "call", {"ticket_id": ticket_id}, request_id)

    def recall(self, window_id: str, *, request_id: str | None = None) -> dict:
        return self._window(window_id, "recall", {}, request_id)

    def skip(self, window_id: str, *, request_id: str | None = None) -> dict:
        return self._window(window_id, "skip", {}, request_id)

    def start(self, window_id: str, *, request_id: str | None = None) -> dict:
        return self._window(window_id, "start", {}, request_id)

    def finish(self, window_id: str, *, request_id: str | None = None) -> dict:
        return self._window(window_id, "finish", {}, request_id)

    def transfer(self, window_id: str, *, to_category: str | None = None, to_window: str | None = None,
                 request_id: str | None = None) -> dict:
        body = {"to_category": to_category} if to_category else {"to_window": to_window}
        return self._window(window_id, "transfer", body, request_id)

    def pause(self, window_id: str, *, reason: str | None = None, request_id: str | None = None) -> dict:
        return self._window(window_id, "pause", {"reason": reason} if reason else {}, request_id)

    def resume(self, window_id: str, *, request_id: str | None = None) -> dict:
        return self._window(window_id, "resume", {}, request_id)

    def open_window(self, window_id: str, *, request_id: str | None = None) -> dict:
        return self._window(window_id, "open", {}, request_id)

    def close_window(self, window_id: str, *, reason: str | None = None, request_id: str | None = None) -> dict:
        return self._window(window_id, "close", {"reason": reason} if reason else {}, request_id)

    def requeue(self, ticket_id: str, *, request_id: str | None = None) -> dict:
        """过号重排: a no-show ticket back to waiting."""
        body = {"request_id": request_id or new_request_id()}
        return self._request("POST", f"/api/v1/tickets/{_segment(ticket_id)}/requeue", body=body)

    def _window(self, window_id: str, action: str, body: dict, request_id: str | None) -> dict:
        # A call without a caller's request_id still gets one, reused by this call's retries.
        body = {**body, "request_id": request_id or new_request_id()}
        return self._request("POST", f"/api/v1/windows/{_segment(window_id)}/{action}", body=body)

    # --- event stream -------------------------------------------------------------------

    def follow_events(self, since_seq: int, on_event: Callable[[HallEvent], None],
                      stop_event: threading.Event, *, read_timeout: float = 30.0,
                      backoff_max_s: float = 10.0) -> int:
        """Follow ``GET /api/v1/events`` until ``stop_event`` is set; return the last seq seen.

        Reconnects after any disconnect with backoff (or the server's ``retry:``),
        resuming with ``Last-Event-ID``; an event replayed after a resume (seq not
        above the last one) is skipped. ``on_event`` runs on this thread; the Qt
        shell forwards it to the UI thread with a signal. A 401/403 is raised: a bad
        token does not heal by retrying.
        """
        follower = _EventFollower(self, since_seq, on_event, stop_event, read_timeout)
        try:
            return self._follow(follower, backoff_max_s)
        finally:
            follower.finished = True

    def _follow(self, follower: "_EventFollower", backoff_max_s: float) -> int:
        failures, stop_event = 0, follower.stop_event
        while not stop_event.is_set():
            try:
                follower.connect_and_read()
                failures = 0 if follower.delivered else failures + 1
            except HallApiError as error:
                if error.status in (401, 403):
                    raise
                failures += 1
                log.warning("event stream refused: %s (HTTP %d)", error.code, error.status)
            except (HallUnreachable, requests.RequestException, TransportError, OSError) as exc:
                failures += 1
                log.info("event stream lost after seq %d: %s", follower.last_seq, type(exc).__name__)
            delay = follower.retry_s if follower.retry_s is not None and failures <= 1 \
                else self._delay(failures, backoff_max_s)
            stop_event.wait(delay)
        return follower.last_seq

    # --- plumbing -------------------------------------------------------------------------

    def _headers(self, accept: str = "application/json") -> dict:
        headers = {"Accept": accept}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def _delay(self, attempt: int, cap: float | None = None) -> float:
        return min(cap if cap is not None else self.backoff_max_s, self.backoff_s * (2 ** attempt))

    def _request(self, method: str, path: str, *, body: dict | None = None) -> dict:
        request_id = (body or {}).get("request_id", "")
        failure: HallUnreachable | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self._delay(attempt - 1)
                log.warning("%s %s: %s; retry %d/%d in %.2fs (request_id=%s)", method, path,
                            failure.detail, attempt, self.retries, delay, request_id)
                self._sleep(delay)
            try:
                response = self._session.request(method, self.base_url + path, json=body,
                                                 headers=self._headers(), timeout=self.timeout)
            except _TRANSIENT as exc:
                failure = HallUnreachable(type(exc).__name__)
                failure.__cause__ = exc
                continue
            except requests.RequestException as exc:   # bad URL and the like: retrying will not help
                raise HallUnreachable(type(exc).__name__) from exc
            log.debug("%s %s → %d (request_id=%s, attempt %d)", method, path, response.status_code,
                      request_id, attempt + 1)
            if response.status_code not in RETRY_STATUSES:
                return _result(response)
            failure = HallUnreachable(f"HTTP {response.status_code}", status=response.status_code)
        raise failure


def _segment(value: str) -> str:
    return quote(str(value), safe="")


def _id_card(card: Any) -> dict:
    if hasattr(card, "payload"):
        return card.payload()
    if isinstance(card, Mapping):
        return {k: str(v) for k, v in card.items() if k in ("number", "name") and v}
    return {"number": str(getattr(card, "number", "")), "name": str(getattr(card, "name", ""))}


def _result(response: requests.Response) -> dict:
    """The JSON body of a success, or the typed error of a failure."""
    if response.status_code < 400:
        if not response.content:
            return {}
        try:
            body = response.json()
        except ValueError as exc:
            raise HallApiError("bad_response", "服务器返回了无法识别的内容",
                               "The server sent a response that could not be read",
                               status=response.status_code) from exc
        return body if isinstance(body, dict) else {"items": body}
    raise api_error(response.status_code, _json_or_none(response))


def api_error(status: int, body: object) -> HallApiError:
    """Build the typed error from an API.md error body (or from the status alone)."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("code"):
        # Further facts come in ``details`` (hall_server/errors.py) or beside the code.
        extra = {k: v for k, v in error.items() if k not in ("code", "message", "message_en", "details")}
        if isinstance(error.get("details"), dict):
            extra.update(error["details"])
        return HallApiError(str(error["code"]), str(error.get("message") or error["code"]),
                            str(error.get("message_en") or ""), status=status, data=extra)
    code = _STATUS_CODES.get(status, "internal")
    return HallApiError(code, f"服务器拒绝了请求（{status}）", f"The server refused the request ({status})",
                        status=status)


def _json_or_none(response: requests.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


class _EventFollower:
    """One follow_events run: the last seq, the current response, the server's retry."""

    def __init__(self, client: HallClient, since_seq: int, on_event: Callable[[HallEvent], None],
                 stop_event: threading.Event, read_timeout: float):
        self.client, self.on_event, self.stop_event = client, on_event, stop_event
        self.last_seq, self.read_timeout = int(since_seq), read_timeout
        self.resumed, self.delivered, self.finished = False, False, False
        self.retry_s: float | None = None
        self._response: requests.Response | None = None
        self._lock = threading.Lock()
        threading.Thread(target=self._interrupt_on_stop, name="hall-events-stop", daemon=True).start()

    def connect_and_read(self) -> None:
        """One connection: read events until the server closes it, it breaks, or stop."""
        self.delivered = False
        headers = self.client._headers(accept="text/event-stream")
        if self.resumed:   # API.md: the server honours Last-Event-ID
            headers["Last-Event-ID"] = str(self.last_seq)
        response = self.client._session.get(
            self.client.base_url + "/api/v1/events", params={"since": self.last_seq}, headers=headers,
            stream=True, timeout=(self.client.timeout, self.read_timeout))
        with self._lock:
            self._response = response
        try:
            if self.stop_event.is_set():
                return          # stopped while connecting: the watcher may have missed it
            if response.status_code != 200:
                raise (HallUnreachable(f"HTTP {response.status_code}", status=response.status_code)
                       if response.status_code in RETRY_STATUSES
                       else api_error(response.status_code, _json_or_none(response)))
            self.resumed = True
            self._read(response)
        finally:
            with self._lock:
                self._response = None
            response.close()

    def _read(self, response: requests.Response) -> None:
        decoder = EventStreamDecoder(str(self.last_seq))
        for chunk in _chunks(response):
            for message in decoder.feed(chunk):
                self._deliver(message)
            if self.stop_event.is_set():
                return
        self.retry_s = decoder.retry_ms / 1000 if decoder.retry_ms is not None else None

    def _deliver(self, message) -> None:
        event = hall_event(message)
        if event is None:
            log.warning("skipped a malformed event after seq %d", self.last_seq)
            return
        if event.seq <= self.last_seq:
            return             # replayed after a resume
        try:
            self.on_event(event)
        except Exception:      # a consumer bug must not stop the hall display
            log.exception("event handler failed on seq %d (%s)", event.seq, event.type)
        self.last_seq, self.delivered = event.seq, True

    def _interrupt_on_stop(self) -> None:
        # A blocking read does not see stop_event; shutting the socket down wakes it.
        while not self.stop_event.wait(0.25):
            if self.finished:
                return
        with self._lock:
            response = self._response
        if response is not None:
            shutdown = getattr(response.raw, "shutdown", None)   # urllib3 >= 2.3
            try:
                shutdown() if shutdown else response.close()
            except Exception:
                response.close()


def _chunks(response: requests.Response):
    """Bytes as they arrive: read1 returns what is there instead of filling a buffer."""
    raw = response.raw
    if not hasattr(raw, "read1"):
        yield from response.iter_content(chunk_size=None)
        return
    while True:
        chunk = raw.read1(65536)
        if not chunk:
            return
        yield chunk
