"""The hall server calls of the counter console, on top of :class:`kiosk.hall_client.HallClient`.

Adds what the console needs beyond the shared client: 挂起/恢复办理
(``/windows/{id}/suspend``, ``/unsuspend``), the waiting line and no-shows of the
window's categories (``GET /tickets?state=…&category=…``), and one composite read
(:meth:`CounterClient.window_state`) that the console's ``LoadState`` performs. The
duty endpoints (``/counter/...``) live in hall_server/api/counter.py; a server
without them answers 404, which the console takes as "not offered".
"""
from __future__ import annotations

from urllib.parse import quote

from kiosk.core.errors import HallApiError
from kiosk.hall_client import HallClient, new_request_id


def _seg(value: str) -> str:
    return quote(str(value), safe="")


class CounterClient(HallClient):
    """A :class:`HallClient` with the window console's extra calls."""

    def suspend(self, window_id: str, *, request_id: str | None = None) -> dict:
        """挂起 the ticket being served (its time stops counting)."""
        return self._post_window(window_id, "suspend", request_id)

    def unsuspend(self, window_id: str, *, request_id: str | None = None) -> dict:
        return self._post_window(window_id, "unsuspend", request_id)

    def unrated(self, ticket_id: str, *, reason: str = "timeout", channel: str | None = None,
                request_id: str | None = None) -> dict:
        """``POST /api/v1/evaluations/{id}/unrated``: 未评 (pad timeout, or the resident declined)."""
        body = {"reason": reason, "request_id": request_id or new_request_id()}
        if channel:
            body["channel"] = channel
        return self._request("POST", f"/api/v1/evaluations/{_seg(ticket_id)}/unrated", body=body)

    def tickets(self, state: str, category: str | None = None) -> list[dict]:
        """``GET /api/v1/tickets?state=…[&category=…]``: today's tickets in one state, oldest first."""
        query = f"state={_seg(state)}" + (f"&category={_seg(category)}" if category else "")
        return list(self._request("GET", f"/api/v1/tickets?{query}").get("tickets") or [])

    def windows(self) -> list[dict]:
        return list(self._request("GET", "/api/v1/windows").get("windows") or [])

    def window_state(self, window_id: str) -> dict:
        """The window, its waiting line, its no-shows, its current ticket (with history) and the server time."""
        server_time = self.health().get("time")
        window = next((w for w in self.windows() if w.get("id") == window_id), None)
        if window is None:
            raise HallApiError("not_found", f"服务器上没有窗口 {window_id}", f"the server has no window {window_id}",
                               status=404)
        waiting: list[dict] = []
        for category in window.get("categories") or ():
            waiting += self.tickets("waiting", category)
        current_id = (window.get("current_ticket") or {}).get("id")
        current = self.ticket(current_id) if current_id else None
        return {"window": window, "waiting": waiting, "no_shows": self.tickets("no_show"),
                "current": current, "server_time": server_time}

    # --- AB岗 duty (hall_server/api/counter.py) --------------------------------------------

    def public_windows(self) -> list[dict]:
        """The hall's windows for the login screen (no token needed); [] if the server does not offer it."""
        try:
            return list(self._request("GET", "/api/v1/counter/windows").get("windows") or [])
        except HallApiError as error:
            if error.status == 404:
                return []
            raise

    def duty(self) -> dict | None:
        """Who is logged in here and who is on duty at the window; None if not offered."""
        try:
            return self._request("GET", "/api/v1/counter/duty")
        except HallApiError as error:
            if error.status == 404 and error.code == "not_found":
                return None
            raise

    def take_duty(self, *, request_id: str | None = None) -> dict | None:
        """AB岗: the logged-in clerk takes over the window; None if the server does not offer it."""
        try:
            return self._request("POST", "/api/v1/counter/duty", body={"request_id": request_id or new_request_id()})
        except HallApiError as error:
            if error.status == 404 and error.code == "not_found":
                return None
            raise

    def logout(self) -> None:
        """End this login on the server (the token is revoked)."""
        self._request("POST", "/api/v1/auth/logout", body={"request_id": new_request_id()})
        self.token = None

    def login_at(self, username: str, password: str, window_id: str | None) -> dict:
        """Log in bound to ``window_id`` (or the account's own window when None)."""
        body = {"username": username, "password": password}
        if window_id:
            body["window_id"] = window_id
        result = self._request("POST", "/api/v1/auth/login", body=body)
        self.token = result.get("token") or self.token
        return result

    def _post_window(self, window_id: str, action: str, request_id: str | None) -> dict:
        body = {"request_id": request_id or new_request_id()}
        return self._request("POST", f"/api/v1/windows/{_seg(window_id)}/{action}", body=body)
