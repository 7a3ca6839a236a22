"""Kiosk config (TOML, key paths in both languages, PIN hash) and voice (pinyin, espeak-ng WAV)."""
from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest

from kiosk.config import KioskConfigError, hash_pin, load_kiosk_config, pin_matches
from kiosk.voice import KioskVoice, RecordingSink, spell_number, spoken_chinese, to_pinyin

EXAMPLE = Path(__file__).resolve().parents[3] / "config" / "kiosk.example.toml"


def _example(tmp_path, text: str | None = None) -> Path:
    path = tmp_path / "kiosk.toml"
    path.write_text(text if text is not None else EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "kiosk-01.token").write_text("tok-123\n")
    return path


def test_example_file_loads_with_its_token_and_the_phone_page_url(tmp_path):
    config, token = load_kiosk_config(_example(tmp_path))
    assert token == "tok-123"
    settings = config.flow_settings()
    assert settings.status_url_template == "http://127.0.0.1:8600/t/{token}"
    assert settings.idle.elderly_timeout_s == 180 and settings.green_channel_age == 70
    assert pin_matches("246810", config.kiosk.maintenance_pin_hash)      # the documented sample PIN


@pytest.mark.parametrize("edit, path, zh, en", [
    (("baudrate = 9600", "baudrate = \"9600\""), "devices.printer.baudrate", "应为整数", "expected an integer"),
    (("mode = \"wedge\"", "mode = \"bluetooth\""), "devices.scanner.mode", "取值应为", "must be one of"),
    (("heartbeat_s = 30", "heartbeat_s = 1"), "kiosk.heartbeat_s", "不能小于", "at least"),
    (("[voice]", "[voice]\nvolume = 3"), "voice.volume", "未知的配置项", "unknown key"),
])
def test_bad_values_name_the_key_path_in_both_languages(tmp_path, edit, path, zh, en):
    text = EXAMPLE.read_text(encoding="utf-8").replace(*edit, 1)
    with pytest.raises(KioskConfigError) as caught:
        load_kiosk_config(_example(tmp_path, text))
    problem = next(p for p in caught.value.problems if p[0] == path)
    assert zh in problem[1] and en in problem[2]
    assert path in str(caught.value)


def test_missing_file_and_broken_toml_are_reported(tmp_path):
    with pytest.raises(KioskConfigError, match="找不到配置文件"):
        load_kiosk_config(tmp_path / "none.toml")
    with pytest.raises(KioskConfigError, match="TOML"):
        load_kiosk_config(_example(tmp_path, "[kiosk\n"))


def test_pin_hash_verifies_only_the_right_pin_and_rejects_bad_pins():
    stored = hash_pin("482913", iterations=1000)
    assert pin_matches("482913", stored) and not pin_matches("482914", stored)
    assert "482913" not in stored
    assert not pin_matches("482913", "") and not pin_matches("482913", "md5$x")
    with pytest.raises(ValueError):
        hash_pin("12a4")


def test_numbers_times_and_tickets_become_readable_chinese():
    assert [spell_number(n) for n in ("0", "10", "12", "105", "2000")] == ["零", "十", "十二", "一百零五", "二千"]
    assert "零二三" in spoken_chinese("A023")
    assert "".join(spoken_chinese("10:30").split()) == "十点三十分"
    assert to_pinyin("请取号") == "qing3 qu3 hao4"
    assert to_pinyin("您的号码是 A023").endswith("A ling2 er4 san1")


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng not installed")
def test_voice_synthesises_a_cached_wav_and_plays_it_on_the_ui_thread(tmp_path, qtbot):
    sink = RecordingSink()
    voice = KioskVoice(tmp_path, sink=sink)
    assert voice.ok
    with qtbot.waitSignal(voice.ready, timeout=15000):
        voice.say("请取号")
    assert voice.spoken == ["请取号"] and len(sink.played) == 1
    with wave.open(str(sink.played[0])) as wav:
        assert wav.getnframes() / wav.getframerate() > 0.3       # a real utterance, not silence
    first = sink.played[0].stat().st_mtime_ns
    with qtbot.waitSignal(voice.ready, timeout=15000):
        voice.say("请取号")
    assert sink.played[1] == sink.played[0] and sink.played[1].stat().st_mtime_ns == first   # from the cache
    english = voice.synthesise("Please take a number", "en")
    assert english != sink.played[0] and english.exists()
    voice.shutdown()


def test_missing_engine_turns_voice_off_without_failing(tmp_path):
    voice = KioskVoice(tmp_path, engine="no-such-tts-engine", sink=RecordingSink())
    assert not voice.ok and "no-such-tts-engine" in voice.message
    voice.say("请取号")        # nothing happens, nothing raises
    voice.shutdown()
