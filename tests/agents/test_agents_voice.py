"""The announcer: words in order, no gaps or clicks at joins, one call at a time,
prepared while waiting, stale calls dropped; voice packs checked and generated."""
from __future__ import annotations

import json
import shutil
import wave
from array import array
from datetime import datetime, timedelta, timezone

import pytest

from hall_server.agents import voice
from hall_server.agents.errors import PhraseError, VoicePackError
from hall_server.agents.packbuild import PEAK, build_default_pack
from hall_server.agents.sinks import WavDirSink, make_sink
from hall_server.agents.voice import CHIME_GAP_MS, Announcer
from hall_server.agents.voicepack import VoicePack, read_manifest, read_wav
from hall_server.config.agents import VoiceSettings
from kiosk.core.event_stream import HallEvent

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=CST)
QUIET = 60            # below this a sample counts as silence
SPLIT_MS = 15         # a quiet run this long separates two words


def pcm_of(wav: bytes) -> array:
    import io
    with wave.open(io.BytesIO(wav)) as w:
        return array("h", w.readframes(w.getnframes()))


def runs(samples: array, rate: int = 22050) -> tuple[list[tuple[int, int]], list[int]]:
    """Sounding runs (start, end) and the quiet gaps between them, in frames."""
    split = rate * SPLIT_MS // 1000
    sounding, gaps, start, quiet = [], [], None, 0
    for i, value in enumerate(samples):
        if abs(value) >= QUIET:
            if start is None:
                start = i
            elif quiet >= split:
                sounding.append((start, i - quiet))
                gaps.append(quiet)
                start = i
            quiet = 0
        elif start is not None:
            quiet += 1
    if start is not None:
        sounding.append((start, len(samples) - quiet))
    return sounding, gaps


def pitch(samples: array, rate: int = 22050) -> float:
    crossings = sum(1 for a, b in zip(samples, samples[1:]) if (a < 0) != (b < 0))
    return crossings * rate / (2 * len(samples))


def decode(wav: bytes, pitches: dict[str, float]) -> list[str]:
    samples = pcm_of(wav)
    words = []
    for start, end in runs(samples)[0]:
        heard = pitch(samples[start:end])
        words.append(min(pitches, key=lambda w: abs(pitches[w] - heard)))
    return words


def call(seq: int, number: str, window: int, *, kind="ticket.called", at=NOW, window_id="w1") -> HallEvent:
    return HallEvent(seq, kind, at.isoformat(), {"id": f"t{number}", "number": number, "window_number": window,
                                                 "window_id": window_id, "recall_count": 0})


@pytest.fixture
def pack(tone_pack):
    return VoicePack.load(tone_pack)


def test_an_announcement_is_the_chime_then_the_call_twice(pack, pitches):
    announcement = Announcer(pack, make_sink("none")).compose("A023", 12)
    once = ["请", "A", "零", "二", "三", "号", "到", "十", "二", "号", "窗口", "办理"]
    assert list(announcement.words) == once
    assert decode(announcement.wav, pitches) == ["chime"] + once + once
    assert announcement.text == "请 A023 号 到 12 号窗口 办理"


def test_its_length_is_the_clips_plus_the_gaps_to_the_frame(pack):
    settings = VoiceSettings(repeat=3, word_gap_ms=40, repeat_gap_ms=500)
    announcement = Announcer(pack, make_sink("none"), settings).compose("B7", 5)
    words = list(announcement.words)
    frames = lambda ms: round(pack.format.rate * ms / 1000)
    clip_frames = sum(len(pack.clips[w]) // 2 for w in words)
    phrase = clip_frames + (len(words) - 1) * frames(40)
    expected = len(pack.clips["chime"]) // 2 + frames(CHIME_GAP_MS) + 3 * phrase + 2 * frames(500)
    assert len(pcm_of(announcement.wav)) == expected
    assert announcement.seconds == pytest.approx(expected / pack.format.rate)


def test_no_pause_inside_a_call_is_longer_than_the_word_gap(pack):
    settings = VoiceSettings(word_gap_ms=30, repeat_gap_ms=800)
    announcement = Announcer(pack, make_sink("none"), settings).compose("H105", 7)
    gaps_ms = [g * 1000 / pack.format.rate for g in runs(pcm_of(announcement.wav))[1]]
    long_ones = sorted(g for g in gaps_ms if g > 45)   # 30 ms gap + the quiet ends of two fades
    assert len(long_ones) == 2                          # after the chime, between the repeats
    assert long_ones[0] == pytest.approx(CHIME_GAP_MS, abs=15) and long_ones[1] == pytest.approx(800, abs=15)


def test_joins_do_not_click(pack):
    # Every tone starts and ends at its peak: without fades each join would jump by the
    # whole amplitude (12000); inside a tone a step is at most 2*pi*f/rate of it.
    samples = pcm_of(Announcer(pack, make_sink("none")).compose("Z999", 99).wav)
    assert abs(samples[0]) < QUIET and abs(samples[-1]) < QUIET
    assert max(abs(b - a) for a, b in zip(samples, samples[1:])) < 0.6 * 12000


def test_calls_play_one_at_a_time_in_order_and_a_recall_plays_again(pack, tmp_path, pitches):
    sink = WavDirSink(tmp_path / "out", realtime=0.2)
    settings = VoiceSettings(repeat=1, chime=False)
    announcer = Announcer(pack, sink, settings).start()
    for event in (call(1, "A001", 1), call(2, "A002", 12), call(3, "A001", 1, kind="ticket.recalled")):
        announcer.handle(event)
    assert announcer.wait_idle(10)
    announcer.stop()
    starts_ends = sink.played
    assert all(end <= nxt for (_, end, _), (nxt, _, _) in zip(starts_ends, starts_ends[1:]))
    infos = [json.loads(p.read_text()) for p in sorted((tmp_path / "out").glob("*.json"))]
    assert [(i["seq"], i["text"], i["recall"]) for i in infos] == [
        (1, "请 A001 号 到 1 号窗口 办理", False), (2, "请 A002 号 到 12 号窗口 办理", False),
        (3, "请 A001 号 到 1 号窗口 办理", True)]
    first = sorted((tmp_path / "out").glob("*.wav"))[0].read_bytes()
    assert decode(first, pitches) == ["请", "A", "零", "零", "一", "号", "到", "一", "号", "窗口", "办理"]
    assert [a.text for a in announcer.spoken] == [i["text"] for i in infos]


def test_a_ticket_is_prepared_when_issued_and_forgotten_when_done(pack):
    announcer = Announcer(pack, make_sink("none"))
    announcer.handle(HallEvent(1, "ticket.issued", NOW.isoformat(), {"number": "A005", "category": "A"}))
    announcer.handle(call(2, "A005", 1))
    announcer.handle(call(3, "A006", 1))            # never seen issued: built on the spot
    assert (announcer.prepared_hits, announcer.prepared_misses) == (1, 1)
    announcer.handle(HallEvent(4, "ticket.done", NOW.isoformat(), {"number": "A005"}))
    announcer.handle(call(5, "A005", 1, kind="ticket.recalled"))
    assert announcer.prepared_misses == 2


def test_a_stale_call_is_not_spoken_but_a_fresh_one_is(pack):
    announcer = Announcer(pack, make_sink("none"), VoiceSettings(max_age_seconds=60),
                          server_now=lambda: NOW + timedelta(seconds=90))
    assert announcer.handle(call(1, "A001", 1, at=NOW)) is None
    assert announcer.handle(call(2, "A002", 1, at=NOW + timedelta(seconds=80))) is not None


def test_a_call_that_only_looks_stale_is_checked_against_the_server_clock_again(pack):
    skew = [timedelta(minutes=30)]               # the server restarted on a clock half an hour back
    reads = []

    def resync():
        reads.append(1)
        skew[0] = timedelta(0)

    announcer = Announcer(pack, make_sink("none"), VoiceSettings(max_age_seconds=60),
                          server_now=lambda: NOW + skew[0], resync=resync)
    assert announcer.handle(call(1, "A001", 1, at=NOW + timedelta(seconds=10))) is not None
    assert reads == [1]
    assert announcer.handle(call(2, "A002", 1, at=NOW - timedelta(minutes=10))) is None   # really stale
    assert reads == [1, 1]


def test_a_zone_speaker_announces_only_its_zones_windows(pack):
    announcer = Announcer(pack, make_sink("none"), VoiceSettings(zones=["Z2"]),
                          window_zones={"w1": "Z1", "w3": "Z2"})
    assert announcer.handle(call(1, "A001", 1, window_id="w1")) is None
    assert announcer.handle(call(2, "B001", 3, window_id="w3")).number == "B001"


def test_a_wording_the_pack_cannot_say_is_refused_at_start(pack):
    with pytest.raises(PhraseError):
        Announcer(pack, make_sink("none"), call_template="请 {number} 号贵宾 到 {window} 号窗口")


def test_a_pack_lacking_words_names_them(tone_pack, tmp_path):
    partial = shutil.copytree(tone_pack, tmp_path / "partial")
    (partial / "digit-7.wav").unlink()
    (partial / "letter-q.wav").unlink()
    loaded = VoicePack.load(partial)
    assert sorted(loaded.missing) == ["Q", "七"]
    with pytest.raises(VoicePackError) as caught:
        Announcer(loaded, make_sink("none"))
    assert "七" in caught.value.message_zh
    with pytest.raises(VoicePackError) as caught:
        loaded.require(["请", "Q"])
    assert "lacks Q" in caught.value.message_en
    loaded.require(["请", "A"])


def test_a_pack_mixing_sample_rates_is_refused_naming_the_file(tone_pack, tmp_path):
    mixed = shutil.copytree(tone_pack, tmp_path / "mixed")
    with wave.open(str(mixed / "hao.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(44100)
        out.writeframes(bytes(200))
    with pytest.raises(VoicePackError) as caught:
        VoicePack.load(mixed)
    assert "hao.wav" in caught.value.message_zh and "44100" in caught.value.message_en


def test_a_missing_pack_says_how_to_make_one(tmp_path):
    with pytest.raises(VoicePackError) as caught:
        VoicePack.load(tmp_path / "nothing-here")
    assert "build-default-pack" in caught.value.message_zh


@pytest.fixture(scope="module")
def default_pack(tmp_path_factory):
    if not shutil.which("espeak-ng"):
        pytest.skip("espeak-ng is not installed")
    return build_default_pack(tmp_path_factory.mktemp("voice") / "default")


def test_the_default_pack_is_complete_uniform_trimmed_and_level(default_pack):
    pack = VoicePack.load(default_pack)
    assert pack.missing == [] and set(pack.words) == set(read_manifest()["words"])
    for word, entry in read_manifest()["words"].items():
        fmt, samples = read_wav(default_pack / entry["file"])
        assert (fmt.rate, fmt.channels) == (22050, 1)
        assert 0.15 < len(samples) / fmt.rate < 1.5, word
        if word == "chime":
            continue
        assert max(abs(v) for v in samples) == pytest.approx(PEAK, rel=0.01), word
        lead = next(i for i, v in enumerate(samples) if abs(v) >= 500)
        assert lead / fmt.rate < 0.02, f"{word} starts with {lead / fmt.rate:.3f} s of silence"


def test_building_again_keeps_a_complete_pack(default_pack):
    before = (default_pack / "qing.wav").stat().st_mtime_ns
    lines = []
    build_default_pack(default_pack, report=lines.append)
    assert (default_pack / "qing.wav").stat().st_mtime_ns == before
    assert "up to date" in lines[0]


def test_say_writes_a_call_and_prints_its_text(default_pack, tmp_path, capsys):
    out = tmp_path / "call.wav"
    assert voice.main(["say", "A023", "5", "--pack", str(default_pack), "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == "请 A023 号 到 5 号窗口 办理"
    with wave.open(str(out)) as w:
        assert w.getframerate() == 22050 and w.getnframes() / 22050 > 3
