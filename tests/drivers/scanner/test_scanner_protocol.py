"""Pure scanner core: byte assembly, text decoding, wedge burst detection, debounce."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drivers.scanner.protocol import (CodeAssembler, Debouncer, ScannerSettingError, WedgeBurstDetector, WedgeVerdict,
                                      decode_code_bytes, suffix_bytes)

ZH = "码上办:370100-001 社保参保"


# -- decoding ---------------------------------------------------------------
def test_utf8_chinese_decodes_as_is():
    assert decode_code_bytes(ZH.encode("utf-8")) == ZH


def test_gb18030_bytes_fall_back_to_gb18030():
    raw = ZH.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert decode_code_bytes(raw) == ZH


@pytest.mark.parametrize("text", ["预约 YY-0001", "预约", "码上办"])
def test_gbk_bytes_that_are_also_valid_utf8_read_as_gbk(text):
    raw = text.encode("gb18030")
    if text != "码上办":
        assert raw.decode("utf-8") != text  # the trap: strict UTF-8 succeeds with Armenian letters
    assert decode_code_bytes(raw) == text


@pytest.mark.parametrize("text", ["买买提·艾力 A1", "José-12", "ئۇيغۇر 001", "①号窗口", "ＡＢＣ１２３"])
def test_plausible_utf8_text_is_kept_even_if_it_is_valid_gb18030(text):
    assert decode_code_bytes(text.encode("utf-8")) == text


def test_control_bytes_are_dropped_without_cutting_characters():
    raw = b"\x00\x02" + "社保".encode("utf-8") + b"\x1b\x7f" + b"A1\x03"
    assert decode_code_bytes(raw) == "社保A1"


def test_stray_invalid_byte_is_dropped_from_utf8_and_gb18030_codes():
    assert decode_code_bytes(b"\xff" + ZH.encode("utf-8")) == ZH
    assert decode_code_bytes(b"\xff" + ZH.encode("gb18030")) == ZH


def test_suffix_names_and_bad_name():
    assert [suffix_bytes(n) for n in ("cr", "LF", "crlf", "Tab", "none")] == [b"\r", b"\n", b"\r\n", b"\t", b""]
    with pytest.raises(ScannerSettingError) as err:
        suffix_bytes("ETX")
    assert "后缀" in err.value.message and "suffix" in err.value.message_en


# -- serial assembly --------------------------------------------------------
@pytest.mark.parametrize("suffix, tail", [("CR", b"\r"), ("LF", b"\n"), ("CRLF", b"\r\n"), ("TAB", b"\t")])
def test_codes_split_on_each_suffix(suffix, tail):
    asm = CodeAssembler(suffix)
    stream = ZH.encode() + tail + b"YY-0007" + tail + b"par"
    assert asm.feed(stream, 0) == [ZH, "YY-0007"]
    assert asm.pending == 3


def test_code_split_across_reads_mid_character():
    asm = CodeAssembler("CR")
    raw = ZH.encode() + b"\r"
    assert asm.feed(raw[:2], 0) == []  # inside the first 3-byte character
    assert asm.feed(raw[2:], 5) == [ZH]


def test_cr_setting_accepts_a_crlf_scanner():
    asm = CodeAssembler("CR")
    assert asm.feed(b"A001\r\nB002\r\n", 0) == ["A001", "B002"]


def test_no_suffix_mode_ends_a_code_on_idle_gap():
    asm = CodeAssembler("NONE", idle_gap_ms=80)
    assert asm.feed(b"ABC", 0) == []
    assert asm.feed(b"123", 20) == []
    assert asm.poll(99) == []  # 79 ms quiet: not yet
    assert asm.poll(100) == ["ABC123"]
    assert asm.feed(b"NEXT", 500) == [] and asm.poll(580) == ["NEXT"]


def test_no_suffix_mode_next_burst_after_gap_finishes_previous_code():
    asm = CodeAssembler("NONE", idle_gap_ms=80)
    asm.feed(b"ONE", 0)
    assert asm.feed(b"TWO", 200) == ["ONE"]
    assert asm.poll(300) == ["TWO"]


def test_stale_partial_is_dropped_as_noise():
    asm = CodeAssembler("CR", stale_ms=1000)
    asm.feed(b"\x13noise", 0)
    assert asm.feed(b"A001\r", 1500) == ["A001"]
    assert asm.garbage == 1


def test_garbage_only_frames_yield_no_code():
    asm = CodeAssembler("CR")
    assert asm.feed(b"\x00\x00\r\x1b\r\xff\rB1\r", 0) == ["B1"]
    assert asm.garbage == 3


def test_overlong_code_is_dropped_whole_and_next_code_survives():
    asm = CodeAssembler("CR", max_length=16)
    assert asm.feed(b"X" * 10, 0) == []
    assert asm.feed(b"X" * 10, 1) == []  # 20 > 16: dropped, rest skipped up to the suffix
    assert asm.feed(b"XXX\rOK-1\r", 2) == ["OK-1"]
    assert asm.overflows == 1 and asm.pending == 0


def test_min_length_filters_short_frames():
    asm = CodeAssembler("CR", min_length=3)
    assert asm.feed(b"ab\rabc\r", 0) == ["abc"]


def test_bad_assembly_settings_raise_typed_error():
    with pytest.raises(ScannerSettingError):
        CodeAssembler("CR", max_length=0)


@settings(max_examples=150, deadline=None)
@given(chunks=st.lists(st.binary(max_size=64), max_size=20), suffix=st.sampled_from(["CR", "LF", "CRLF", "TAB", "NONE"]))
def test_fuzz_assembler_never_raises_and_yields_clean_bounded_codes(chunks, suffix):
    asm = CodeAssembler(suffix, max_length=128)
    codes, t = [], 0.0
    for chunk in chunks:
        t += 10
        codes += asm.feed(chunk, t)
    codes += asm.poll(t + 10_000)
    for code in codes:
        assert code and len(code) <= 128
        assert not any(ord(c) < 0x20 or c in "\x7f\ufffd" for c in code)
    assert asm.pending <= 128


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(st.text(st.one_of(st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                                         st.characters(min_codepoint=0xA0, max_codepoint=0xFF),
                                         st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                                         st.characters(min_codepoint=0x600, max_codepoint=0x6FF,
                                                       blacklist_categories=("Cf", "Cn"))),
                               min_size=1, max_size=30), min_size=1, max_size=5),
       split=st.integers(min_value=1, max_value=7))
def test_fuzz_hall_utf8_codes_round_trip_through_any_chunking(texts, split):
    asm = CodeAssembler("CR")
    stream = b"".join(t.encode("utf-8") + b"\r" for t in texts)
    out = []
    for i in range(0, len(stream), split):
        out += asm.feed(stream[i:i + split], i)
    assert out == texts


# -- debounce ---------------------------------------------------------------
def test_debounce_drops_repeat_within_sliding_window():
    deb = Debouncer(1000)
    assert deb.accept("A", 0)
    assert not deb.accept("A", 900)
    assert not deb.accept("A", 1800)  # window slides with each sighting
    assert deb.accept("B", 1850)
    assert deb.accept("A", 2801)


# -- keyboard wedge ---------------------------------------------------------
def feed_keys(det, text, start_ms, gap_ms):
    verdicts = []
    for i, ch in enumerate(text):
        verdicts.append(det.key(ch, start_ms + i * gap_ms))
    return verdicts


def test_fast_burst_with_enter_is_a_code_and_every_key_swallowed():
    det = WedgeBurstDetector(max_gap_ms=30, min_length=4)
    verdicts = feed_keys(det, "YY20240601\r", 1000, 4)
    assert all(v.swallow for v in verdicts)
    assert [c for v in verdicts for c in v.codes] == ["YY20240601"]
    assert not any(v.replay for v in verdicts) and det.holding == 0


def test_fast_burst_without_suffix_becomes_code_when_keys_stop():
    det = WedgeBurstDetector(max_gap_ms=30, min_length=4)
    feed_keys(det, "A1B2C3", 0, 3)
    assert det.deadline_ms == 15 + 30
    assert det.poll(45).codes == ()  # exactly at the limit: still waiting
    verdict = det.poll(46)
    assert verdict.codes == ("A1B2C3",) and verdict.replay == ()


def test_require_suffix_turns_suffixless_burst_into_typing():
    det = WedgeBurstDetector(max_gap_ms=30, min_length=4, require_suffix=True)
    feed_keys(det, "A1B2", 0, 3)
    assert det.poll(100).replay == tuple("A1B2")


def test_human_typing_is_replayed_key_by_key_in_order():
    det = WedgeBurstDetector(max_gap_ms=30, min_length=4)
    replayed, t = [], 0
    for ch in "hello":
        verdict = det.key(ch, t)
        assert verdict.swallow  # held until the gap proves it typing
        replayed += verdict.replay
        t += 180
    replayed += det.poll(t).replay
    assert "".join(replayed) == "hello"


def test_human_enter_passes_and_short_fast_pair_is_replayed_before_it():
    det = WedgeBurstDetector(max_gap_ms=30, min_length=4)
    det.key("o", 0)
    det.key("k", 12)  # a quick roll of two keys
    verdict = det.key("\r", 25)
    assert verdict.replay == ("o", "k") and not verdict.swallow and verdict.codes == ()


def test_mixed_typing_then_scan_then_typing():
    det = WedgeBurstDetector(max_gap_ms=30, min_length=4)
    out, codes = [], []
    for ch, t in [("a", 0), ("b", 200)]:
        out += det.key(ch, t).replay
    for v in feed_keys(det, "CODE-123\r", 400, 5):
        out += v.replay
        codes += v.codes
    for ch, t in [("c", 700), ("d", 900)]:
        out += det.key(ch, t).replay
    out += det.poll(2000).replay
    assert codes == ["CODE-123"]
    assert "".join(out) == "abcd"


def test_non_character_key_ends_burst_and_passes_through():
    det = WedgeBurstDetector(max_gap_ms=30, min_length=4)
    det.key("x", 0)
    verdict = det.key("", 5)  # an arrow key or Backspace
    assert verdict.replay == ("x",) and not verdict.swallow


def test_payloads_come_back_on_replay():
    det = WedgeBurstDetector()
    det.key("q", 0, payload=("widget", 1))
    assert det.poll(100).replay == (("widget", 1),)


@settings(max_examples=100, deadline=None)
@given(keys=st.lists(st.tuples(st.sampled_from(list("ab1 \r\t") + ["", "\x08", "码"]),
                               st.integers(min_value=0, max_value=200)), max_size=40))
def test_fuzz_wedge_every_key_is_either_scanned_replayed_or_passed(keys):
    det = WedgeBurstDetector(max_gap_ms=30, min_length=4)
    t, accounted, fed = 0, 0, 0
    for i, (text, gap) in enumerate(keys):
        t += gap
        verdict = det.key(text, t, payload=i)
        fed += 1
        accounted += len(verdict.replay) + sum(len(c) for c in verdict.codes)
        if not verdict.swallow:
            accounted += 1  # passed straight through
        elif verdict.codes and text in ("\r", "\n", "\t"):
            accounted += 1  # a swallowed suffix ends the scan
    final = det.poll(t + 1000)
    accounted += len(final.replay) + sum(len(c) for c in final.codes)
    assert accounted == fed and det.holding == 0


def test_overlong_burst_is_handed_back_including_the_current_key():
    det = WedgeBurstDetector(max_gap_ms=30, min_length=2, max_length=3)
    assert [det.key(ch, i).swallow for i, ch in enumerate("abc")] == [True] * 3
    verdict = det.key("d", 3)
    assert verdict.swallow and verdict.replay == tuple("abcd") and det.holding == 0


def test_feeding_a_passed_key_again_changes_nothing():
    det = WedgeBurstDetector()
    det.key("a", 0)
    first = det.key("", 5)  # passes, releasing "a"
    assert first.replay == ("a",) and not first.swallow
    again = det.key("", 5)  # the same press on its next hop (window → widget)
    assert again == WedgeVerdict() and det.holding == 0


def test_keys_after_an_overlong_burst_are_handed_back_until_a_pause():
    det = WedgeBurstDetector(max_gap_ms=30, min_length=2, max_length=3)
    for i, ch in enumerate("abcd"):
        det.key(ch, i)
    assert det.key("e", 4).replay == ("e",)  # still the same fast stream
    assert det.key("f", 5).replay == ("f",)
    assert det.key("S", 100).replay == () and det.holding == 1  # after a pause: judged afresh
