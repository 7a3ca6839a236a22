"""ID card read, end to end, against the wire-time limit (target: within 1.5×).

One read = find → select → read (devices.md §1.13.1) by the production
:class:`IdCardReader` through a real pyserial port on a pty, the emulator pacing its
output at the line speed (PtyHost(baudrate=...)). The baseline measured in the same
run is what physics allows: bytes on the wire in both directions × 10 bits / baud,
plus the emulator's configured card (RF) delay. The ratio is median read time over
that limit.

    .venv/bin/python bench/bench_idcard_read.py [--rounds 15] [--card-delay 0.3] [--baudrate 115200]
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

from drivers.emulation import PtyHost
from drivers.idcard.driver import IdCardReader
from drivers.idcard.emulator import IdCardEmulator

TARGET_RATIO = 1.5


class CountingEmulator(IdCardEmulator):
    """The emulator, counting the bytes it answers with."""

    sent = 0

    def receive(self, data: bytes):
        replies = super().receive(data)
        self.sent += sum(len(frame) for _, frame in replies)
        return replies


def measure(rounds: int, card_delay: float, baudrate: int, with_fingerprint: bool) -> dict:
    emulator = CountingEmulator(card_delay=card_delay)
    with PtyHost(emulator, baudrate=baudrate) as host:
        reader = IdCardReader(host.path, polling=False, baudrate=baudrate, with_fingerprint=with_fingerprint).start()
        try:
            if not reader.wait_connected(5):
                raise SystemExit(f"reader did not connect: {reader.status}")
            times, wire_bytes = [], []
            for _ in range(rounds):
                emulator.place_card(fingerprint=bytes(1024) if with_fingerprint else None)
                host_before, dev_before = len(host.received), emulator.sent
                start = time.perf_counter()
                reader.read_once(timeout=5)
                times.append(time.perf_counter() - start)
                wire_bytes.append(len(host.received) - host_before + emulator.sent - dev_before)
        finally:
            reader.stop()
    return summarise(times, wire_bytes, card_delay, baudrate, with_fingerprint)


def summarise(times: list[float], wire_bytes: list[int], card_delay: float, baudrate: int,
              with_fingerprint: bool) -> dict:
    limit = wire_bytes[0] * 10 / baudrate + card_delay
    median = statistics.median(times)
    return {
        "bench": "idcard_read", "baudrate": baudrate, "card_delay_s": card_delay,
        "fingerprint": with_fingerprint, "rounds": len(times), "wire_bytes": wire_bytes[0],
        "limit_s": round(limit, 4), "median_s": round(median, 4), "max_s": round(max(times), 4),
        "ratio": round(median / limit, 3), "target": TARGET_RATIO, "pass": median / limit <= TARGET_RATIO,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--card-delay", type=float, default=0.3)
    parser.add_argument("--baudrate", type=int, default=115200)
    parser.add_argument("--fingerprint", action="store_true", help="read with 1024 fingerprint bytes (30 10)")
    args = parser.parse_args()
    result = measure(args.rounds, args.card_delay, args.baudrate, args.fingerprint)
    print(json.dumps(result))
    print(f"| idcard read @{result['baudrate']} | {result['wire_bytes']} B, delay {result['card_delay_s']} s "
          f"| limit {result['limit_s']} s | median {result['median_s']} s | ratio {result['ratio']}× "
          f"| target ≤ {TARGET_RATIO}× | {'pass' if result['pass'] else 'FAIL'} |")
    return 0 if result["pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
