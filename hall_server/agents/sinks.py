"""Where announcements are played: the sound card through a player program, WAV
files (tests, recording a day's calls), or nowhere.

A sink's :meth:`play` blocks until the sound has been played, which is what keeps
announcements from overlapping: the announcer plays one at a time.
The player programs read the WAV from stdin, so nothing is written to disk.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Protocol

from hall_server.agents.errors import AgentError

log = logging.getLogger(__name__)

# Tried in this order by "auto": PulseAudio/PipeWire first (they share the device
# with other programs), then ALSA directly, then sox.
PLAYERS = {
    "paplay": ["paplay"],
    "pw-play": ["pw-play", "-"],
    "aplay": ["aplay", "-q", "-"],
    "play": ["play", "-q", "-t", "wav", "-"],
}


class AudioSink(Protocol):
    """Something that plays one WAV file's bytes and returns when it is done."""

    def play(self, wav: bytes, label: str, info: dict) -> None: ...


class PlayerSink:
    """Plays through a command-line player reading WAV on stdin."""

    def __init__(self, argv: list[str], timeout: float = 60.0):
        self.argv, self.timeout = argv, timeout

    def play(self, wav: bytes, label: str, info: dict) -> None:
        try:
            done = subprocess.run(self.argv, input=wav, capture_output=True, timeout=self.timeout)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.error("player %s failed for %s: %s", self.argv[0], label, exc)
            return
        if done.returncode != 0:
            log.error("player %s exited %d for %s: %s", self.argv[0], done.returncode, label,
                      done.stderr.decode(errors="replace").strip()[:200])


class WavDirSink:
    """Writes each announcement as ``NNNNN-<label>.wav`` with a ``.json`` beside it
    (text, words, seq), and records when each one "played"."""

    def __init__(self, directory: Path | str, *, realtime: float = 0.0):
        """``realtime``: take this fraction of each sound's length to "play" it (1.0 = like a
        sound card; tests use less), so queueing behaves as with real playback."""
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.realtime = realtime
        self.played: list[tuple[float, float, str]] = []   # (start, end, label)
        self._count = len(list(self.directory.glob("*.wav")))
        self._lock = threading.Lock()

    def play(self, wav: bytes, label: str, info: dict) -> None:
        start = time.monotonic()
        with self._lock:
            self._count += 1
            stem = f"{self._count:05d}-{re.sub(r'[^A-Za-z0-9_-]', '_', label)}"
        _write_whole(self.directory / f"{stem}.wav", wav)
        _write_whole(self.directory / f"{stem}.json", json.dumps(info, ensure_ascii=False).encode("utf-8"))
        if self.realtime:
            time.sleep(info.get("seconds", 0) * self.realtime)
        self.played.append((start, time.monotonic(), label))


def _write_whole(path: Path, data: bytes) -> None:
    """Write beside, then rename: whoever watches the folder never reads half a file."""
    part = path.with_name(path.name + ".part")
    part.write_bytes(data)
    os.replace(part, path)


class SilentSink:
    """Plays nothing (a PC without speakers still shows texts and keeps its seq)."""

    def play(self, wav: bytes, label: str, info: dict) -> None:
        log.info("not played (no audio output): %s", info.get("text", label))


def make_sink(spec: str) -> AudioSink:
    """``auto`` | ``paplay`` | ``pw-play`` | ``aplay`` | ``play`` | ``wav:DIR`` | ``none``."""
    spec = (spec or "auto").strip()
    if spec.startswith("wav:"):
        return WavDirSink(spec[4:] or ".")
    if spec == "none":
        return SilentSink()
    if spec == "auto":
        found = next((name for name in PLAYERS if shutil.which(name)), None)
        if found is None:
            log.warning("no audio player found (paplay, pw-play, aplay, play); announcements are not played")
            return SilentSink()
        return PlayerSink(PLAYERS[found])
    if spec in PLAYERS:
        if not shutil.which(spec):
            raise AgentError(f"没有找到播放程序 {spec}", f"audio player {spec} not found")
        return PlayerSink(PLAYERS[spec])
    raise AgentError(f"不认识的声音输出：{spec}（可用 auto、{'、'.join(PLAYERS)}、wav:目录、none）",
                     f"unknown audio sink {spec!r} (auto, {', '.join(PLAYERS)}, wav:DIR, none)")
