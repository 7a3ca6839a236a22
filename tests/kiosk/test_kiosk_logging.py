"""A windowed Windows build has no stderr: logs go to a rotated file instead."""
from __future__ import annotations

import logging
import sys

from kiosk.resources import configure_logging


def test_without_stderr_logs_go_to_a_file(tmp_path, monkeypatch):
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers.clear()
    monkeypatch.setattr(sys, "stderr", None)
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path))
    try:
        path = configure_logging("kiosk")
        logging.getLogger("kiosk.test").error("打印机缺纸 / printer out of paper")
        for handler in root.handlers:
            handler.flush()
        assert path == tmp_path / "hallterm" / "kiosk.log"
        assert "printer out of paper" in path.read_text(encoding="utf-8")
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = saved
