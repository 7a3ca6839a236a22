"""Property tests: the tokenizer, text decoder, emulator and status parser on hostile input."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.errors import ProtocolError
from drivers.printer import protocol
from drivers.printer.emulator import PrinterEmulator
from drivers.printer.protocol import PrinterStatus, parse_status
from drivers.printer.tokenizer import MAX_BLOCK, EscPosTokenizer, GbTextDecoder, Token

FAST = settings(max_examples=150, deadline=None)

# Byte soup biased towards command prefixes, so commands (and broken ones) actually occur.
command_bytes = st.lists(
    st.one_of(st.binary(max_size=12),
              st.sampled_from([b"\x1b", b"\x1d", b"\x1c", b"\x10\x04", b"\x1d(k", b"\x1dv0", b"\x1dV",
                               b"\x1d\x28\x6b\x03\x00\x31\x51\x30", b"\x1b@", b"\x1c&", b"\n",
                               "请".encode("gb18030"), b"\x81", b"\x10\x04\x01"])),
    max_size=30).map(b"".join)


def merged(tokens: list[Token]) -> list[Token]:
    """Adjacent text tokens joined: a text run may arrive in pieces, commands may not."""
    out: list[Token] = []
    for t in tokens:
        if out and t.kind == out[-1].kind == "text":
            out[-1] = Token("text", data=out[-1].data + t.data, size=out[-1].size + t.size)
        else:
            out.append(t)
    return out


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    bounds = [0, *points, len(data)]
    return [data[a:b] for a, b in zip(bounds, bounds[1:])]


@FAST
@given(command_bytes, st.lists(st.integers(min_value=0, max_value=400), max_size=6))
def test_tokenizer_is_chunking_invariant_and_accounts_for_every_byte(data, cuts):
    whole = EscPosTokenizer()
    expected = whole.feed(data)
    chunked = EscPosTokenizer()
    got = [t for chunk in split(data, cuts) for t in chunked.feed(chunk)]
    assert merged(got) == merged(expected)
    assert sum(t.size for t in got) + chunked.pending == len(data)
    assert all(t.size > 0 for t in got)


@FAST
@given(st.integers(min_value=0, max_value=0xFFFF), st.integers(min_value=0, max_value=0xFFFF))
def test_raster_header_with_absurd_size_is_rejected_not_buffered(width, height):
    tokenizer = EscPosTokenizer()
    tokens = tokenizer.feed(bytes([0x1D, 0x76, 0x30, 0, width & 0xFF, width >> 8, height & 0xFF, height >> 8]))
    if width * height > 1024 * 1024:
        assert [t.kind for t in tokens] == ["error"] and tokenizer.pending == 0
    elif width * height:
        assert tokens == [] and tokenizer.pending == 8  # waits for the image data


@FAST
@given(st.integers(min_value=0, max_value=0xFFFF))
def test_block_longer_than_a_qr_store_is_an_error_token(length):
    tokenizer = EscPosTokenizer()
    tokens = tokenizer.feed(bytes([0x1D, 0x28, 0x6B, length & 0xFF, length >> 8]))
    if length > MAX_BLOCK:
        assert [t.kind for t in tokens] == ["error"] and tokenizer.pending == 0
    elif length:
        assert tokens == [] and tokenizer.pending == 5
    assert MAX_BLOCK >= 7092 + 3  # the largest QR store (§2.2) still fits


@FAST
@given(command_bytes, st.lists(st.integers(min_value=0, max_value=400), max_size=4))
def test_emulator_never_raises_and_only_answers_status_bytes(data, cuts):
    emulator = PrinterEmulator()
    replies = b"".join(emulator.receive(chunk) for chunk in split(data, cuts))
    assert all(protocol.is_status_byte(b) for b in replies)
    assert len(replies) <= data.count(b"\x10\x04")


@FAST
@given(st.binary(max_size=60), st.lists(st.integers(min_value=0, max_value=60), max_size=5))
def test_gb_decoder_never_raises_and_is_chunking_invariant(data, cuts):
    whole = GbTextDecoder().decode(data)
    decoder = GbTextDecoder()
    assert "".join(decoder.decode(chunk) for chunk in split(data, cuts)) == whole
    assert isinstance(whole, str)


@FAST
@given(st.text(max_size=40), st.sampled_from(protocol.CHARSETS))
def test_encoded_lines_decode_back_to_what_was_meant(text, charset):
    encoded = protocol.encode_line(text, charset)
    if encoded is None:
        assert any(not protocol.char_printable(ch, charset) for ch in protocol.printable_text(text))
        return
    assert all(b >= 0x20 for b in encoded)  # no control byte can reach the printer from data
    assert GbTextDecoder().decode(encoded) == protocol.printable_text(text)


@FAST
@given(st.dictionaries(st.integers(min_value=-2, max_value=6), st.integers(min_value=-5, max_value=300), max_size=5))
def test_status_parser_gives_a_status_or_a_typed_error(replies):
    try:
        status = parse_status(replies)
    except ProtocolError as exc:
        assert exc.message and exc.message_en
        return
    assert isinstance(status, PrinterStatus)
    assert status.to_device_status().state in ("ok", "warning", "error")


@FAST
@given(st.binary(max_size=20))
def test_first_status_byte_resyncs_past_garbage(data):
    found = protocol.first_status_byte(data)
    valid = [b for b in data if protocol.is_status_byte(b)]
    assert found == (valid[0] if valid else None)


@FAST
@given(st.builds(PrinterStatus, online=st.booleans(), cover_open=st.booleans(),
                 paper=st.sampled_from(["ok", "near_end", "out"]), cutter_error=st.booleans(),
                 other_error=st.booleans()))
def test_status_bytes_always_valid_and_keep_the_problem(status):
    replies = protocol.status_bytes(status)
    assert all(protocol.is_status_byte(b) for b in replies.values())
    assert parse_status(replies).problem == status.problem
