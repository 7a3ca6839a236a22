"""HallClient.follow_events against a local SSE server: drops, Last-Event-ID resume, stop."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from kiosk.hall_client import HallApiError, HallClient


def frame(seq, kind="ticket.called"):
    data = json.dumps({"seq": seq, "type": kind, "at": "2026-11-21T09:30:00+08:00", "data": {"number": f"A{seq:03d}"}})
    return f"id: {seq}\nevent: {kind}\ndata: {data}\n\n".encode()


class EventHall(ThreadingHTTPServer):
    """Connection 1 sends events 1, 2 and breaks mid-stream; later ones replay from the
    client's Last-Event-ID (including one duplicate), send up to 3, then stay silent."""

    daemon_threads = True

    def __init__(self, status=200):
        super().__init__(("127.0.0.1", 0), EventHandler)
        self.status = status
        self.connections: list[dict] = []
        self.release = threading.Event()
        self.silent = threading.Event()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class EventHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        query = parse_qs(urlsplit(self.path).query)
        self.server.connections.append({"since": query.get("since", [""])[0],
                                        "last_event_id": self.headers.get("Last-Event-ID"),
                                        "accept": self.headers.get("Accept")})
        if self.server.status != 200:
            body = json.dumps({"error": {"code": "unauthenticated", "message": "未登录", "message_en": "No"}}).encode()
            self.send_response(self.server.status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if len(self.server.connections) == 1:
            self._chunk(b": hello\n\n" + frame(1))
            self._chunk(frame(2)[:20])      # half an event, then the line goes dead
            self.wfile.write(frame(2)[20:])   # not chunk-framed: a broken stream
            self.close_connection = True
            return
        start = int(self.headers.get("Last-Event-ID") or 0)
        for seq in range(start, 4):         # replays `start` itself: the client must skip it
            if seq:
                self._chunk(frame(seq))
        self.server.silent.set()
        self.server.release.wait(5)

    def _chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()


@pytest.fixture
def events_hall(request):
    server = EventHall(getattr(request, "param", 200))
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def follow_in_thread(client, since, stop, received):
    result = {}

    def run():
        try:
            result["last"] = client.follow_events(since, received.append, stop, read_timeout=30)
        except Exception as error:     # reported to the test below
            result["error"] = error
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def test_resumes_with_last_event_id_after_a_drop_and_delivers_each_event_once(events_hall):
    client = HallClient(events_hall.url, "display-token", backoff_s=0.01)
    stop, received = threading.Event(), []
    thread, result = follow_in_thread(client, 0, stop, received)
    for _ in range(500):
        if len(received) >= 3 or not thread.is_alive():
            break
        events_hall.release.wait(0.01)
    assert events_hall.silent.is_set()
    stop.set()                         # the stream is open and silent: stop must interrupt the read
    thread.join(5)
    assert not thread.is_alive() and result == {"last": 3}
    assert [(e.seq, e.type, e.data["number"]) for e in received] == [
        (1, "ticket.called", "A001"), (2, "ticket.called", "A002"), (3, "ticket.called", "A003")]
    first, *later = events_hall.connections
    assert first == {"since": "0", "last_event_id": None, "accept": "text/event-stream"}
    assert later[0]["last_event_id"] == "1" and later[-1]["last_event_id"] in ("1", "2")


def test_starts_from_the_given_seq(events_hall):
    events_hall.connections.append({"seed": True})   # skip the breaking first connection
    client = HallClient(events_hall.url, "t", backoff_s=0.01)
    stop, received = threading.Event(), []

    def on_event(event):
        received.append(event)
        if event.seq == 3:
            stop.set()
    assert client.follow_events(2, on_event, stop, read_timeout=5) == 3
    assert [e.seq for e in received] == [3]
    assert events_hall.connections[1]["since"] == "2"


@pytest.mark.parametrize("events_hall", [401], indirect=True)
def test_a_refused_token_is_raised_not_retried_forever(events_hall):
    client = HallClient(events_hall.url, "bad", backoff_s=0.01)
    with pytest.raises(HallApiError) as caught:
        client.follow_events(0, lambda e: None, threading.Event(), read_timeout=5)
    assert caught.value.status == 401 and len(events_hall.connections) == 1


def test_a_failing_handler_does_not_stop_the_stream(events_hall):
    events_hall.connections.append({"seed": True})
    client = HallClient(events_hall.url, "t", backoff_s=0.01)
    stop, seen = threading.Event(), []

    def on_event(event):
        seen.append(event.seq)
        if event.seq == 3:
            stop.set()
        raise RuntimeError("display bug")
    assert client.follow_events(0, on_event, stop, read_timeout=5) == 3 and seen == [1, 2, 3]
