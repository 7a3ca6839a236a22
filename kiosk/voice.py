"""Kiosk voice guidance: every step prompt spoken (elderly mode, replay), offline.

Chinese goes through espeak-ng's ``cmn-latn-pinyin`` voice reading pinyin with tone
numbers made by pypinyin (``请取号`` → ``qing3 qu3 hao4``): the plain ``cmn`` voice
reads characters with its own dictionary and mispronounces common words. Numbers are
spelled out first (``A023`` → ``A 零二三``, ``12 人`` → ``十二 人``). English uses the
``en`` voice. Each text becomes a WAV once, cached by a hash of (voice, speed, text),
so a repeated prompt plays at once. Synthesis runs on a worker thread; playing is
handed to a sink on the UI thread: QtMultimedia's ``QSoundEffect`` (``qt``), ``aplay``,
or a recording sink in tests. The same text is always on screen (domain.md ACC-12).
"""
from __future__ import annotations

import hashlib
import logging
import re
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal

log = logging.getLogger(__name__)

_DIGITS = "零一二三四五六七八九"
_NUMBER = re.compile(r"\d+")
_CJK = re.compile(r"[\u3400-\u9fff]")


def spell_number(digits: str, *, one_by_one: bool = False) -> str:
    """Chinese reading of a digit string: counts (``12`` → 十二) up to 9999, else digit by digit."""
    if one_by_one or len(digits) > 4 or (len(digits) > 1 and digits[0] == "0"):
        return "".join(_DIGITS[int(d)] for d in digits)
    value = int(digits)
    if value == 0:
        return "零"
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // unit % 10
        if digit:
            out += ("零" if zero and out else "") + _DIGITS[digit] + name
            zero = False
        elif out:
            zero = True
    return out[1:] if out.startswith("一十") else out


_TIME = re.compile(r"(\d{1,2}):(\d{2})")


def _clock_time(match: re.Match) -> str:
    hour, minute = match.group(1), match.group(2)
    return f"{int(hour)}点" + ("" if minute == "00" else f"{int(minute)}分")


def spoken_chinese(text: str) -> str:
    """Numbers as Chinese words; a number right after a letter (ticket ``A023``) digit by digit;
    ``10:30–11:00`` as 十点三十分至十一点."""
    text = _TIME.sub(_clock_time, text).replace("–", "至")

    def replace(match: re.Match) -> str:
        after_letter = match.start() > 0 and text[match.start() - 1].isascii() and text[match.start() - 1].isalpha()
        return " " + spell_number(match.group(), one_by_one=after_letter) + " "
    return _NUMBER.sub(replace, text)


def to_pinyin(text: str) -> str:
    """Tone-numbered pinyin for espeak-ng's ``cmn-latn-pinyin`` voice; punctuation becomes a pause."""
    from pypinyin import Style, lazy_pinyin

    words = lazy_pinyin(spoken_chinese(text), style=Style.TONE3, neutral_tone_with_five=True,
                        errors=lambda chars: [_pause_or_keep(chars)])
    out = " ".join(w.strip() for w in words if w.strip())
    return re.sub(r"\s+([,.])", r"\1", out)


def _pause_or_keep(chars: str) -> str:
    if re.fullmatch(r"[\s，。；：、！？,.;:!?（）()“”\"'—…]+", chars):
        return "," if chars.strip() else " "
    return " ".join(re.findall(r"[A-Za-z]+", chars))


def speech_for(text: str, lang: str) -> tuple[str, bool]:
    """(what espeak-ng reads, is_chinese) for one prompt in ``lang``."""
    if lang == "zh" or _CJK.search(text):
        return to_pinyin(text), True
    return text, False


class RecordingSink:
    """A sink that remembers what it was asked to play (tests)."""

    def __init__(self):
        self.played: list[Path] = []

    def play(self, path: Path) -> None:
        self.played.append(Path(path))

    def stop(self) -> None:
        pass


class QtSink:
    """Plays WAV files with QtMultimedia; lives on the UI thread."""

    def __init__(self):
        from PySide6.QtMultimedia import QSoundEffect
        self.effect = QSoundEffect()
        self.effect.setVolume(1.0)

    def play(self, path: Path) -> None:
        self.effect.stop()
        self.effect.setSource(QUrl.fromLocalFile(str(path)))
        self.effect.play()

    def stop(self) -> None:
        self.effect.stop()


class AplaySink:
    """Plays WAV files with ``aplay`` (ALSA), one at a time."""

    def __init__(self):
        self.process: subprocess.Popen | None = None

    def play(self, path: Path) -> None:
        self.stop()
        self.process = subprocess.Popen(["aplay", "-q", str(path)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()


class KioskVoice(QObject):
    """``say(text, lang)`` from the UI thread: synthesise (cached) off-thread, then play.

    ``ok`` is False when the engine is missing; the kiosk then shows text only and
    reports ``voice`` unhealthy in its heartbeat.
    """

    ready = Signal(str, str)   # text, wav path (queued to the UI thread)

    def __init__(self, cache_dir: Path, *, engine: str = "espeak-ng", voice_zh: str = "cmn-latn-pinyin",
                 voice_en: str = "en", speed: int = 150, sink=None, enabled: bool = True):
        super().__init__()
        self.cache_dir = Path(cache_dir)
        self.engine, self.voice_zh, self.voice_en, self.speed = engine, voice_zh, voice_en, speed
        self.sink = sink
        self.enabled = enabled
        self.ok = enabled and shutil.which(engine) is not None
        self.message = "" if self.ok else ("语音引导已关闭" if not enabled else f"找不到语音合成程序 {engine}")
        self.spoken: list[str] = []
        self._latest = 0
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="voice")
        self.ready.connect(self._play)

    def say(self, text: str, lang: str = "zh") -> None:
        """Speak ``text``; a newer prompt replaces one not yet played."""
        if not self.ok or not text.strip():
            return
        with self._lock:
            self._latest += 1
            ticket = self._latest
        self._pool.submit(self._synthesise_and_post, text, lang, ticket)

    def _synthesise_and_post(self, text: str, lang: str, ticket: int) -> None:
        try:
            path = self.synthesise(text, lang)
        except (OSError, subprocess.SubprocessError):
            log.warning("speech synthesis failed", exc_info=True)
            return
        if ticket == self._latest:   # a later prompt already superseded this one
            self.ready.emit(text, str(path))

    def synthesise(self, text: str, lang: str) -> Path:
        """The WAV for ``text`` (made once, then from the cache)."""
        spoken, chinese = speech_for(text, lang)
        voice = self.voice_zh if chinese else self.voice_en
        key = hashlib.sha256(f"{voice}|{self.speed}|{spoken}".encode()).hexdigest()[:32]
        path = self.cache_dir / f"{key}.wav"
        if not path.exists():
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            subprocess.run([self.engine, "-v", voice, "-s", str(self.speed), "-w", str(partial), spoken],
                           check=True, timeout=20, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            partial.replace(path)
        return path

    def _play(self, text: str, path: str) -> None:
        self.spoken.append(text)
        if self.sink is not None:
            try:
                self.sink.play(Path(path))
            except Exception:
                log.warning("playing a prompt failed", exc_info=True)

    def stop(self) -> None:
        if self.sink is not None:
            self.sink.stop()

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def make_sink(player: str):
    """The sink for ``[voice] player``."""
    if player == "qt":
        try:
            return QtSink()
        except ImportError:
            log.warning("QtMultimedia is not available; voice falls back to aplay")
            player = "aplay"
    if player == "aplay" and shutil.which("aplay"):
        return AplaySink()
    return None
