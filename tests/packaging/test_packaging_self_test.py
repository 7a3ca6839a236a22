"""The kiosk's start-up self-test (kiosk/self_test.py) and the bundled-file finder
(kiosk/resources.py), in process from the checkout: the frozen build runs the same
code in test_packaging_kiosk_build.py."""
from __future__ import annotations

import io
import json
import logging
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk import resources
from kiosk.core.rehearsal import SAMPLE_HALL
from kiosk.self_test import FAILED, READY, HomeWatch, rehearsal, ticket_bytes
from kiosk.voice import to_pinyin

ROOT = Path(__file__).resolve().parents[2]
KIOSK_TS = ROOT / "assets" / "translations" / "kiosk_en.ts"


def english_for(source: str) -> str:
    """The English the kiosk's .ts gives for a Chinese source text."""
    for message in ET.parse(KIOSK_TS).getroot().iter("message"):
        if message.findtext("source") == source:
            return message.findtext("translation")
    raise AssertionError(f"{source} not in {KIOSK_TS.name}")


@pytest.fixture
def rehearsal_kiosk(qtbot):
    """Build a rehearsal kiosk as ``--rehearsal`` does; ``offline=True`` makes the hall unreachable."""
    from kiosk.app import build_kiosk, make_app
    built = []

    def build(offline: bool = False):
        app = make_app()
        config, token, client = rehearsal()
        client.offline = offline
        kiosk = build_kiosk(config, token, app=app, client=client)
        kiosk.window.resize(1280, 900)
        kiosk.window.show()
        built.append(kiosk)
        return kiosk, app

    yield build
    for kiosk in built:
        kiosk.stop()
        kiosk.window.allow_close()
        kiosk.window.close()


def watch(kiosk, app, qtbot, limit_s: float) -> tuple[str, dict, list[int]]:
    out, codes = io.StringIO(), []
    home_watch = HomeWatch(kiosk, app, limit_s=limit_s, out=out, exit_app=False)
    home_watch.finished.connect(codes.append)
    qtbot.waitUntil(lambda: bool(codes), timeout=int((limit_s + 10) * 1000))
    word, _, payload = out.getvalue().strip().partition(" ")
    assert not home_watch.timer.isActive()
    return word, json.loads(payload), codes


def test_home_ready_names_what_the_home_screen_proves(rehearsal_kiosk, qtbot):
    kiosk, app = rehearsal_kiosk()
    word, facts, codes = watch(kiosk, app, qtbot, limit_s=20)
    assert (word, codes) == (READY, [0])
    assert facts["hall"] == SAMPLE_HALL["hall"]["name"]
    assert facts["tiles"] >= 4 and facts["icons"] == facts["tiles"]
    assert facts["english"] == english_for("呼叫帮办")
    assert kiosk.runtime.language == "zh"          # the check switched to English and back
    assert facts["devices"] == {"printer": "absent", "idcard": "absent", "scanner": "ok"}
    assert isinstance(facts["ticket_bytes"], int) and facts["ticket_bytes"] > 1000
    assert facts["pinyin"] == to_pinyin("请取号") == "qing3 qu3 hao4"
    assert facts["frozen"] is False and facts["platform"] == "offscreen"


def test_home_failed_names_what_is_missing_when_the_hall_never_answers(rehearsal_kiosk, qtbot):
    kiosk, app = rehearsal_kiosk(offline=True)
    word, facts, codes = watch(kiosk, app, qtbot, limit_s=1.0)
    assert (word, codes) == (FAILED, [1])
    assert "hall not loaded" in facts["missing"]
    assert "window not visible" not in facts["missing"]


def test_ticket_bytes_reports_an_encoder_failure_instead_of_raising(monkeypatch):
    from drivers.printer import encoder

    def broken(self, blocks):
        raise LookupError("no capabilities.json")
    monkeypatch.setattr(encoder.ReceiptEncoder, "encode_blocks", broken)
    assert ticket_bytes() == "LookupError: no capabilities.json"


def test_self_test_flag_from_the_command_line():
    run = subprocess.run([sys.executable, "-m", "kiosk", "--rehearsal", "--self-test"], cwd=ROOT,
                         capture_output=True, text=True, timeout=90,
                         env={**_env(), "QT_QPA_PLATFORM": "offscreen"})
    assert run.returncode == 0, run.stderr[-2000:]
    line = next(line for line in run.stdout.splitlines() if line.startswith(READY))
    assert json.loads(line.partition(" ")[2])["hall"] == SAMPLE_HALL["hall"]["name"]


def _env() -> dict:
    import os
    return {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}


# -- kiosk/resources.py ------------------------------------------------------------------

def test_bundle_root_is_the_checkout_or_the_pyinstaller_folder(monkeypatch, tmp_path):
    assert resources.bundle_root() == ROOT
    assert resources.asset("qss", "kiosk.qss").is_file()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.bundle_root() == tmp_path
    assert resources.asset("fonts") == tmp_path / "assets" / "fonts"


def test_load_fonts_registers_usable_files_and_skips_broken_ones(qapp, tmp_path, caplog):
    source = _system_font()
    shutil.copy(source, tmp_path / source.name)
    (tmp_path / "broken.ttf").write_bytes(b"not a font at all")
    (tmp_path / "readme.txt").write_text("licence text")
    with caplog.at_level(logging.WARNING, logger="kiosk.resources"):
        families = resources.load_fonts(tmp_path)
    assert families and all(isinstance(f, str) and f for f in families)
    assert any("broken.ttf" in record.getMessage() for record in caplog.records)
    assert resources.load_fonts(tmp_path / "absent") == []


def _system_font() -> Path:
    for candidate in (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
                      Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")):
        if candidate.exists():
            return candidate
    pytest.skip("no known font file on this machine")
