"""Time from a call-next request to the ``ticket.called`` event reaching every display.

    .venv/bin/python bench/bench_fanout.py [--subscribers 200] [--calls 30]

Starts the real hall server (``python -m hall_server demo``, one uvicorn process),
opens N Server-Sent-Events subscribers to ``/api/v1/events`` (as displays do, with
``access_token``) from this one process on raw asyncio sockets, and times
``POST /windows/w01/call-next`` from the moment the request is sent to the moment
each subscriber has read the event. The same is measured with one subscriber in the
same run as the baseline. Target (issue 6): p99 under 100 ms at 200 subscribers.
The server's CPU time per call is reported too: on a busy machine the wall-clock
latency mostly measures the wait for a core, the CPU time what the fan-out costs.
Between timed calls the clerk starts and finishes the ticket (not timed).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), to see the cost apart from the machine's load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_demo(data: Path) -> tuple[subprocess.Popen, dict, int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "hall_server", "demo", "--port", str(port), "--data-dir", str(data)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    creds = data / "demo-credentials.json"
    deadline = time.monotonic() + 60
    while not creds.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the demo server did not start")
        time.sleep(0.1)
    return proc, json.loads(creds.read_text()), port


class Subscriber:
    """One display's event stream, read line by line from a raw socket."""

    def __init__(self, port: int, token: str):
        self.port, self.token = port, token
        self.arrivals: dict[int, float] = {}    # seq of a ticket.called -> perf_counter
        self.ready = asyncio.Event()

    async def run(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(f"GET /api/v1/events?access_token={self.token} HTTP/1.1\r\nHost: bench\r\n"
                     "Accept: text/event-stream\r\n\r\n".encode())
        await writer.drain()
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                self.ready.set()    # headers arrived: the server holds this stream
                # data: {"seq": …, "type": …}; the id/event lines may come in any order
                if line.startswith(b"data: ") and b"ticket.called" in line:
                    at = time.perf_counter()
                    event = json.loads(line[6:])
                    if event.get("type") == "ticket.called":
                        self.arrivals[event["seq"]] = at
        finally:
            writer.close()


async def post(port: int, path: str, token: str, data: dict | None = None) -> tuple[float, dict]:
    """A minimal HTTP/1.1 POST (one connection per request, like a clerk's click)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps(data or {}).encode()
    sent = time.perf_counter()
    writer.write(f"POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
                 f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    await writer.drain()
    raw = await reader.read()
    writer.close()
    head, _, payload = raw.partition(b"\r\n\r\n")
    if b" 20" not in head.split(b"\r\n")[0]:
        raise RuntimeError(f"{path}: {head.splitlines()[0].decode()} {payload[:200]!r}")
    return sent, json.loads(payload or b"{}")


async def measure(port: int, creds: dict, subscribers: int, calls: int, pid: int) -> tuple[list[float], float]:
    """Latencies of every subscriber for ``calls`` calls, and the server's CPU seconds per call."""
    tokens = creds["tokens"]
    subs = [Subscriber(port, tokens["display"]) for _ in range(subscribers)]
    tasks = [asyncio.create_task(s.run()) for s in subs]
    await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in subs)), 60)
    latencies: list[float] = []
    cpu = 0.0
    try:
        for _ in range(calls):
            await post(port, "/api/v1/tickets", tokens["kiosk"], {"category_code": "Z", "channel": "kiosk"})
            before = cpu_seconds(pid)
            sent, ticket = await post(port, "/api/v1/windows/w01/call-next", tokens["counter"])
            seq = await called_seq(subs, ticket["number"], sent)
            cpu += cpu_seconds(pid) - before
            latencies += [s.arrivals[seq] - sent for s in subs]
            for action in ("start", "finish"):
                await post(port, f"/api/v1/windows/w01/{action}", tokens["counter"])
    finally:
        for task in tasks:
            task.cancel()
    return latencies, cpu / calls


async def called_seq(subs: list[Subscriber], number: str, sent: float, timeout: float = 10.0) -> int:
    """Wait until every subscriber holds the call made at ``sent``; return its seq."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        fresh = [seq for seq, at in subs[0].arrivals.items() if at >= sent]
        if fresh and all(max(fresh) in s.arrivals for s in subs):
            return max(fresh)
        await asyncio.sleep(0.001)
    raise TimeoutError(f"the call of {number} did not reach every subscriber")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(measured: tuple[list[float], float]) -> dict:
    latencies, cpu = measured
    ms = [v * 1000 for v in latencies]
    return {"n": len(ms), "p50_ms": round(percentile(ms, 50), 2), "p99_ms": round(percentile(ms, 99), 2),
            "max_ms": round(max(ms), 2), "mean_ms": round(statistics.fmean(ms), 2),
            "server_cpu_ms_per_call": round(cpu * 1000, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hallterm-fanout-") as tmp:
        proc, creds, port = start_demo(Path(tmp) / "data")
        try:
            baseline = summary(asyncio.run(measure(port, creds, 1, args.calls, proc.pid)))
            fanout = summary(asyncio.run(measure(port, creds, args.subscribers, args.calls, proc.pid)))
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()   # the demo waits for open streams on shutdown; ours are gone, but be sure
    result = {"subscribers": args.subscribers, "calls": args.calls, "baseline_1": baseline, "fanout": fanout,
              "p99_ratio": round(fanout["p99_ms"] / baseline["p99_ms"], 2), "target_p99_ms": 100,
              "met": fanout["p99_ms"] < 100, "load": os.getloadavg()[0]}
    print(f"1 subscriber:    p50 {baseline['p50_ms']:.1f} ms  p99 {baseline['p99_ms']:.1f} ms  "
          f"server CPU {baseline['server_cpu_ms_per_call']} ms/call")
    print(f"{args.subscribers} subscribers: p50 {fanout['p50_ms']:.1f} ms  p99 {fanout['p99_ms']:.1f} ms  "
          f"server CPU {fanout['server_cpu_ms_per_call']} ms/call  "
          f"(p99 {result['p99_ratio']}× baseline; target p99 < 100 ms: {'met' if result['met'] else 'NOT met'}; "
          f"load {result['load']:.1f})")
    print(json.dumps(result))
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
