"""Counter configuration (TOML → pydantic), the demo configuration, and the Qt translation file."""
from __future__ import annotations

import ast
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk.counter.app import demo_config
from kiosk.counter.config import CounterConfig, CounterConfigError, load_counter_config
from kiosk.counter.core import actions as A
from kiosk.counter.ui import translations

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "config" / "counter.example.toml"


def test_the_example_file_loads_with_every_default_hotkey():
    config, token = load_counter_config(EXAMPLE)
    assert token == "" and config.counter.window_id == "w05"
    assert dict(config.hotkey_map().items()) == {a: k for a, k in A.DEFAULT_HOTKEYS.items() if k}
    settings = config.console_settings(hall_timeout_s=45)
    assert settings.evaluation_timeout_s == 45 and settings.debounce_s == 3.0 and settings.evaluation_mode == "pad"


def test_the_file_timeout_wins_over_the_hall_and_stays_in_hep1_range(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[evaluation]\ntimeout_s = 200\n', encoding="utf-8")
    config, _ = load_counter_config(path)
    assert config.console_settings(hall_timeout_s=30).evaluation_timeout_s == 200
    assert CounterConfig().console_settings(hall_timeout_s=5).evaluation_timeout_s == 10


@pytest.mark.parametrize("text, key, fragment", [
    ("[counter]\nwindw_id = 'w1'\n", "counter.windw_id", "未知的配置项"),
    ("[led]\naddress = 300\n", "led.address", "不能大于"),
    ("[evaluation]\nmode = 'phone'\n", "evaluation.mode", "之一"),
    ("[pad]\naddresses = [0]\n", "pad.addresses", "1–254"),
    ("[server]\nbase_url = 'ftp://x'\n", "server.base_url", "格式不对"),
    ("[hotkeys]\ncall_next = 'F2'\n", "hotkeys", "F2"),
    ("[hotkeys]\nsing = 'F11'\n", "hotkeys", "sing"),
    ("[counter\n", "", "TOML"),
])
def test_bad_files_name_the_key_in_chinese_and_english(tmp_path, text, key, fragment):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CounterConfigError) as caught:
        load_counter_config(path)
    problems = caught.value.problems
    assert any(p[0] == key and fragment in p[1] for p in problems), problems
    assert all(p[2] for p in problems)                       # English too
    assert str(path) in str(caught.value)


def test_token_file_is_read_relative_to_the_config(tmp_path):
    (tmp_path / "secret").write_text("tok-123\n", encoding="utf-8")
    path = tmp_path / "c.toml"
    path.write_text('[server]\ntoken_file = "secret"\n', encoding="utf-8")
    assert load_counter_config(path)[1] == "tok-123"
    path.write_text('[server]\ntoken_file = "missing"\n', encoding="utf-8")
    with pytest.raises(CounterConfigError, match="server.token_file"):
        load_counter_config(path)


def test_demo_configuration_uses_emulated_devices_and_the_demo_clerk(tmp_path):
    credentials = tmp_path / "demo-credentials.json"
    credentials.write_text(json.dumps({"base_url": "http://127.0.0.1:8600", "tokens": {},
                                       "logins": {"clerk": {"username": "clerk", "password": "pw", "window_id": "w01"}}}))
    config, login = demo_config(credentials)
    assert login == ("clerk", "pw", "w01")
    assert config.pad.url.startswith("emu://evalpad") and "scenario=demo" in config.pad.url
    assert config.led.url == "emu://led" and not config.counter.fullscreen


# --- translations ----------------------------------------------------------------------

def _tr_strings() -> set[str]:
    """Every literal passed to ``self.tr(...)`` in the console's Qt sources."""
    found = set()
    for path in (ROOT / "kiosk" / "counter" / "ui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "tr"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                found.add(node.args[0].value)
    return found


def test_every_ui_string_has_a_finished_english_translation():
    root = ET.parse(translations.TS).getroot()
    messages = {m.findtext("source"): m.find("translation") for m in root.iter("message")}
    missing = _tr_strings() - set(messages)
    assert not missing, f"run python -m kiosk.counter.ui.translations update: {missing}"
    unfinished = [s for s, t in messages.items() if t is None or t.get("type") in ("unfinished", "vanished")
                  or not (t.text or "").strip()]
    assert not unfinished
    placeholders = [s for s, t in messages.items() if sorted(re.findall(r"%\d", s)) != sorted(re.findall(r"%\d", t.text))]
    assert not placeholders


def test_the_qm_builds_and_translates(tmp_path, qapp):
    from PySide6.QtCore import QTranslator
    qm = translations.build(translations.TS, tmp_path / "counter_en.qm")
    translator = QTranslator()
    assert translator.load(str(qm))
    assert translator.translate("Header", "交接班") == "Hand over"
    assert translator.translate("EvaluationScreen", "非常满意") == "Very satisfied"
