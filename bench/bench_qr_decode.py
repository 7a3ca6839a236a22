"""QR decode frames per second at 1280×720, zxing-cpp beside pyzbar in the same run.

    .venv/bin/python bench/bench_qr_decode.py [--seconds 3] [--size 1280x720]

Single thread, grayscale uint8 frames as CameraScanner hands them to its decoder
(drivers/scanner/qr_decoders.py): a clean frame (flat background, one QR with
Chinese UTF-8 text), a noisy one (Gaussian noise σ=8, as a cheap camera gives) and an
empty one (what the camera sees most of the day). Each decode is checked for the
right text. Prints frames/s and median ms per decoder and frame, and the ratio
zxing / pyzbar. "zxing no-inv" is zxing-cpp with ``try_invert=False`` (no search
for light-on-dark codes), the cheapest useful setting for QR (``try_rotate`` makes
no difference to QR). Target (issue 3): ≥ 30 frames/s with zxing-cpp on the clean frame.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import qrcode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from drivers.scanner.qr_decoders import ZbarQrDecoder, ZxingQrDecoder  # noqa: E402

TEXT = "码上办:370100-001 社保参保"


def frames(width: int, height: int) -> dict[str, tuple[np.ndarray, str | None]]:
    qr = qrcode.QRCode(border=4, box_size=1)
    qr.add_data(TEXT)
    qr.make(fit=True)
    modules = np.kron(np.array(qr.get_matrix(), dtype=bool), np.ones((8, 8), dtype=bool))
    clean = np.full((height, width), 220, dtype=np.uint8)
    y, x = (height - modules.shape[0]) // 2, (width - modules.shape[1]) // 3
    clean[y:y + modules.shape[0], x:x + modules.shape[1]][modules] = 30
    noise = np.random.default_rng(7).normal(0, 8, clean.shape)
    noisy = np.clip(clean + noise, 0, 255).astype(np.uint8)
    empty = np.clip(np.full_like(clean, 220) + noise, 0, 255).astype(np.uint8)
    return {"clean": (clean, TEXT), "noise σ=8": (noisy, TEXT), "empty": (empty, None)}


def measure(decoder, frame: np.ndarray, expected: str | None, seconds: float) -> dict:
    decoder.decode(frame)  # warm-up
    times, correct = [], 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < 5:
        start = time.perf_counter()
        found = decoder.decode(frame)
        times.append(time.perf_counter() - start)
        correct += found == ([expected] if expected else [])
    return {"fps": len(times) / sum(times), "median_ms": statistics.median(times) * 1000,
            "correct": correct, "runs": len(times)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per decoder and frame")
    parser.add_argument("--size", default="1280x720")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    decoders = {"zxing": ZxingQrDecoder(), "zxing no-inv": ZxingQrDecoder(try_invert=False),
                "pyzbar": ZbarQrDecoder()}
    print(f"QR decode, {width}×{height} grayscale, single thread, {args.seconds:g} s each")
    print(f"{'frame':<11}{'decoder':<13}{'frames/s':>9}{'median ms':>11}{'correct':>10}")
    results: dict[tuple[str, str], dict] = {}
    for frame_name, (frame, expected) in frames(width, height).items():
        for name, decoder in decoders.items():
            r = results[frame_name, name] = measure(decoder, frame, expected, args.seconds)
            print(f"{frame_name:<11}{name:<13}{r['fps']:>9.1f}{r['median_ms']:>11.2f}{r['correct']:>6}/{r['runs']}")
    print()
    for frame_name in ("clean", "noise σ=8", "empty"):
        ratio = results[frame_name, "zxing"]["fps"] / results[frame_name, "pyzbar"]["fps"]
        print(f"ratio zxing / pyzbar, {frame_name}: {ratio:.2f}")
    clean_fps = results["clean", "zxing"]["fps"]
    verdict = "meets" if clean_fps >= 30 else "MISSES"
    print(f"zxing-cpp clean frame: {clean_fps:.1f} frames/s — {verdict} the 30 frames/s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
