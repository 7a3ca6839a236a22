"""What CUPS says about an A4 printer and our jobs on it, through its command-line tools.

``lpstat -l -p NAME`` gives the printer's state and its ``printer-state-reasons``
("Alerts:"), where drivers report ``media-empty-error``, ``media-jam-error``,
``door-open-error``… (RFC 8011 §5.4.12; suffix ``-error`` stops printing,
``-warning`` does not, ``-report`` informs). ``lpstat -W … -o NAME`` lists job ids;
``ipptool`` (when installed) tells a completed job from an aborted one; ``cancel``
removes a job that must not come out later. Tools run with ``LC_ALL=C`` (their
output is parsed) and a timeout. No tool (Windows, a machine without CUPS) means
``known=False``: the kiosk then relies on what Qt reports.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Callable

# keyword (without suffix) → (code, zh, en); where the resident is sent is the flow's business.
REASONS = {
    "media-empty": ("paper_out", "打印机缺纸", "the printer is out of paper"),
    "media-needed": ("paper_out", "打印机缺纸", "the printer is out of paper"),
    "media-jam": ("paper_jam", "打印机卡纸", "the paper is jammed"),
    "toner-empty": ("toner_out", "打印机墨粉（墨盒）已用完", "the toner or ink is used up"),
    "marker-supply-empty": ("toner_out", "打印机墨粉（墨盒）已用完", "the toner or ink is used up"),
    "door-open": ("cover_open", "打印机盖板未关好", "a printer door is open"),
    "cover-open": ("cover_open", "打印机盖板未关好", "a printer cover is open"),
    "input-tray-missing": ("tray_missing", "打印机纸盒未装好", "a paper tray is missing"),
    "offline": ("offline", "打印机未连接或已关机", "the printer is offline"),
    "shutdown": ("offline", "打印机未连接或已关机", "the printer is offline"),
    "paused": ("paused", "打印机已暂停使用", "the printer is paused"),
}
GENERIC = ("printer_error", "打印机故障", "the printer reports an error")
MISSING = ("printer_missing", "找不到证明打印机", "the certificate printer is not installed")
_HEAD = re.compile(r"^printer (\S+) (?:is (idle)|(now printing)|(disabled))")
_JOB = re.compile(r"^(\S+)-(\d+)\s")
_JOB_TEST = """{
  OPERATION Get-Job-Attributes
  GROUP operation-attributes-tag
  ATTR charset attributes-charset utf-8
  ATTR naturalLanguage attributes-natural-language en
  ATTR uri printer-uri $uri
  ATTR integer job-id $job-id
  ATTR keyword requested-attributes job-state
  DISPLAY job-state
}
"""


@dataclass(frozen=True)
class PrinterState:
    """A printer's readiness. ``known`` is False when no CUPS tools answer."""

    name: str
    known: bool = False
    state: str = "unknown"              # idle | processing | stopped | missing | unknown
    reasons: tuple[str, ...] = ()

    @property
    def problem(self) -> tuple[str, str, str] | None:
        """(code, zh, en) of the first reason that stops printing, or None."""
        if self.state == "missing":
            return MISSING
        for reason in self.reasons:
            blocking = reason_problem(reason)
            if blocking is not None:
                return blocking
        if self.state == "stopped":
            return REASONS["paused"]
        return None

    @property
    def ready(self) -> bool:
        return self.problem is None


def reason_problem(reason: str) -> tuple[str, str, str] | None:
    """The blocking problem a ``printer-state-reasons`` keyword names, or None for warnings."""
    base = re.sub(r"-(error|warning|report)$", "", reason)
    if reason.endswith("-warning") or (reason.endswith("-report") and base != "offline"):
        return None
    if base in REASONS:
        return REASONS[base]
    return GENERIC if reason.endswith("-error") else None


def parse_lpstat_printer(name: str, text: str) -> PrinterState:
    """Parse ``LC_ALL=C lpstat -l -p NAME`` output."""
    state, reasons = "unknown", ()
    for line in text.splitlines():
        head = _HEAD.match(line)
        if head and head.group(1) == name:
            state = "idle" if head.group(2) else "processing" if head.group(3) else "stopped"
        elif line.strip().startswith("Alerts:"):
            reasons = tuple(r for r in line.split(":", 1)[1].split() if r != "none")
    return PrinterState(name, state != "unknown", state, reasons)


def parse_job_ids(name: str, text: str) -> set[int]:
    """Job ids of printer ``name`` in ``lpstat -o NAME`` output (``NAME-12 root 1024 …``)."""
    ids = set()
    for line in text.splitlines():
        match = _JOB.match(line)
        if match and match.group(1) == name:
            ids.add(int(match.group(2)))
    return ids


Runner = Callable[[list[str]], "subprocess.CompletedProcess[str]"]


def run_tool(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run a CUPS tool in the C locale with a short timeout."""
    return subprocess.run(args, capture_output=True, text=True, timeout=10, env={**os.environ, "LC_ALL": "C"})


class CupsQueue:
    """One CUPS print queue, asked through ``lpstat``/``ipptool``/``cancel`` (``run`` injectable)."""

    def __init__(self, name: str, run: Runner = run_tool, server: str = "localhost"):
        self.name, self._run, self.server = name, run, server

    @staticmethod
    def available() -> bool:
        return shutil.which("lpstat") is not None

    def state(self) -> PrinterState:
        try:
            done = self._run(["lpstat", "-l", "-p", self.name])
        except (OSError, subprocess.SubprocessError):
            return PrinterState(self.name)
        if done.returncode != 0:
            missing = "invalid destination" in (done.stderr or "").lower() or "unknown" in (done.stderr or "").lower()
            return PrinterState(self.name, missing, "missing" if missing else "unknown")
        return parse_lpstat_printer(self.name, done.stdout)

    def job_ids(self, which: str = "not-completed") -> set[int]:
        """Ids of this queue's jobs: ``not-completed``, ``completed`` or ``all``."""
        try:
            done = self._run(["lpstat", "-W", which, "-o", self.name])
        except (OSError, subprocess.SubprocessError):
            return set()
        return parse_job_ids(self.name, done.stdout)

    def job_state(self, job_id: int) -> str:
        """``pending``/``processing``/``completed``/``canceled``/``aborted``…, or ``unknown``."""
        if shutil.which("ipptool") is None:
            return "unknown"
        with tempfile.NamedTemporaryFile("w", suffix=".test", delete=False) as fh:
            fh.write(_JOB_TEST)
        try:
            done = self._run(["ipptool", "-c", "-d", f"job-id={job_id}",
                              f"ipp://{self.server}/printers/{self.name}", fh.name])
        except (OSError, subprocess.SubprocessError):
            return "unknown"
        finally:
            os.unlink(fh.name)
        lines = [line.strip() for line in done.stdout.splitlines() if line.strip()]
        return lines[-1] if done.returncode == 0 and len(lines) >= 2 else "unknown"

    def cancel(self, job_id: int) -> bool:
        """Cancel and purge the job's files (``-x``). A plain cancel that lands while the
        backend is still running can be undone: the backend exits with "stop printer",
        CUPS puts the job back, and it prints when staff re-enable the printer — a
        document the resident was told had failed. Without its files it cannot."""
        try:
            return self._run(["cancel", "-x", f"{self.name}-{job_id}"]).returncode == 0
        except (OSError, subprocess.SubprocessError):
            return False
