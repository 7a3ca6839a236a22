"""The demo hall's A4 printer: a CUPS queue on the cups-pdf virtual printer.

``./hallterm.sh demo`` (hall_server/demo_hall.py) calls :func:`setup_demo_printer`
before it starts the kiosk; the demo kiosk (kiosk/demo.py) then uses the queue, and
so shows 证明打印, only when :func:`queue_exists` finds it. Best effort and
idempotent: cupsd is started only when it is installed, not running and we are
root; the queue is added only when it is missing, and no other queue (nor the
default destination) is touched. When something is missing the caller gets None
and one line, in Chinese and English, saying why; the demo runs without 证明打印.

cups-pdf writes each printed certificate as a PDF into its ``Out`` folder for the
job's user (/etc/cups/cups-pdf.conf; ``~/PDF`` on Debian): :func:`cups_pdf_output_dir`.
"""
from __future__ import annotations

import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kiosk.documents.cups import CupsQueue

DEMO_QUEUE = "hallterm-demo-a4"
CUPS_PDF_CONF = Path("/etc/cups/cups-pdf.conf")
_TOOLS = ("lpstat", "lpadmin", "lpinfo")


class _Unavailable(Exception):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass
class DemoPrinter:
    """The demo's A4 queue, where its PDFs land, and the cupsd we started (if any)."""

    queue: str
    output_dir: Path
    created: bool = False                              # added by this call (False: it was there)
    cupsd: subprocess.Popen | None = None              # started by this call, stopped by stop()

    def stop(self) -> None:
        """Stop the scheduler this call started (leave the machine as it was); the queue stays."""
        if self.cupsd is not None and self.cupsd.poll() is None:
            self.cupsd.terminate()
            try:
                self.cupsd.wait(10)
            except subprocess.TimeoutExpired:
                self.cupsd.kill()
                self.cupsd.wait(5)


def setup_demo_printer(queue: str = DEMO_QUEUE, *, search_path: str | None = None,
                       say: Callable[[str], None] = print, start_timeout: float = 15.0) -> DemoPrinter | None:
    """Make sure CUPS runs and has ``queue`` on cups-pdf; None (after one line to ``say``) if it cannot.

    ``search_path`` is where the CUPS programs are looked for (default: ``$PATH`` plus
    /usr/sbin and /sbin, where Debian puts lpadmin and cupsd). Never raises.
    """
    path = search_path if search_path is not None else os.pathsep.join(
        [os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    try:
        return _setup(queue, path, start_timeout)
    except _Unavailable as why:
        say(f"[demo] 证明打印未启用：{why.zh}；示范大厅不提供证明打印，其余照常 / "
            f"证明打印 (certificates) is off: {why.en}; the demo runs without it")
    except Exception as error:   # a demo convenience must not stop the demo
        say(f"[demo] 证明打印未启用：设置 A4 打印机出错（{type(error).__name__}: {error}）；示范大厅不提供证明打印，其余照常 / "
            f"证明打印 (certificates) is off: setting up the A4 printer failed ({type(error).__name__}: {error}); "
            "the demo runs without it")
    return None


def queue_exists(queue: str) -> bool:
    """True when a running CUPS scheduler has ``queue`` (paused or not)."""
    state = CupsQueue(queue).state()
    return state.known and state.state != "missing"


def cups_pdf_output_dir(conf: Path = CUPS_PDF_CONF) -> Path:
    """cups-pdf's ``Out`` folder for jobs of this process's user."""
    out = "/var/spool/cups-pdf/${USER}"          # cups-pdf's own default
    if conf.exists():
        for line in conf.read_text(errors="replace").splitlines():
            if re.match(r"^\s*Out\s+", line):
                out = line.split(None, 1)[1].strip()
    user = pwd.getpwuid(os.getuid())
    return Path(out.replace("${HOME}", user.pw_dir).replace("${USER}", user.pw_name))


# --- the steps ---------------------------------------------------------------------------

def _setup(queue: str, path: str, start_timeout: float) -> DemoPrinter:
    tools = {name: shutil.which(name, path=path) for name in _TOOLS}
    missing = [name for name, found in tools.items() if found is None]
    if missing:
        raise _Unavailable(f"找不到 {'、'.join(missing)}（未安装 CUPS：apt-get install cups printer-driver-cups-pdf）",
                           f"{', '.join(missing)} not found (CUPS is not installed: "
                           "apt-get install cups printer-driver-cups-pdf)")
    cupsd = None if _scheduler_running(tools["lpstat"]) else _start_cupsd(tools["lpstat"], path, start_timeout)
    try:
        created = False
        if not _has_queue(tools["lpstat"], queue):
            _add_queue(tools, queue)
            created = True
            if not _has_queue(tools["lpstat"], queue):
                raise _Unavailable(f"添加打印队列 {queue} 后 CUPS 中仍没有它", f"CUPS does not list {queue} after adding it")
    except BaseException:
        DemoPrinter(queue, Path(), cupsd=cupsd).stop()
        raise
    return DemoPrinter(queue, cups_pdf_output_dir(), created, cupsd)


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=30, env={**os.environ, "LC_ALL": "C"})


def _first_line(done: subprocess.CompletedProcess[str]) -> str:
    text = (done.stderr or done.stdout or "").strip()
    return text.splitlines()[0] if text else f"exit {done.returncode}"


def _scheduler_running(lpstat: str) -> bool:
    return "is running" in _run([lpstat, "-r"]).stdout


def _start_cupsd(lpstat: str, path: str, timeout: float) -> subprocess.Popen:
    cupsd = shutil.which("cupsd", path=path)
    if cupsd is None:
        raise _Unavailable("CUPS 打印服务未运行，也找不到 cupsd（apt-get install cups）",
                           "the CUPS scheduler is not running and cupsd is not installed (apt-get install cups)")
    if os.geteuid() != 0:
        raise _Unavailable("CUPS 打印服务未运行，非 root 用户不能启动它（请先运行 sudo service cups start）",
                           "the CUPS scheduler is not running and only root may start it (run: sudo service cups start)")
    # In the foreground (-f) as our own child, so stop() ends exactly this process.
    # Its messages go to a file, not a pipe nobody reads once it runs.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen([cupsd, "-f"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=errors, start_new_session=True)
        _wait_for_scheduler(process, errors, lpstat, timeout)
    return process


def _wait_for_scheduler(process: subprocess.Popen, errors, lpstat: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not _scheduler_running(lpstat):
        if process.poll() is not None:
            errors.seek(0)
            detail = (errors.read().decode(errors="replace").strip().splitlines() or [""])[0]
            raise _Unavailable(f"CUPS 打印服务 cupsd 启动失败（退出码 {process.returncode}{'：' + detail if detail else ''}）",
                               f"cupsd did not start (exit {process.returncode}{': ' + detail if detail else ''})")
        if time.monotonic() > deadline:
            DemoPrinter("", Path(), cupsd=process).stop()
            raise _Unavailable(f"CUPS 打印服务 cupsd 在 {timeout:.0f} 秒内没有就绪",
                               f"cupsd was not ready within {timeout:.0f} s")
        time.sleep(0.2)


def _has_queue(lpstat: str, queue: str) -> bool:
    return _run([lpstat, "-p", queue]).returncode == 0


def _cups_pdf_model(lpinfo: str) -> str:
    done = _run([lpinfo, "-m"])
    models = [line.split()[0] for line in done.stdout.splitlines()
              if "CUPS-PDF" in line and line.split()[0].endswith(".ppd")]
    if not models:
        raise _Unavailable("CUPS 中没有 CUPS-PDF 驱动（apt-get install printer-driver-cups-pdf）",
                           "CUPS has no CUPS-PDF model (apt-get install printer-driver-cups-pdf)")
    return next((m for m in models if "_opt" in m), models[0])


def _add_queue(tools: dict[str, str], queue: str) -> None:
    model = _cups_pdf_model(tools["lpinfo"])
    done = _run([tools["lpadmin"], "-p", queue, "-v", "cups-pdf:/", "-m", model, "-E",
                 "-D", "hallterm 示范 A4 打印机（PDF）/ hallterm demo A4 printer (PDF)", "-L", "hallterm demo"])
    if done.returncode != 0:
        raise _Unavailable(f"不能添加打印队列 {queue}（lpadmin：{_first_line(done)}）",
                           f"could not add the print queue {queue} (lpadmin: {_first_line(done)})")
