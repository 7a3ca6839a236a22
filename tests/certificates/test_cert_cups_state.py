"""Reading CUPS printer state and job lists (pure parsing, and the queue with a scripted runner)."""
import subprocess

import pytest

from kiosk.documents.cups import CupsQueue, PrinterState, parse_job_ids, parse_lpstat_printer, reason_problem

IDLE = """printer hallterm-pdf is idle.  enabled since Sat Nov 21 21:32:40 2026
\tForm mounted:
\tContent types: any
\tAlerts: none
\tLocation: 
\tConnection: direct
"""
JAMMED = """printer office-a4 now printing office-a4-12.  enabled since Sat Nov 21 21:40:02 2026
\tPaper jam in tray 2
\tAlerts: media-jam-error toner-low-warning
"""
EMPTY_AND_STOPPED = """printer office-a4 disabled since Sat Nov 21 21:41:00 2026 -
\tMedia tray empty
\tAlerts: media-empty-error paused
"""
LOW = """printer office-a4 is idle.  enabled since Sat Nov 21 21:40:02 2026
\tAlerts: media-low-warning cups-missing-filter-warning
"""
OFFLINE = """printer office-a4 is idle.  enabled since Sat Nov 21 21:40:02 2026
\tAlerts: offline-report
"""
DISABLED = """printer office-a4 disabled since Sat Nov 21 21:41:00 2026 -
\treason unknown
\tAlerts: paused
"""


def test_an_idle_printer_without_alerts_is_ready():
    state = parse_lpstat_printer("hallterm-pdf", IDLE)
    assert (state.known, state.state, state.reasons, state.ready) == (True, "idle", (), True)


@pytest.mark.parametrize("text, code, zh", [
    (JAMMED, "paper_jam", "打印机卡纸"),
    (EMPTY_AND_STOPPED, "paper_out", "打印机缺纸"),
    (OFFLINE, "offline", "打印机未连接或已关机"),
    (DISABLED, "paused", "打印机已暂停使用"),
])
def test_blocking_reasons_name_the_problem_in_chinese_first(text, code, zh):
    state = parse_lpstat_printer("office-a4", text)
    assert not state.ready and state.problem[:2] == (code, zh) and state.problem[2]


def test_warnings_do_not_stop_printing():
    state = parse_lpstat_printer("office-a4", LOW)
    assert state.ready and state.reasons == ("media-low-warning", "cups-missing-filter-warning")


def test_another_printers_lines_do_not_count():
    assert parse_lpstat_printer("other", JAMMED).state == "unknown"


@pytest.mark.parametrize("reason, code", [
    ("media-needed-error", "paper_out"), ("door-open-error", "cover_open"), ("cover-open", "cover_open"),
    ("marker-supply-empty-error", "toner_out"), ("input-tray-missing-error", "tray_missing"),
    ("fuser-over-temp-error", "printer_error"), ("shutdown", "offline"),
])
def test_reason_keywords_map_to_problems(reason, code):
    assert reason_problem(reason)[0] == code


@pytest.mark.parametrize("reason", ["toner-low-warning", "media-low-report", "other-report", "none-report"])
def test_warnings_and_reports_are_not_problems(reason):
    assert reason_problem(reason) is None


def test_a_missing_printer_is_a_problem_a_stopped_one_too():
    assert PrinterState("x", True, "missing").problem[0] == "printer_missing"
    assert PrinterState("x", True, "stopped").problem[0] == "paused"
    assert PrinterState("x").ready               # unknown (no CUPS): Qt decides


def test_job_ids_are_read_for_this_printer_only():
    text = ("hallterm-pdf-7   root  1024  Sat Nov 21 21:32:41 2026\n"
            "hallterm-pdf-12  root  2048  Sat Nov 21 21:35:00 2026\n"
            "hallterm-pdf-jam-3  root  1024  Sat Nov 21 21:35:00 2026\n")
    assert parse_job_ids("hallterm-pdf", text) == {7, 12}
    assert parse_job_ids("hallterm-pdf-jam", text) == {3}


class Script:
    """A runner that answers each tool call from a table and records it."""

    def __init__(self, answers):
        self.answers, self.calls = answers, []

    def __call__(self, args):
        self.calls.append(args)
        out, code, err = self.answers.get(args[0], ("", 0, ""))
        if isinstance(out, Exception):
            raise out
        return subprocess.CompletedProcess(args, code, out, err)


def test_the_queue_reports_missing_printers_and_tool_failures():
    missing = CupsQueue("nope", run=Script({"lpstat": ("", 1, 'lpstat: Invalid destination name in list "nope".')}))
    assert missing.state().problem[0] == "printer_missing"
    broken = CupsQueue("x", run=Script({"lpstat": (subprocess.TimeoutExpired("lpstat", 10), 0, "")}))
    assert broken.state() == PrinterState("x") and broken.job_ids() == set()


def test_the_queue_asks_lpstat_in_the_expected_form_and_cancels_by_job():
    script = Script({"lpstat": ("office-a4-5 root 1 now\n", 0, ""), "cancel": ("", 0, "")})
    queue = CupsQueue("office-a4", run=script)
    assert queue.job_ids("all") == {5} and queue.cancel(5)
    assert script.calls == [["lpstat", "-W", "all", "-o", "office-a4"], ["cancel", "-x", "office-a4-5"]]  # purged: cannot come back
