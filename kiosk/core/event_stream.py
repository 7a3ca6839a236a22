"""Sans-I/O decoder for the hall server's Server-Sent Events stream.

Feed it bytes as they arrive, in any chunking; it returns complete messages. It
follows the WHATWG "event stream interpretation" rules: lines end in CRLF, LF or CR
(a CR at the end of a chunk waits for the next chunk in case an LF follows); a line
starting with ``:`` is a comment (keep-alive); ``field: value`` loses one leading
space; ``data`` lines join with ``\\n``; a blank line dispatches; an ``id`` holding
NUL is ignored; ``retry`` takes digits only. API.md: each event carries
``id: <seq>``, ``event: <type>`` and ``data: {"seq","type","at","data"}``.
"""
from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field

_LINE_END = re.compile(r"\r\n|\r|\n")
_MAX_PENDING = 1 << 20  # a "line" longer than 1 MiB is garbage: drop it rather than grow


@dataclass(frozen=True)
class StreamMessage:
    """One dispatched SSE message."""

    event: str
    data: str
    last_event_id: str


@dataclass(frozen=True)
class HallEvent:
    """One hall event (API.md "events"): never holds personal data."""

    seq: int
    type: str
    at: str = ""
    data: dict = field(default_factory=dict)


class EventStreamDecoder:
    """Incremental SSE decoder; ``last_event_id`` and ``retry_ms`` track the stream."""

    def __init__(self, last_event_id: str = ""):
        self.last_event_id = last_event_id
        self.retry_ms: int | None = None
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""
        self._started = False
        self._event = ""
        self._data: list[str] = []

    def feed(self, chunk: bytes) -> list[StreamMessage]:
        """Decode a chunk; return the messages it completed."""
        text = self._pending + self._text.decode(chunk)
        if not self._started and text:
            self._started = True
            text = text.removeprefix("\ufeff")
        out: list[StreamMessage] = []
        pos = 0
        for match in _LINE_END.finditer(text):
            if match.group() == "\r" and match.end() == len(text):
                break  # maybe the first half of CRLF
            message = self._line(text[pos:match.start()])
            if message:
                out.append(message)
            pos = match.end()
        self._pending = text[pos:] if len(text) - pos <= _MAX_PENDING else ""
        return out

    def _line(self, line: str) -> StreamMessage | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self.last_event_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self.retry_ms = int(value)
        return None

    def _dispatch(self) -> StreamMessage | None:
        data, event = self._data, self._event
        self._data, self._event = [], ""
        if not data:
            return None
        return StreamMessage(event or "message", "\n".join(data), self.last_event_id)


def hall_event(message: StreamMessage) -> HallEvent | None:
    """The hall event a message carries, or None when it is not one (malformed data)."""
    try:
        body = json.loads(message.data)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    seq = body.get("seq", message.last_event_id)
    try:
        seq = int(seq)
    except (TypeError, ValueError):
        return None
    data = body.get("data")
    return HallEvent(seq, str(body.get("type") or message.event), str(body.get("at") or ""),
                     data if isinstance(data, dict) else {})
