"""The voice announcer: a chime, then "请 A023 号 到 5 号窗口 办理", from a voice pack.

Event handling (events come from :mod:`hall_server.agents.stream`):

* ``ticket.issued`` — the ticket number's words are assembled now, while the ticket
  waits, so its call starts at once (anchors-queue.md "pre-generate the call audio");
* ``ticket.called`` / ``ticket.recalled`` — an announcement joins the queue; the
  queue plays one at a time, so calls never overlap (anchors-queue.md #54);
* ``ticket.done`` / ``no_show`` / ``cancelled`` — the prepared words are dropped.

A call older than ``max_age_seconds`` (caught up after the agent or the network was
down) is not spoken: residents have long been told by the screen. The text of
every announcement is kept in :attr:`Announcer.spoken` and logged, and is the same
text the display shows (one ``call_text``).

``python -m hall_server.agents.voice build-default-pack [--quiet]`` generates the
default pack (hallterm.sh runs it at set-up); ``... say A023 5 --out call.wav`` tries one.
"""
from __future__ import annotations

import argparse
import logging
import queue
import sys
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from hall_server.agents import phrasing
from hall_server.agents.errors import AgentError
from hall_server.agents.sinks import AudioSink, make_sink
from hall_server.agents.voicepack import VoicePack, default_pack_dir, wav_bytes
from hall_server.config.agents import DEFAULT_CALL_TEXT, VoiceSettings

log = logging.getLogger(__name__)

CALL_EVENTS = ("ticket.called", "ticket.recalled")
END_EVENTS = ("ticket.done", "ticket.no_show", "ticket.cancelled")
CHIME_GAP_MS = 150
CACHE_SIZE = 2000      # prepared ticket numbers kept; a busy hall issues ~1500 a day


@dataclass(frozen=True)
class Announcement:
    """One call as spoken: its text, its words (one repeat, without the chime) and the WAV."""

    seq: int
    number: str
    window: int
    text: str
    words: tuple[str, ...]
    wav: bytes = field(repr=False)
    seconds: float
    recall: bool = False

    def info(self) -> dict:
        return {"seq": self.seq, "number": self.number, "window": self.window, "text": self.text,
                "words": list(self.words), "seconds": round(self.seconds, 3), "recall": self.recall}


class Announcer:
    """Builds announcements from call events and plays them one at a time on ``sink``."""

    def __init__(self, pack: VoicePack, sink: AudioSink, settings: VoiceSettings | None = None, *,
                 call_template: str = DEFAULT_CALL_TEXT, server_now: Callable[[], datetime] | None = None,
                 resync: Callable[[], None] | None = None, window_zones: dict[str, str] | None = None):
        """``server_now`` gives the hall server's time (to drop stale calls); ``resync`` reads
        it again before a call is dropped, in case the server's clock moved (a restart)."""
        self.pack, self.sink = pack, sink
        self.settings = settings or VoiceSettings()
        self.template = call_template
        self.server_now, self.resync = server_now, resync
        self.window_zones = window_zones or {}
        self.spoken: deque[Announcement] = deque(maxlen=50)
        self.prepared_hits = self.prepared_misses = 0
        self._numbers: OrderedDict[str, bytes] = OrderedDict()
        self._pieces: dict[tuple, bytes] = {}
        self._queue: queue.Queue = queue.Queue()
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()
        self.check_vocabulary()

    # -- set-up ------------------------------------------------------------------------
    def check_vocabulary(self, prefixes: str = "") -> None:
        """Refuse at start a wording or prefix the pack cannot say (VoicePackError/PhraseError)."""
        words = phrasing.call_words(self.template, "0123456789", 1, self.pack.words, self.settings.window_reading)
        needed = set(words) | set(phrasing.DIGIT_WORDS) | {phrasing.TEN, phrasing.HUNDRED} | set(prefixes)
        if self.settings.chime:
            needed.add(phrasing.CHIME)
        self.pack.require(needed)

    def start(self) -> "Announcer":
        self._worker = threading.Thread(target=self._play_loop, name="voice-announcer", daemon=True)
        self._worker.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._queue.put(None)
        if self._worker:
            self._worker.join(timeout)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until everything queued has been played (tests, shutdown)."""
        done = threading.Event()
        threading.Thread(target=lambda: (self._queue.join(), done.set()), daemon=True).start()
        return done.wait(timeout)

    # -- events --------------------------------------------------------------------------
    def handle(self, event) -> Announcement | None:
        """Act on one hall event (``seq``, ``type``, ``at``, ``data``); returns a queued announcement."""
        data = event.data
        if event.type == "ticket.issued" and data.get("number"):
            self.prepare(data["number"])
        elif event.type in END_EVENTS and data.get("number"):
            with self._lock:
                self._numbers.pop(data["number"], None)
        elif event.type in CALL_EVENTS and data.get("number") and data.get("window_number"):
            if self._wanted(event):
                announcement = self.compose(data["number"], int(data["window_number"]), seq=event.seq,
                                            recall=event.type == "ticket.recalled")
                self._queue.put(announcement)
                return announcement
        return None

    def _wanted(self, event) -> bool:
        zones = self.settings.zones
        if zones and self.window_zones.get(event.data.get("window_id")) not in zones:
            return False
        age = self._age_seconds(event.at)
        if age is not None and age > self.settings.max_age_seconds and self.resync:
            self.resync()
            age = self._age_seconds(event.at)
        if age is not None and age > self.settings.max_age_seconds:
            log.info("not announcing %s at seq %d: %.0f s old", event.data.get("number"), event.seq, age)
            return False
        return True

    def _age_seconds(self, at: str) -> float | None:
        if not self.server_now or not at:
            return None
        try:
            return (self.server_now() - datetime.fromisoformat(at)).total_seconds()
        except (TypeError, ValueError):
            return None

    # -- assembling ----------------------------------------------------------------------
    def prepare(self, number: str) -> bytes:
        """The PCM of a ticket number's words, from the cache or built now."""
        with self._lock:
            found = self._numbers.get(number)
            if found is not None:
                self._numbers.move_to_end(number)
                return found
        pcm = self.pack.say(phrasing.spoken_ticket(number), self.settings.word_gap_ms)
        with self._lock:
            self._numbers[number] = pcm
            while len(self._numbers) > CACHE_SIZE:
                self._numbers.popitem(last=False)
        return pcm

    def compose(self, number: str, window: int, *, seq: int = 0, recall: bool = False) -> Announcement:
        """The whole announcement: chime, then the call ``repeat`` times."""
        with self._lock:
            ready = number in self._numbers
        self.prepared_hits += ready
        self.prepared_misses += not ready
        pieces, words = self._phrase(number, window)
        gap = self.settings.word_gap_ms
        phrase = self.pack.join(pieces, gap)
        body = self.pack.join([phrase] * self.settings.repeat, self.settings.repeat_gap_ms)
        pcm = self.pack.join([self.pack.clips[phrasing.CHIME], body], CHIME_GAP_MS) if self.settings.chime else body
        text = phrasing.call_text(self.template, number, window)
        return Announcement(seq, number, window, text, tuple(words), wav_bytes(self.pack.format, pcm),
                            self.pack.format.seconds(pcm), recall)

    def _phrase(self, number: str, window: int) -> tuple[list[bytes], list[str]]:
        pieces, words = [], []
        for literal, field_name in phrasing.template_parts(self.template):
            literal_words = phrasing.split_words(literal, self.pack.words)
            if literal_words:
                pieces.append(self._piece(("text", literal), literal_words))
                words += literal_words
            if field_name == "number":
                pieces.append(self.prepare(number))
                words += phrasing.spoken_ticket(number)
            elif field_name == "window":
                window_words = phrasing.spoken_window(window, self.settings.window_reading)
                pieces.append(self._piece(("window", window), window_words))
                words += window_words
        return pieces, words

    def _piece(self, key: tuple, words: list[str]) -> bytes:
        found = self._pieces.get(key)
        if found is None:
            found = self._pieces[key] = self.pack.say(words, self.settings.word_gap_ms)
        return found

    # -- playing -------------------------------------------------------------------------
    def _play_loop(self) -> None:
        while True:
            announcement = self._queue.get()
            try:
                if announcement is None:
                    return
                log.info("announcing seq %d: %s", announcement.seq, announcement.text)
                self.sink.play(announcement.wav, f"{announcement.number}-w{announcement.window}", announcement.info())
                self.spoken.append(announcement)
            except Exception:   # a broken player must not stop the hall's calls
                log.exception("could not play %s", announcement.text if announcement else "")
            finally:
                self._queue.task_done()


# -- command line -----------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    """``python -m hall_server.agents.voice build-default-pack|say``."""
    from hall_server.agents.packbuild import build_default_pack

    parser = argparse.ArgumentParser(prog="python -m hall_server.agents.voice", description="语音包 / voice pack")
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build-default-pack", help="用 espeak-ng 生成默认语音包 / generate the default pack")
    build.add_argument("--dir", type=Path, default=None, help=f"目标目录 / target (default {default_pack_dir()})")
    build.add_argument("--force", action="store_true", help="即使已是最新也重新生成 / rebuild even if complete")
    build.add_argument("--quiet", action="store_true")
    say = sub.add_parser("say", help="合成一次叫号试听 / build one call")
    say.add_argument("number")
    say.add_argument("window", type=int)
    say.add_argument("--pack", type=Path, default=None)
    say.add_argument("--out", type=Path, default=None, help="写入 WAV 文件；不写则直接播放 / write a WAV file instead of playing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING if getattr(args, "quiet", False) else logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "build-default-pack":
            report = (lambda line: None) if args.quiet else print
            build_default_pack(args.dir or default_pack_dir(), force=args.force, report=report)
            return 0
        announcement = Announcer(VoicePack.load(args.pack), make_sink("none")).compose(args.number, args.window)
        if args.out:
            args.out.write_bytes(announcement.wav)
        else:
            make_sink("auto").play(announcement.wav, args.number, announcement.info())
        print(announcement.text)
        return 0
    except AgentError as exc:
        print(f"{exc.message_zh}\n{exc.message_en}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
