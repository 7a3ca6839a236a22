"""The whole demo hall for ``./hallterm.sh demo``: the hall server on the sample hall,
then whatever else runs beside it on one machine — the agents, and the kiosk and the
counter console on emulated devices when a display exists. Each part is its own
process, as it would be on its own PC; Ctrl-C or SIGTERM stops them all.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from hall_server.agents.runner import spawn_demo_agents

ROOT = Path(__file__).resolve().parent.parent


def spawn(args: list[str], name: str) -> subprocess.Popen:
    print(f"[demo] 启动 / starting {name}", flush=True)
    return subprocess.Popen([sys.executable, *args], cwd=ROOT)


def wait_for(path: Path, server: subprocess.Popen, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return json.loads(path.read_text())
        if server.poll() is not None:
            raise SystemExit(f"[demo] 服务器未能启动 / the server did not start (exit {server.returncode})")
        time.sleep(0.2)
    raise SystemExit("[demo] 服务器启动超时 / the server took too long to start")


def companions(creds_file: Path, creds: dict, with_display: bool) -> list[tuple[list[str], str]]:
    """The processes that run beside the server, each only if its module exists."""
    parts = []
    if with_display and importlib.util.find_spec("kiosk.__main__"):
        parts.append((["-m", "kiosk", "--demo", "--credentials", str(creds_file)], "kiosk"))
    if with_display and importlib.util.find_spec("kiosk.counter.__main__"):
        parts.append((["-m", "kiosk.counter", "--demo", "--credentials", str(creds_file)], "counter console"))
    return parts


def a4_printer(parts: list[tuple[list[str], str]]):
    """The demo's A4 printer for 证明打印 (a cups-pdf queue), set up only when the kiosk
    runs; None, after one line saying why, when it cannot be."""
    if not any(name == "kiosk" for _, name in parts):
        return None
    from kiosk.documents.demo_printer import setup_demo_printer
    return setup_demo_printer()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hallterm demo")
    parser.add_argument("--port", type=int, default=8600)
    parser.add_argument("--data-dir", default=str(ROOT / ".demo-data"))
    parser.add_argument("--no-gui", action="store_true", help="server and agents only")
    args = parser.parse_args(argv)
    data_dir = Path(args.data_dir).resolve()
    creds_file = data_dir / "demo-credentials.json"
    creds_file.unlink(missing_ok=True)
    children = [spawn(["-m", "hall_server", "demo", "--port", str(args.port), "--data-dir", str(data_dir)], "hall server")]
    printer = None
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.update(now=True))
    signal.signal(signal.SIGINT, lambda *_: stop.update(now=True))
    try:
        creds = wait_for(creds_file, children[0])
        with_display = bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and not args.no_gui
        print("[demo] 启动 / starting voice and LED agents (emulated LED bus; logs in agents/)", flush=True)
        children.extend(spawn_demo_agents(creds["base_url"], creds["tokens"]["agent"], data_dir))
        parts = companions(creds_file, creds, with_display)
        printer = a4_printer(parts)          # before the kiosk: it offers 证明打印 only if the queue exists
        for cmd, name in parts:
            children.append(spawn(cmd, name))
        base = creds["base_url"]
        print(f"[demo] 大厅显示屏 / hall display: {base}/display?token={creds['tokens']['display']}")
        print(f"[demo] 管理控制台 / manager console: {base}/console  (manager / {creds['logins']['manager']['password']})")
        print(f"[demo] 接口文档 / API docs: {base}/docs", flush=True)
        if printer is not None:
            print(f"[demo] 证明打印 A4 打印机 / certificate A4 printer: CUPS {printer.queue} (cups-pdf)；"
                  f"打印出的证明是 PDF，在 / printed certificates are PDFs in: {printer.output_dir}")
            print("[demo] 证明打印：在“模拟设备”窗口放张建国的身份证 / to try 证明打印, place 张建国's card "
                  "from the 模拟设备 window", flush=True)
        while not stop["now"] and children[0].poll() is None:
            time.sleep(0.5)
    finally:
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(10)
            except subprocess.TimeoutExpired:
                child.kill()
        if printer is not None:
            printer.stop()                   # the scheduler, if the demo started it; the queue stays
    return 0


if __name__ == "__main__":
    sys.exit(main())
