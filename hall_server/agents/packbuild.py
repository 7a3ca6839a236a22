"""Generate the default voice pack offline with espeak-ng (set-up step).

Chinese words are read by espeak-ng's ``cmn-latn-pinyin`` voice from pinyin with
tone numbers: it pronounces them correctly, whereas ``-v cmn`` fed with hanzi
mispronounces several of them. Letters are read by their English names (voice
``en``), as halls call "A023" (ei líng èr sān). Each clip is trimmed of leading and
trailing silence (so joined words flow) and peak-normalised (so no word is louder
than its neighbours). The chime is synthesised here, a soft two-note ding-dong.
sox is used only when espeak-ng's sample rate differs from the manifest's.
"""
from __future__ import annotations

import json
import math
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from array import array
from pathlib import Path
from typing import Callable, Iterable

from hall_server.agents.errors import VoicePackError
from hall_server.agents.voicepack import REPO_MANIFEST, PcmFormat, le_bytes, read_manifest, read_wav, wav_bytes

PINYIN_VOICE = "cmn-latn-pinyin"
SPEED_WPM = 140            # slower than espeak's 175: a hall is noisy and echoes
PEAK = 0.8 * 32767
TRIM_THRESHOLD = 500       # about -36 dBFS: espeak's silence is exact zeros, breath is above
TRIM_MARGIN_MS = 12
STAMP = "pack.json"


def trimmed(samples: array, fmt: PcmFormat, threshold: int = TRIM_THRESHOLD, margin_ms: float = TRIM_MARGIN_MS) -> array:
    """Samples without the silence before the first and after the last loud frame."""
    loud = [i for i, v in enumerate(samples) if abs(v) >= threshold]
    if not loud:
        return array("h")
    margin = fmt.frames(margin_ms) * fmt.channels
    start = max(0, loud[0] - margin) // fmt.channels * fmt.channels
    end = min(len(samples), loud[-1] + 1 + margin)
    end -= (end - start) % fmt.channels
    return samples[start:end]


def normalised(samples: array, peak: float = PEAK) -> array:
    """Scaled so the loudest sample reaches ``peak``."""
    top = max((abs(v) for v in samples), default=0)
    if top == 0:
        return array("h", samples)
    gain = peak / top
    return array("h", (max(-32768, min(32767, int(v * gain))) for v in samples))


def chime(fmt: PcmFormat) -> array:
    """A two-note ding-dong (E5 then C5) with soft harmonics and exponential decay."""
    out = array("h")
    for freq, seconds in ((659.25, 0.45), (523.25, 0.75)):
        n = fmt.frames(seconds * 1000)
        attack = fmt.frames(6)
        for i in range(n):
            t = i / fmt.rate
            envelope = min(1.0, i / attack) * math.exp(-4.5 * t)
            tone = sum(a * math.sin(2 * math.pi * freq * k * t) for k, a in ((1, 1.0), (2, 0.35), (3, 0.12)))
            value = int(0.5 * 32767 * envelope * tone / 1.47)
            out.extend([value] * fmt.channels)
    return out


def espeak_clip(text: str, voice: str, fmt: PcmFormat, *, espeak: str = "espeak-ng", speed: int = SPEED_WPM) -> array:
    """One word spoken by espeak-ng, trimmed and normalised, in ``fmt``."""
    with tempfile.TemporaryDirectory(prefix="hallterm-voice-") as tmp:
        raw = Path(tmp) / "raw.wav"
        _run([espeak, "-v", voice, "-s", str(speed), "-w", str(raw), text])
        got, samples = read_wav(raw)
        if got != fmt:
            samples = _converted(raw, Path(tmp) / "conv.wav", fmt)
    return normalised(trimmed(samples, fmt))


def _converted(source: Path, target: Path, fmt: PcmFormat) -> array:
    if not shutil.which("sox"):
        raise VoicePackError("需要 sox 转换采样率，但没有安装", "sox is needed to convert the sample rate but is not installed")
    _run(["sox", str(source), "-r", str(fmt.rate), "-c", str(fmt.channels), "-b", "16", str(target)])
    return read_wav(target)[1]


def _run(argv: list[str]) -> None:
    try:
        subprocess.run(argv, check=True, capture_output=True, timeout=30)
    except FileNotFoundError as exc:
        raise VoicePackError(f"没有找到 {argv[0]}，请安装（Debian：apt install espeak-ng sox）",
                             f"{argv[0]} not found; install it (Debian: apt install espeak-ng sox)") from exc
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        raise VoicePackError(f"{argv[0]} 运行失败：{exc}", f"{argv[0]} failed: {exc}") from exc


def is_complete(directory: Path, manifest: dict) -> bool:
    """Whether ``directory`` already holds this manifest version's every clip."""
    try:
        stamp = json.loads((directory / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return stamp.get("version") == manifest.get("version") and all(
        (directory / entry["file"]).exists() for entry in manifest["words"].values())


def build_default_pack(directory: Path, *, words: Iterable[str] | None = None, force: bool = False,
                       espeak: str = "espeak-ng", report: Callable[[str], None] = lambda line: None) -> Path:
    """Write the default pack into ``directory``; returns it. Skips a complete pack unless ``force``.

    ``words`` limits the build to some words (tests); the stamp is written only for a full build.
    """
    manifest = read_manifest(REPO_MANIFEST)
    if words is None and not force and is_complete(directory, manifest):
        report(f"语音包已是最新 / voice pack up to date: {directory}")
        return directory
    fmt = PcmFormat(int(manifest.get("sample_rate", 22050)), 1)
    directory.mkdir(parents=True, exist_ok=True)
    chosen = manifest["words"] if words is None else {w: manifest["words"][w] for w in words}
    # espeak-ng runs are independent processes: a few at a time halves the set-up time.
    with ThreadPoolExecutor(max_workers=4) as pool:
        clips = pool.map(lambda item: (item, _clip(item[0], item[1], fmt, espeak)), chosen.items())
        for (word, entry), samples in clips:
            (directory / entry["file"]).write_bytes(wav_bytes(fmt, le_bytes(samples)))
            report(f"  {word} → {entry['file']} ({len(samples) / fmt.rate:.2f} s)")
    shutil.copyfile(REPO_MANIFEST, directory / "manifest.toml")
    if words is None:
        (directory / STAMP).write_text(json.dumps({"version": manifest.get("version"), "generator": "espeak-ng"}),
                                       encoding="utf-8")
    report(f"语音包已生成 / voice pack written: {directory}")
    return directory


def _clip(word: str, entry: dict, fmt: PcmFormat, espeak: str) -> array:
    if word == "chime":
        return chime(fmt)
    if entry.get("pinyin"):
        return espeak_clip(entry["pinyin"], PINYIN_VOICE, fmt, espeak=espeak)
    if entry.get("say"):
        return espeak_clip(entry["say"], entry.get("voice", "en"), fmt, espeak=espeak)
    raise VoicePackError(f"清单中“{word}”没有 pinyin 或 say，无法生成", f"manifest word {word!r} has no pinyin or say")
