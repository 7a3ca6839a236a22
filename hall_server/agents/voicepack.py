"""Voice packs: one WAV clip per word, joined into announcements without clicks.

A pack is a directory of WAV files named by ``assets/voice/manifest.toml`` (the
pack's own ``manifest.toml``, if it has one, is read instead, so a hall's
recordings may add words). Every clip must share one sample rate, sample width
(16-bit) and channel count: joining mismatched clips would need resampling, and a
wrong rate plays as a chipmunk, so a mixed pack is refused with the file named.

Joins: each clip gets a short fade-in and fade-out when loaded, so butting clips
(or a clip against silence) never jumps from a non-zero sample — the click of a
hard cut (anchors-queue.md "pre-generate the call audio").
"""
from __future__ import annotations

import io
import os
import sys
import tomllib
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

from hall_server.agents.errors import VoicePackError

REPO_MANIFEST = Path(__file__).resolve().parents[2] / "assets" / "voice" / "manifest.toml"
FADE_MS = 5
SAMPLE_WIDTH = 2


def default_pack_dir() -> Path:
    """Where the generated default pack lives: ``$HALLTERM_VOICE_PACK``, else
    ``${XDG_DATA_HOME:-~/.local/share}/hallterm/voice/default`` (outside the repo,
    shared by every checkout and by agents on other PCs)."""
    if os.environ.get("HALLTERM_VOICE_PACK"):
        return Path(os.environ["HALLTERM_VOICE_PACK"])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "hallterm" / "voice" / "default"


def read_manifest(path: Path = REPO_MANIFEST) -> dict:
    """The manifest: ``{"version", "sample_rate", "words": {word: {"file", ...}}}``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise VoicePackError(f"语音包清单无法读取：{path}（{exc}）", f"cannot read the voice manifest {path}: {exc}") from exc
    words = data.get("words")
    if not isinstance(words, dict) or not all(isinstance(v, dict) and v.get("file") for v in words.values()):
        raise VoicePackError(f"语音包清单格式不对：{path}（[words] 每项须有 file）",
                             f"bad voice manifest {path}: every [words] entry needs a file")
    return data


@dataclass(frozen=True)
class PcmFormat:
    """Sample rate and channels of 16-bit PCM."""

    rate: int
    channels: int

    def frames(self, ms: float) -> int:
        return int(round(self.rate * ms / 1000))

    def silence(self, ms: float) -> bytes:
        return bytes(self.frames(ms) * self.channels * SAMPLE_WIDTH)

    def seconds(self, pcm: bytes) -> float:
        return len(pcm) / (self.rate * self.channels * SAMPLE_WIDTH)


def read_wav(path: Path) -> tuple[PcmFormat, array]:
    """16-bit PCM samples of a WAV file (VoicePackError for anything else)."""
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getsampwidth() != SAMPLE_WIDTH or wav.getcomptype() != "NONE":
                raise VoicePackError(f"{path.name} 不是 16 位 PCM", f"{path.name} is not 16-bit PCM")
            fmt = PcmFormat(wav.getframerate(), wav.getnchannels())
            samples = array("h", wav.readframes(wav.getnframes()))
    except (OSError, EOFError, wave.Error) as exc:
        raise VoicePackError(f"无法读取 {path}（{exc}）", f"cannot read {path}: {exc}") from exc
    if sys.byteorder == "big":   # WAV is little-endian; arrays are native
        samples.byteswap()
    return fmt, samples


def le_bytes(samples: array) -> bytes:
    """Little-endian bytes of native samples (what WAV data holds)."""
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    return samples.tobytes()


def wav_bytes(fmt: PcmFormat, pcm: bytes) -> bytes:
    """A complete WAV file holding ``pcm``."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(fmt.channels)
        wav.setsampwidth(SAMPLE_WIDTH)
        wav.setframerate(fmt.rate)
        wav.writeframes(pcm)
    return out.getvalue()


def faded(samples: array, fmt: PcmFormat, ms: float = FADE_MS) -> array:
    """A copy with linear fades of ``ms`` at both ends (per frame, all channels)."""
    out = array("h", samples)
    frames = len(out) // fmt.channels
    n = min(fmt.frames(ms), frames // 2)
    for i in range(n):
        gain = i / n
        for c in range(fmt.channels):
            out[i * fmt.channels + c] = int(out[i * fmt.channels + c] * gain)
            j = (frames - 1 - i) * fmt.channels + c
            out[j] = int(out[j] * gain)
    return out


class VoicePack:
    """The clips of one pack, loaded and faded, ready to join."""

    def __init__(self, fmt: PcmFormat, clips: dict[str, bytes], directory: Path, missing: list[str]):
        self.format, self.clips, self.directory, self.missing = fmt, clips, directory, missing

    @classmethod
    def load(cls, directory: Path | str | None = None) -> "VoicePack":
        """Load a pack directory (default :func:`default_pack_dir`)."""
        directory = Path(directory) if directory else default_pack_dir()
        if not directory.is_dir():
            raise VoicePackError(f"语音包目录不存在：{directory}（先运行 python -m hall_server.agents.voice build-default-pack）",
                                 f"no voice pack at {directory} (run python -m hall_server.agents.voice build-default-pack)")
        own = directory / "manifest.toml"
        manifest = read_manifest(own if own.exists() else REPO_MANIFEST)
        fmt, clips, missing = None, {}, []
        for word, entry in manifest["words"].items():
            path = directory / entry["file"]
            if not path.exists():
                missing.append(word)
                continue
            clip_fmt, samples = read_wav(path)
            if fmt is not None and clip_fmt != fmt:
                raise VoicePackError(f"{path.name} 的格式（{clip_fmt.rate} Hz，{clip_fmt.channels} 声道）与其他文件"
                                     f"（{fmt.rate} Hz，{fmt.channels} 声道）不同，请统一转换",
                                     f"{path.name} is {clip_fmt.rate} Hz/{clip_fmt.channels} ch, the others "
                                     f"{fmt.rate} Hz/{fmt.channels} ch; convert them to one format")
            fmt = clip_fmt
            clips[word] = le_bytes(faded(samples, clip_fmt))
        if fmt is None:
            raise VoicePackError(f"语音包目录里没有清单中的任何文件：{directory}", f"no clip of the manifest in {directory}")
        return cls(fmt, clips, directory, missing)

    @property
    def words(self) -> frozenset[str]:
        return frozenset(self.clips)

    def require(self, words) -> None:
        """VoicePackError naming every word of ``words`` the pack lacks."""
        lacking = sorted(set(words) - set(self.clips))
        if lacking:
            raise VoicePackError(f"语音包缺少：{'、'.join(lacking)}（{self.directory}）",
                                 f"the voice pack lacks {', '.join(lacking)} ({self.directory})")

    def join(self, pieces: list[bytes], gap_ms: float) -> bytes:
        """PCM pieces with ``gap_ms`` of silence between them."""
        return self.format.silence(gap_ms).join(pieces)

    def say(self, words: list[str], gap_ms: float) -> bytes:
        """The PCM of ``words`` spoken in order."""
        self.require(words)
        return self.join([self.clips[w] for w in words], gap_ms)
