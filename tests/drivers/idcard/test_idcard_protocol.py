"""The frame codec against the byte-exact frames of devices.md §1.4–§1.7 (tests/captures)."""
from pathlib import Path

import pytest

from drivers.errors import DeviceError, ProtocolError
from drivers.idcard import errors as e
from drivers.idcard.protocol import (PREAMBLE, CardRecord, Command, CommandFrame, FrameParser,
                                     Response, checksum, decode_command, decode_read_data,
                                     decode_response, decode_sam_id, encode_command,
                                     encode_read_data, encode_response, encode_sam_id)

CAPTURES = Path(__file__).resolve().parents[2] / "captures"


def capture(name: str) -> bytes:
    """A hex capture: '#' comments, whitespace-separated hex bytes."""
    lines = (CAPTURES / f"idcard_{name}.hex").read_text(encoding="utf-8").splitlines()
    return bytes.fromhex(" ".join(line for line in lines if not line.startswith("#")))


def command_captures() -> dict[str, bytes]:
    out = {}
    for line in (CAPTURES / "idcard_commands.hex").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, hexbytes = line.split(maxsplit=1)
            out[name] = bytes.fromhex(hexbytes)
    return out


def test_every_command_frame_matches_the_table_of_section_1_4():
    frames = command_captures()
    assert set(frames) == {c.name for c in Command}
    for command in Command:
        data = b"\x50" if command is Command.SET_MAX_RF_FRAME else b""
        assert encode_command(command, data) == frames[command.name], command.name


def test_find_checksum_is_the_worked_example_of_section_1_3():
    assert checksum(bytes([0x00, 0x03, 0x20, 0x01])) == 0x22
    assert Command.FIND.frame()[-1] == 0x22


@pytest.mark.parametrize("name, sw3, data", [
    ("sam_status_ok", 0x90, b""),
    ("find_card_present", 0x9F, bytes(4)),
    ("find_no_card", 0x80, b""),
    ("select_ok", 0x90, bytes(8)),
    ("select_failed", 0x81, b""),
    ("read_failed", 0x41, b""),
])
def test_canonical_responses_are_encoded_byte_exact(name, sw3, data):
    assert encode_response(sw3, data) == capture(name)


def test_canonical_responses_decode_to_their_status():
    parser = FrameParser()
    parser.feed(capture("find_card_present") + capture("select_ok"))
    assert decode_response(parser.next_payload()) == Response(0, 0, 0x9F, bytes(4))
    assert decode_response(parser.next_payload()) == Response(0, 0, 0x90, bytes(8))
    assert parser.next_payload() is None


def test_read_answer_header_and_length_match_section_1_5():
    record = CardRecord(bytes(256), bytes(1024))
    frame = encode_response(0x90, encode_read_data(record, with_fingerprint=False))
    assert frame[:14] == capture("read_ok_header")
    assert len(frame) == 1295


@pytest.mark.parametrize("fp_len, total, len_field", [(0, 1297, b"\x05\x0A"), (512, 1809, b"\x07\x0A"),
                                                      (1024, 2321, b"\x09\x0A")])
def test_read_with_fingerprint_frame_sizes_match_section_1_7(fp_len, total, len_field):
    record = CardRecord(bytes(256), bytes(1024), bytes([7]) * fp_len)
    frame = encode_response(0x90, encode_read_data(record, with_fingerprint=True))
    assert len(frame) == total and frame[5:7] == len_field
    assert frame[10:16] == bytes([1, 0, 4, 0, fp_len >> 8, fp_len & 0xFF])
    parser = FrameParser()
    parser.feed(frame)
    assert decode_read_data(decode_response(parser.next_payload()).data, with_fingerprint=True) == record


def test_read_data_whose_lengths_do_not_add_up_is_a_frame_error():
    data = encode_read_data(CardRecord(bytes(256), bytes(1024)), with_fingerprint=False)
    with pytest.raises(e.FrameError):
        decode_read_data(data[:-1], with_fingerprint=False)
    with pytest.raises(e.FrameError):
        decode_read_data(data, with_fingerprint=True)
    with pytest.raises(e.FrameError):
        decode_read_data(b"\x01", with_fingerprint=False)


def test_sam_id_is_27_bytes_and_round_trips():
    frame = encode_response(0x90, encode_sam_id("05.01-20230101-0000012345-0123456789"))
    assert len(frame) == 27 and frame[5:7] == b"\x00\x14" and frame[7:10] == b"\x00\x00\x90"
    assert decode_sam_id(frame[10:26]) == "05.01-20230101-0000012345-0123456789"
    with pytest.raises(e.FrameError):
        decode_sam_id(frame[10:25])


def test_decode_command_names_the_command():
    parser = FrameParser(min_length=3)
    parser.feed(Command.SET_MAX_RF_FRAME.frame(b"\x50") + encode_command(Command.READ))
    assert decode_command(parser.next_payload()) == CommandFrame(0x61, 0xFF, b"\x50")
    assert decode_command(parser.next_payload()).command is Command.READ
    assert CommandFrame(0x99, 0x01).command is None


# -- SW3 status codes (§1.6) ------------------------------------------------------
SW3_TABLE = {
    0x10: e.CommandRejected, 0x11: e.CommandRejected, 0x21: e.CommandRejected,
    0x23: e.OperationNotPermitted, 0x24: e.ReaderFault, 0x31: e.CardAuthenticationFailed,
    0x32: e.CardAuthenticationFailed, 0x33: e.CardAuthenticationFailed, 0x40: e.UnsupportedCardType,
    0x41: e.CardReadFailed, 0x47: e.CardReadFailed, 0x60: e.SamSelfTestFailed,
    0x66: e.SamNotAuthorised, 0x80: e.NoCard, 0x81: e.CardSelectFailed, 0x91: e.ItemEmpty,
    0xFF: e.ReaderFault,
}


@pytest.mark.parametrize("sw3, cls", sorted(SW3_TABLE.items()))
def test_each_status_code_raises_its_typed_error_with_chinese_first(sw3, cls):
    with pytest.raises(cls) as info:
        Response(0x6A, 0x82, sw3).expect(0x90)
    err = info.value
    assert isinstance(err, DeviceError) and err.sw3 == sw3 and (err.sw1, err.sw2) == (0x6A, 0x82)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.message)
    assert err.message_en.isascii() and err.message_en != err.message
    assert str(err).startswith(err.message)


def test_status_codes_have_distinct_machine_codes():
    codes = {e.error_for_status(sw3).code for sw3 in SW3_TABLE}
    assert len(codes) == len(SW3_TABLE)


def test_host_frame_rejections_are_protocol_errors_and_sam_errors_share_a_root():
    assert issubclass(e.CommandRejected, ProtocolError)
    assert issubclass(e.SamSelfTestFailed, e.SamError) and issubclass(e.SamNotAuthorised, e.SamError)


def test_unknown_status_and_unexpected_success_are_reader_faults():
    with pytest.raises(e.ReaderFault) as info:
        Response(0, 0, 0x55).expect(0x90)
    assert info.value.code == "idcard_unknown_status" and "55" in info.value.message
    with pytest.raises(e.ReaderFault):
        Response(0, 0, 0x90).expect(0x9F)  # 90 is not what a find answers on success
    assert Response(0, 0, 0x9F).expect(0x9F).ok


# -- streaming parser -------------------------------------------------------------
def test_parser_reassembles_a_frame_fed_byte_by_byte():
    parser = FrameParser()
    frame = capture("select_ok")
    for byte in frame[:-1]:
        parser.feed(bytes([byte]))
        assert parser.next_payload() is None
    parser.feed(frame[-1:])
    assert parser.next_payload() == frame[7:-1]


def test_parser_skips_garbage_before_a_frame():
    parser = FrameParser()
    parser.feed(b"\x00\xAA\xAA\x55\x96\x69noise" + capture("find_no_card"))
    assert decode_response(parser.next_payload()).sw3 == 0x80
    assert parser.discarded == 11


def test_checksum_error_is_raised_once_and_the_next_frame_still_parses():
    bad = bytearray(capture("find_card_present"))
    bad[9] ^= 0x01
    parser = FrameParser()
    parser.feed(bytes(bad) + capture("select_ok"))
    with pytest.raises(e.ChecksumError):
        parser.next_payload()
    assert decode_response(parser.next_payload()).data == bytes(8)
    assert parser.next_payload() is None and parser.buffered == 0


def test_impossible_length_is_a_frame_error_and_resyncs():
    parser = FrameParser()
    parser.feed(PREAMBLE + b"\xFF\xFF" + capture("find_no_card"))
    with pytest.raises(e.FrameError):
        parser.next_payload()
    assert decode_response(parser.next_payload()).sw3 == 0x80
    parser.feed(PREAMBLE + b"\x00\x02\x00")  # shorter than SW1 SW2 SW3 CHK
    with pytest.raises(e.FrameError):
        parser.next_payload()


def test_parser_keeps_a_partial_preamble_but_not_unbounded_garbage():
    parser = FrameParser()
    parser.feed(bytes(5000) + PREAMBLE[:3])
    assert parser.next_payload() is None
    assert parser.buffered == 3
    parser.feed(capture("sam_status_ok")[3:])
    assert decode_response(parser.next_payload()).sw3 == 0x90
