"""Every screen fits at 1080p, portrait and landscape, Chinese and English, standard and
长者模式: no label or button text clipped; elderly sizes and contrast per domain.md §3;
every UI string translated."""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from kiosk.ui import theme
from kiosk.ui.screenshots import SCENES

ROOT = Path(__file__).resolve().parents[3]
FIT_SCENES = ("home", "category", "service", "realname", "ticket", "checkin", "guide-list", "guide", "status",
              "rate", "thanks", "error", "more-time", "help", "maintenance",
              # 证明打印 (certificate-paused is a NoticeView, certificate-printing the fetching view: both drawn above)
              "certificate-home", "certificate-identify", "certificate-types", "certificate-params",
              "certificate-fetching", "certificate-preview", "certificate-failed", "certificate-done", "certificate-rate")


def _visible(widget: QWidget) -> bool:
    return widget.isVisibleTo(widget.window()) and widget.width() > 0


def _clipped(widget) -> str | None:
    """A description of the clipping, or None if the text fits."""
    text = widget.text()
    if not text or not _visible(widget):
        return None
    metrics = widget.fontMetrics()
    rect = widget.contentsRect()
    if isinstance(widget, QLabel):
        if widget.pixmap() is not None and not widget.pixmap().isNull():
            return None
        if widget.wordWrap():
            needed = widget.heightForWidth(rect.width())
            return None if needed <= rect.height() + 2 else f"needs {needed}px high, has {rect.height()}"
        wide = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
        return None if wide <= rect.width() + 1 else f"needs {wide}px wide, has {rect.width()}"
    wide = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    return None if wide <= rect.width() - 8 else f"needs {wide}px wide, has {rect.width()}"


class _Studio:
    """The screenshot studio's driver, on the shared test kiosk."""

    def __init__(self, harness):
        self.harness = harness
        self.kiosk, self.window, self.client = harness.kiosk, harness.window, harness.client
        self.app = None

    def pump(self, seconds: float = 0.02):
        self.harness.qtbot.wait(int(seconds * 1000))

    def send(self, *intents):
        for intent in intents:
            self.kiosk.runtime.dispatch(intent)
        self.pump()


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)], ids=["portrait", "landscape"])
@pytest.mark.parametrize("variant", ["zh", "en", "elderly"])
def test_no_text_is_clipped_on_any_screen(rehearsal, size, variant, example_hall):
    from kiosk.core.intents import Home
    from kiosk.ui.rehearsal import RehearsalClient

    problems = []
    window = rehearsal.window
    window.resize(*size)
    for scene in FIT_SCENES:
        rehearsal.reset(RehearsalClient(example_hall), elderly=variant == "elderly",
                        lang="en" if variant == "en" else "zh")
        SCENES[scene](_Studio(rehearsal))
        window.on_tick()
        rehearsal.qtbot.wait(30)
        for widget in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
            problem = _clipped(widget)
            if problem:
                problems.append(f"{scene}: {type(widget).__name__} {widget.text()[:40]!r} {problem}")
        rehearsal.send(Home())
        if rehearsal.kiosk.lockdown.active:
            rehearsal.kiosk.lockdown.leave()
    window.resize(1080, 1920)
    assert not problems, "\n".join(problems)


def test_elderly_mode_sizes_meet_the_accessibility_minimums(rehearsal):
    from kiosk.core.intents import Open, ToggleElderly

    rehearsal.send(ToggleElderly(), Open("take_number"))
    rehearsal.qtbot.wait(30)
    body = min(w.font().pixelSize() for w in rehearsal.window.findChildren(QLabel)
               if _visible(w) and w.text() and w.objectName() in ("Body", "Heading", "Prompt"))
    assert body >= 18 * theme.PX_PER_DP                                     # ACC-01: 适老版 text ≥ 18 dp
    buttons = [b for b in rehearsal.window.findChildren(QAbstractButton) if _visible(b)]
    assert buttons
    small = [(b.text(), b.width(), b.height()) for b in buttons
             if min(b.width(), b.height()) < 60 * theme.PX_PER_DP]
    assert not small, small                                                 # ACC-06: ≥ 60 × 60 dp
    heading = rehearsal.window.prompt.font().pixelSize()
    assert heading > body


def test_every_text_colour_pair_has_contrast_of_at_least_4_5():
    for fg, bg in theme.TEXT_PAIRS:
        ratio = theme.contrast(theme.COLORS[fg], theme.COLORS[bg])
        assert ratio >= 4.5, f"{fg} on {bg}: {ratio:.2f}"                   # ACC-03
    assert theme.contrast("#777777", "#FFFFFF") < 4.5                       # the check can fail


def test_english_translation_covers_every_ui_string_and_builds(tmp_path):
    ts = ROOT / "assets" / "translations" / "kiosk_en.ts"
    fresh = tmp_path / "fresh.ts"
    files = [str(p) for p in sorted((ROOT / "kiosk" / "ui").rglob("*.py"))]
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    subprocess.run([str(lupdate), *files, "-ts", str(fresh), "-locations", "none"], check=True,
                   capture_output=True, cwd=ROOT)
    in_code = {m.findtext("source") for m in ET.parse(fresh).getroot().iter("message")}
    translated = {m.findtext("source"): m.find("translation") for m in ET.parse(ts).getroot().iter("message")}
    missing = in_code - set(translated)
    assert not missing, f"run `python -m kiosk.ui.translations update` and translate: {sorted(missing)}"
    unfinished = [s for s in in_code if translated[s].get("type") == "unfinished" or not translated[s].text]
    assert not unfinished, unfinished
    from kiosk.ui import translations
    qm = translations.build()
    assert qm.exists() and qm.stat().st_size > 1000


def test_language_switch_translates_the_bars_and_the_core_prompt(rehearsal):
    window = rehearsal.window
    window.language.click()
    assert window.help.text() == "Call for help" and window.language.text() == "中文"
    assert window.prompt.text() == "Hello, please choose what you need"
    window.language.click()
    assert window.help.text() == "呼叫帮办" and window.prompt.text() == "您好，请选择要办理的业务"


def test_core_messages_all_have_english():
    from kiosk.core import messages
    for code in messages.known_codes():
        notice = messages.notice(code)
        assert notice.en and notice.en != notice.zh, code
