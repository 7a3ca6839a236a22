"""A busy day at a big hall, compressed: 8,000 tickets, 60 windows, 10 queues.

    .venv/bin/python bench/bench_busy_day.py [--tickets 8000] [--windows 60] [--seconds 600] [--seed 8]

Starts the real hall server (``python -m hall_server serve``, one uvicorn process) on a
generated hall file (60 windows, each serving 1 to 3 of 10 categories, weighted to
demand; no quotas, no hours) and plays one office day (08:30–17:30) in ``--seconds``
of wall time:

- arrivals peak mid-morning (10:00) and mid-afternoon (15:00) over a low base rate,
  spread over 8 kiosk threads, each ticket a ``POST /tickets`` with a request_id;
- each window is one clerk thread: call-next, start, and after a lognormal service
  time (median 3.5 min) finish; an empty queue is tried again 20 simulated seconds on;
- two displays follow the event stream all day (as the hall screens do).

The server's clock is the real one; only the load is compressed (the schedule sets
when each request is sent, never how long the server may take). Reported: latency
p50/p99 per request kind over the day and in the busiest ten minutes, how far
the clients fell behind the schedule, the server's memory (VmRSS from
/proc/<pid>/status, sampled every second), the streams' lag, and a baseline measured
in the same run against the same server before the day: GET /health and the same
request mix (issue, call, start, finish) from one client.
"""
from __future__ import annotations

import argparse
import json
import itertools
import math
import multiprocessing
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAY_START, DAY_END = 8.5 * 3600, 17.5 * 3600          # simulated seconds after midnight
ISSUE_END = 17.0 * 3600                              # the kiosks stop taking numbers at 17:00
CATEGORIES = [("A", 0.20), ("B", 0.14), ("C", 0.12), ("D", 0.10), ("E", 0.10),
              ("F", 0.08), ("G", 0.08), ("H", 0.07), ("J", 0.06), ("K", 0.05)]
KIOSKS = 8


# -- the hall ---------------------------------------------------------------------

def hall_file(path: Path, windows: int, port: int, rng: random.Random) -> Path:
    """A hall of ``windows`` windows over 10 queues; window i's first category follows
    demand, then one or two others."""
    codes = [c for c, _ in CATEGORIES]
    weights = [w for _, w in CATEGORIES]
    lines = ['[hall]', 'name = "基准测试大厅（繁忙日）"', "", "[server]", f"port = {port}", "",
             "[[zones]]", 'code = "Z"', 'name = "综合受理区"', ""]
    for code, _ in CATEGORIES:
        lines += ["[[categories]]", f'code = "{code}"', f'prefix = "{code}"', f'name = "{code} 类业务"', 'zone = "Z"',
                  "padding = 4", "", "[[services]]", f'code = "S-{code}"', f'name = "{code} 类事项"',
                  f'category = "{code}"', ""]
    for n in range(1, windows + 1):
        first = codes[_pick(weights, (n - 0.5) / windows)]
        others = rng.sample([c for c in codes if c != first], rng.randint(0, 2))
        cats = ", ".join(f'"{c}"' for c in [first, *others])
        lines += ["[[windows]]", f'id = "w{n:02d}"', f"number = {n}", f'name = "{n}号窗口"', 'zone = "Z"',
                  f"categories = [{cats}]", ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _pick(weights: list[float], quantile: float) -> int:
    total = 0.0
    for index, weight in enumerate(weights):
        total += weight
        if quantile <= total:
            return index
    return len(weights) - 1


def prepare(data: Path, config: Path, windows: int) -> dict:
    """Device tokens made in the data dir before start (what ``admin create-device-token`` does)."""
    from hall_server import auth
    from hall_server.app import Settings, build_hall

    hall = build_hall(Settings(config_path=config, data_dir=data))
    with hall.store.transaction(hall.now()) as tx:
        tokens = {f"kiosk{k}": auth.create_device_token(tx, f"kiosk{k}", "kiosk") for k in range(KIOSKS)}
        tokens |= {f"w{n:02d}": auth.create_device_token(tx, f"counter-w{n:02d}", "counter", f"w{n:02d}")
                   for n in range(1, windows + 1)}
        tokens |= {f"display{d}": auth.create_device_token(tx, f"display{d}", "display") for d in range(2)}
    hall.store.close()
    return tokens


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(config: Path, data: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "hall_server", "serve", "--config", str(config), "--data-dir", str(data)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise TimeoutError("the hall server did not start")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS")) / 1024


# -- the day ----------------------------------------------------------------------

def arrivals(count: int, rng: random.Random) -> list[tuple[float, str]]:
    """(simulated second, category) of each ticket: 15 % spread evenly, 50 % around
    10:00, 35 % around 15:00 (σ 55 min), all between 08:30 and 17:00."""
    out = []
    codes, weights = [c for c, _ in CATEGORIES], [w for _, w in CATEGORIES]
    while len(out) < count:
        mode = rng.random()
        if mode < 0.15:
            t = rng.uniform(DAY_START, ISSUE_END)
        else:
            t = rng.gauss(10 * 3600 if mode < 0.65 else 15 * 3600, 55 * 60)
        if DAY_START <= t < ISSUE_END:
            out.append((t, rng.choices(codes, weights)[0]))
    return sorted(out)


class Day:
    """One process's share of the compressed day: the schedule and what it measured."""

    def __init__(self, base: str, speedup: float, t0: float):
        self.base, self.speedup, self.t0 = base, speedup, t0   # t0: time.monotonic(), system-wide on Linux
        self.timings: dict[str, list[tuple[float, float]]] = defaultdict(list)   # kind → (sim time, ms)
        self.behind: list[float] = []            # seconds late against the schedule, per request
        self.errors: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()

    def sim_now(self) -> float:
        return DAY_START + (time.monotonic() - self.t0) * self.speedup

    def wait_until(self, sim_t: float) -> None:
        delay = (sim_t - DAY_START) / self.speedup - (time.monotonic() - self.t0)
        if delay > 0:
            time.sleep(delay)
        else:
            with self.lock:
                self.behind.append(-delay)

    def timed(self, session: requests.Session, kind: str, path: str, body: dict) -> requests.Response:
        """POST and time it. A dropped connection is retried with the same body (the
        same request_id), as kiosk/hall_client.py does: uvicorn closes a keep-alive
        connection idle for 5 s, and a request sent at that instant meets a reset."""
        sim_t = self.sim_now()
        started = time.perf_counter()
        for attempt in range(4):
            try:
                r = session.post(self.base + path, json=body, timeout=30)
                break
            except requests.ConnectionError:
                if attempt == 3:
                    raise
                with self.lock:
                    self.errors["connection reset, retried"] += 1
        ms = (time.perf_counter() - started) * 1000
        with self.lock:
            self.timings[kind if r.status_code != 404 else kind + " (empty)"].append((sim_t, ms))
            if r.status_code >= 400 and r.status_code != 404:
                self.errors[f"{kind} {r.status_code}"] += 1
        return r

    def result(self) -> dict:
        return {"timings": dict(self.timings), "behind": self.behind, "errors": dict(self.errors)}


def kiosk(day: Day, token: str, schedule: list[tuple[float, str]], index: int) -> None:
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    for n, (t, category) in enumerate(schedule):
        day.wait_until(t)
        day.timed(s, "issue", "/api/v1/tickets", {"category_code": category, "request_id": f"k{index}-{n}"})


def window(day: Day, token: str, window_id: str, rng: random.Random, kiosks_done, idle_s: float) -> None:
    """One clerk: call, serve for a lognormal time, finish; when nobody waits, look
    again ``idle_s`` simulated seconds later; go home when the kiosks have closed and
    the hall is empty."""
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    next_t = DAY_START + rng.uniform(0, 300)
    path = f"/api/v1/windows/{window_id}"
    for turn in itertools.count():
        day.wait_until(next_t)
        called = day.timed(s, "call-next", path + "/call-next", {"request_id": f"{window_id}-{turn}-call"})
        if called.status_code != 200:
            if kiosks_done.is_set() and hall_is_empty(s, day.base):
                return
            next_t = day.sim_now() + idle_s
            continue
        day.timed(s, "start", path + "/start", {"request_id": f"{window_id}-{turn}-start"})
        day.wait_until(day.sim_now() + rng.lognormvariate(math.log(210), 0.5))   # median 3.5 min
        day.timed(s, "finish", path + "/finish", {"request_id": f"{window_id}-{turn}-finish"})
        next_t = day.sim_now() + rng.uniform(5, 20)                              # the next resident walks up


def hall_is_empty(session: requests.Session, base: str) -> bool:
    snapshot = session.get(base + "/api/v1/queue", timeout=30).json()
    return sum(c["waiting"] for c in snapshot["categories"]) == 0


def kiosk_group(base: str, speedup: float, t0: float, tokens: list[str], schedule: list, kiosks_done) -> dict:
    """A process holding the kiosks (its own interpreter: client threads of one
    process would share one GIL and time each other, not the server)."""
    day = Day(base, speedup, t0)
    threads = [threading.Thread(target=kiosk, args=(day, token, schedule[k::len(tokens)], k))
               for k, token in enumerate(tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kiosks_done.set()
    return day.result()


def window_group(base: str, speedup: float, t0: float, windows: list[tuple[str, str]], kiosks_done, idle_s: float) -> dict:
    """A process holding some of the windows."""
    day = Day(base, speedup, t0)
    threads = [threading.Thread(target=window, args=(day, token, wid, random.Random(wid), kiosks_done, idle_s))
               for wid, token in windows]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return day.result()


def follow(base: str, token: str, stop: threading.Event, seen: list[int]) -> None:
    """A hall display: the event stream from seq 0, resumed on any break."""
    while not stop.is_set():
        headers = {"Authorization": f"Bearer {token}"}
        if seen:
            headers["Last-Event-ID"] = str(seen[-1])
        try:
            with requests.get(base + "/api/v1/events", params={"since": 0}, headers=headers, stream=True,
                              timeout=(5, 5)) as r:
                for line in r.iter_lines(decode_unicode=True):
                    if line.startswith("id: "):
                        seen.append(int(line[4:]))
                    if stop.is_set():
                        return
        except requests.RequestException:
            time.sleep(0.2)


def sample_server(pid: int, base: str, token: str, stop: threading.Event, samples: list, t0: float) -> None:
    """Every second: the server's RSS and how many are waiting in the hall."""
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {token}"
    while not stop.wait(1.0):
        try:
            waiting = sum(c["waiting"] for c in s.get(base + "/api/v1/queue", timeout=10).json()["categories"])
        except requests.RequestException:
            waiting = None
        samples.append((time.monotonic() - t0, rss_mb(pid), waiting))


# -- baseline ---------------------------------------------------------------------

def baseline(base: str, tokens: dict, rounds: int = 200) -> dict[str, list[float]]:
    """One client, nothing else running: GET /health, then issue → call → start → finish."""
    out: dict[str, list[float]] = defaultdict(list)
    health = requests.Session()
    for _ in range(rounds):
        started = time.perf_counter()
        health.get(base + "/api/v1/health", timeout=10).raise_for_status()
        out["health"].append((time.perf_counter() - started) * 1000)
    kiosk_s, window_s = requests.Session(), requests.Session()
    kiosk_s.headers["Authorization"] = f"Bearer {tokens['kiosk0']}"
    window_s.headers["Authorization"] = f"Bearer {tokens['w01']}"
    category = requests.get(base + "/api/v1/hall", headers=window_s.headers, timeout=10).json()
    category = next(w for w in category["windows"] if w["id"] == "w01")["categories"][0]
    for n in range(rounds):
        for kind, session, path, body in (("issue", kiosk_s, "/api/v1/tickets", {"category_code": category,
                                                                                    "request_id": f"base-{n}"}),
                                          ("call-next", window_s, "/api/v1/windows/w01/call-next", {}),
                                          ("start", window_s, "/api/v1/windows/w01/start", {}),
                                          ("finish", window_s, "/api/v1/windows/w01/finish", {})):
            started = time.perf_counter()
            r = session.post(base + path, json=body, timeout=10)
            out[kind].append((time.perf_counter() - started) * 1000)
            r.raise_for_status()
    return out


# -- report -----------------------------------------------------------------------

def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")


def busiest_window(timings: dict, width: float = 600) -> tuple[float, float]:
    """The simulated ten minutes with the most issue requests."""
    times = sorted(t for t, _ in timings["issue"])
    best, start, j = 0, DAY_START, 0
    for i, t in enumerate(times):
        while times[j] < t - width:
            j += 1
        if i - j + 1 > best:
            best, start = i - j + 1, t - width
    return start, start + width


def clock(sim_t: float) -> str:
    return f"{int(sim_t // 3600):02d}:{int(sim_t % 3600 // 60):02d}"


def report(day: Day, base_ms: dict, memory: list, streams: list[list[int]], last_seq: int, wall: float) -> dict:
    lo, hi = busiest_window(day.timings)
    rows = []
    for kind in ("issue", "call-next", "start", "finish", "call-next (empty)"):
        all_ms = [ms for _, ms in day.timings.get(kind, [])]
        peak_ms = [ms for t, ms in day.timings.get(kind, []) if lo <= t < hi]
        b = base_ms.get(kind.split(" ")[0] if kind != "call-next (empty)" else "", [])
        rows.append({"kind": kind, "count": len(all_ms), "p50": pct(all_ms, 50), "p99": pct(all_ms, 99),
                     "peak_count": len(peak_ms), "peak_p50": pct(peak_ms, 50), "peak_p99": pct(peak_ms, 99),
                     "base_p50": pct(b, 50) if b else None, "base_p99": pct(b, 99) if b else None})
    issued = len(day.timings.get("issue", [])) - sum(n for k, n in day.errors.items() if k.startswith("issue"))
    served = len(day.timings.get("finish", [])) - sum(n for k, n in day.errors.items() if k.startswith("finish"))
    return {"wall_seconds": round(wall, 1), "speedup": round(day.speedup), "issued": issued, "served": served,
            "errors": dict(day.errors), "busiest": f"{clock(lo)}–{clock(hi)}",
            "behind_p50_s": pct(day.behind, 50) if day.behind else 0.0,
            "behind_p99_s": pct(day.behind, 99) if day.behind else 0.0,
            "health_p50": pct(base_ms["health"], 50), "health_p99": pct(base_ms["health"], 99),
            "rss_start_mb": memory[0][1] if memory else None, "rss_max_mb": max(m[1] for m in memory) if memory else None,
            "rss_end_mb": memory[-1][1] if memory else None,
            "max_waiting": max((m[2] or 0) for m in memory) if memory else None,
            "requests_per_s": round(sum(len(v) for v in day.timings.values()) / wall, 1),
            "streams_complete": [s[-1] == last_seq and len(s) == len(set(s)) for s in streams], "last_seq": last_seq,
            "rows": rows}


def print_report(r: dict) -> None:
    print(f"\n{r['issued']} tickets issued, {r['served']} served in {r['wall_seconds']} s "
          f"(×{r['speedup']}); busiest ten minutes {r['busiest']}; errors {r['errors'] or 'none'}")
    print(f"clients behind schedule: p50 {r['behind_p50_s']:.3f} s, p99 {r['behind_p99_s']:.3f} s; "
          f"{r['requests_per_s']} requests/s on average; at most {r['max_waiting']} residents waiting")
    print(f"baseline GET /health (1 client): p50 {r['health_p50']:.2f} ms, p99 {r['health_p99']:.2f} ms")
    print(f"server RSS: {r['rss_start_mb']:.0f} MB at start, {r['rss_max_mb']:.0f} MB max, {r['rss_end_mb']:.0f} MB at end")
    print(f"event streams complete and gapless to seq {r['last_seq']}: {r['streams_complete']}\n")
    print("| request | count | p50 ms | p99 ms | busiest 10 min p50 / p99 ms | 1 client p50 / p99 ms | p50 ratio |")
    print("|---|---|---|---|---|---|---|")
    for row in r["rows"]:
        base = f"{row['base_p50']:.2f} / {row['base_p99']:.2f}" if row["base_p50"] else "–"
        ratio = f"{row['p50'] / row['base_p50']:.1f}×" if row["base_p50"] else "–"
        print(f"| {row['kind']} | {row['count']} | {row['p50']:.2f} | {row['p99']:.2f} | "
              f"{row['peak_p50']:.2f} / {row['peak_p99']:.2f} | {base} | {ratio} |")


def run(args) -> dict:
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        port = free_port()
        config = hall_file(tmp / "busy-hall.toml", args.windows, port, rng)
        tokens = prepare(tmp / "data", config, args.windows)
        server = start_server(config, tmp / "data", port)
        base = f"http://127.0.0.1:{port}"
        try:
            base_ms = baseline(base, tokens)
            return play(base, tokens, server.pid, args, rng, base_ms)
        finally:
            server.terminate()
            server.wait(15)


def play(base: str, tokens: dict, pid: int, args, rng: random.Random, base_ms: dict) -> dict:
    schedule = arrivals(args.tickets, rng)
    speedup = (DAY_END - DAY_START) / args.seconds
    ctx = multiprocessing.get_context("fork")
    kiosks_done = ctx.Manager().Event()
    window_ids = [(f"w{n:02d}", tokens[f"w{n:02d}"]) for n in range(1, args.windows + 1)]
    groups = [window_ids[g::args.window_processes] for g in range(args.window_processes)]
    with ctx.Pool(1 + len(groups)) as pool:
        t0 = time.monotonic() + 2.0                     # every process starts the day at the same instant
        stop, memory, streams = threading.Event(), [], [[], []]
        helpers = [threading.Thread(target=sample_server, args=(pid, base, tokens["display1"], stop, memory, t0),
                                    daemon=True)]
        helpers += [threading.Thread(target=follow, args=(base, tokens[f"display{d}"], stop, streams[d]), daemon=True)
                    for d in range(2)]
        jobs = [pool.apply_async(kiosk_group, (base, speedup, t0, [tokens[f"kiosk{k}"] for k in range(KIOSKS)],
                                               schedule, kiosks_done))]
        jobs += [pool.apply_async(window_group, (base, speedup, t0, group, kiosks_done, args.idle_seconds))
                 for group in groups]
        for t in helpers:
            t.start()
        parts = [job.get() for job in jobs]
    wall = time.monotonic() - t0
    day = Day(base, speedup, t0)
    for part in parts:
        for kind, values in part["timings"].items():
            day.timings[kind].extend(values)
        day.behind.extend(part["behind"])
        for key, n in part["errors"].items():
            day.errors[key] += n
    display = {"Authorization": f"Bearer {tokens['display0']}"}
    last_seq = requests.get(base + "/api/v1/queue", headers=display, timeout=10).json()["seq"]
    deadline = time.monotonic() + 15
    while any(not s or s[-1] < last_seq for s in streams) and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    return report(day, base_ms, memory, streams, last_seq, wall)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tickets", type=int, default=8000)
    parser.add_argument("--windows", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=600, help="wall seconds for the 08:30–17:30 day")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--idle-seconds", type=float, default=60,
                        help="simulated seconds an idle clerk waits before calling again")
    parser.add_argument("--window-processes", type=int, default=2, help="client processes holding the windows")
    parser.add_argument("--json", action="store_true", help="also print the result as JSON")
    args = parser.parse_args()
    result = run(args)
    print_report(result)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
