"""The sans-I/O SSE decoder (WHATWG event-stream rules) and hall event parsing."""
import json

from hypothesis import given, settings, strategies as st

from kiosk.core.event_stream import EventStreamDecoder, HallEvent, StreamMessage, hall_event


def event_bytes(seq, kind, data, newline="\n"):
    body = json.dumps({"seq": seq, "type": kind, "at": "2026-11-21T09:30:00+08:00", "data": data},
                      ensure_ascii=False)
    return f"id: {seq}{newline}event: {kind}{newline}data: {body}{newline}{newline}".encode()


STREAM = (b"\xef\xbb\xbf: keep-alive\n\nretry: 1500\n"
          + event_bytes(7, "ticket.called", {"number": "A023", "window_number": 5, "window_name": "5号窗口"})
          + event_bytes(8, "window.state", {"id": "w1", "state": "paused"}, newline="\r\n")
          + b"data: first\ndata:second\r\rid: 9\ndata: x\n\n")


def decode_all(chunks):
    decoder = EventStreamDecoder()
    out = [m for chunk in chunks for m in decoder.feed(chunk)]
    return out, decoder


def test_decodes_events_comments_retry_crlf_and_multiline_data():
    messages, decoder = decode_all([STREAM])
    assert [m.event for m in messages] == ["ticket.called", "window.state", "message", "message"]
    assert messages[2].data == "first\nsecond" and messages[2].last_event_id == "8"
    assert decoder.retry_ms == 1500 and decoder.last_event_id == "9"
    event = hall_event(messages[0])
    assert event == HallEvent(7, "ticket.called", "2026-11-21T09:30:00+08:00",
                              {"number": "A023", "window_number": 5, "window_name": "5号窗口"})


@settings(max_examples=150)
@given(st.lists(st.integers(0, len(STREAM)), max_size=12))
def test_any_chunking_gives_the_same_messages(cuts):
    points = sorted(set(cuts))
    chunks = [STREAM[a:b] for a, b in zip([0] + points, points + [len(STREAM)])]
    assert decode_all(chunks)[0] == decode_all([STREAM])[0]


def test_cr_at_a_chunk_end_waits_for_a_possible_lf():
    messages, _ = decode_all([b"data: a\r", b"\n\r", b"\n"])
    assert messages == [StreamMessage("message", "a", "")]


def test_utf8_split_across_chunks():
    raw = event_bytes(3, "ticket.called", {"window_name": "综合窗口"})
    messages, _ = decode_all([raw[:40], raw[40:41], raw[41:]])
    assert hall_event(messages[0]).data["window_name"] == "综合窗口"


def test_id_with_nul_is_ignored_and_blank_data_is_not_dispatched():
    messages, decoder = decode_all([b"id: 5\n\nid: 6\x00\nevent: x\n\ndata\n\n"])
    assert decoder.last_event_id == "5"
    assert messages == [StreamMessage("message", "", "5")]


def test_malformed_hall_events_are_none():
    assert hall_event(StreamMessage("x", "not json", "1")) is None
    assert hall_event(StreamMessage("x", "[1]", "1")) is None
    assert hall_event(StreamMessage("x", '{"type": "t"}', "nope")) is None
    assert hall_event(StreamMessage("ticket.done", '{"data": 3}', "12")) == HallEvent(12, "ticket.done", "", {})


def test_an_endless_line_is_dropped_not_kept():
    decoder = EventStreamDecoder()
    decoder.feed(b"data: " + b"x" * (1 << 20) + b"y")
    assert decoder.feed(b"\n\ndata: ok\n\n") == [StreamMessage("message", "ok", "")]


@settings(max_examples=200)
@given(st.binary(max_size=400))
def test_garbage_never_raises(raw):
    decoder = EventStreamDecoder()
    for message in decoder.feed(raw):
        hall_event(message)
