"""Tickets issued per second over HTTP, beside a bare FastAPI+SQLite ceiling.

    .venv/bin/python bench/bench_issue.py [--seconds 8] [--clients 1 8 32] [--rounds 3]

Starts the real hall server (``python -m hall_server serve``) on a benchmark hall
and the ceiling app (bench/ceiling_app.py), both single uvicorn processes, then
drives each with wrk (Debian package ``wrk``) posting tickets with unique
request_ids, in rounds that alternate the two. Reports the median over the rounds
of tickets/s, p50 and p99 latency, and the ratio to the ceiling.
Targets (issue 2): ≥ 1,500 tickets/s at 32 clients, ≥ 40 % of the ceiling, p99 < 50 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited with {proc.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise TimeoutError(url)


def start_hall(tmp: Path) -> tuple[subprocess.Popen, str, str]:
    data = tmp / "hall"
    config = ["--config", str(HERE / "bench_hall.toml"), "--data-dir", str(data)]
    out = subprocess.run([sys.executable, "-m", "hall_server", "admin", *config, "create-device-token", "bench",
                          "--role", "kiosk"], cwd=ROOT, capture_output=True, text=True, check=True)
    token = json.loads(out.stdout.strip().splitlines()[-1])["token"]
    port = free_port()
    cfg = tmp / "bench_hall.toml"
    cfg.write_text((HERE / "bench_hall.toml").read_text(encoding="utf-8") + f"\n[server]\nport = {port}\n",
                   encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "hall_server", "serve", "--config", str(cfg), "--data-dir", str(data)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_up(base + "/api/v1/health", proc)
    return proc, base, token


def start_ceiling(tmp: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "bench.ceiling_app:app", "--port", str(port),
                             "--log-level", "warning", "--no-access-log"], cwd=ROOT,
                            env={**os.environ, "CEILING_DB": str(tmp / "ceiling.sqlite3")},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_up(base + "/docs", proc)
    return proc, base


def wrk(base: str, token: str, clients: int, seconds: int) -> dict:
    threads = min(2, clients)
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "--latency",
                          "-s", str(HERE / "post_ticket.lua"), base],
                         capture_output=True, text=True, env={**os.environ, "BENCH_TOKEN": token}, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {p: _ms(re.search(rf"\s{p}%\s+([\d.]+\w+)", out).group(1)) for p in ("50", "99")}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50_ms": lat["50"], "p99_ms": lat["99"], "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else ""}


def median_run(runs: list[dict]) -> dict:
    """Per figure, the median over the rounds (non-2xx: the total)."""
    return {"rps": statistics.median(r["rps"] for r in runs),
            "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs),
            "non_2xx": sum(r["non_2xx"] for r in runs),
            "socket_errors": "; ".join(r["socket_errors"] for r in runs if r["socket_errors"])}


def _ms(text: str) -> float:
    value, unit = float(re.match(r"[\d.]+", text).group()), re.search(r"[a-z]+$", text).group()
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--warmup", type=int, default=2, help="unmeasured seconds before each measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating hall/ceiling rounds per point; medians reported")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        hall, hall_url, token = start_hall(tmp)
        ceiling, ceiling_url = start_ceiling(tmp)
        try:
            for clients in args.clients:
                # Rounds alternate hall and ceiling, so a change in the virtual machine's
                # speed moves both sides; each measurement follows a short unmeasured
                # run at the same concurrency (connections open, no cold start).
                ours, top = [], []
                for _ in range(args.rounds):
                    wrk(hall_url, token, clients, args.warmup)
                    ours.append(wrk(hall_url, token, clients, args.seconds))
                    wrk(ceiling_url, "", clients, args.warmup)
                    top.append(wrk(ceiling_url, "", clients, args.seconds))
                hall_m, ceiling_m = median_run(ours), median_run(top)
                results.append({"clients": clients, "hall": hall_m, "ceiling": ceiling_m,
                                "ratio": round(hall_m["rps"] / ceiling_m["rps"], 3),
                                "rounds": {"hall": ours, "ceiling": top}})
        finally:
            for proc in (hall, ceiling):
                proc.terminate()
                proc.wait(10)
    print("| clients | hall tickets/s | p50 ms | p99 ms | non-2xx | ceiling req/s | ceiling p99 ms | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        h, c = r["hall"], r["ceiling"]
        print(f"| {r['clients']} | {h['rps']:.0f} | {h['p50_ms']:.2f} | {h['p99_ms']:.2f} | {h['non_2xx']} | "
              f"{c['rps']:.0f} | {c['p99_ms']:.2f} | {r['ratio']:.0%} |")
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
