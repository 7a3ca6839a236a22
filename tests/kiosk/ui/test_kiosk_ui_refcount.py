"""The PySide6 None-reference loss the kiosk guards against (kiosk/ui/refcount_guard.py)."""
import sys

from PySide6.QtWidgets import QLabel

from kiosk.ui.refcount_guard import FLOOR, guard_none_refcount


def test_guard_keeps_none_far_from_zero_while_void_calls_run(qapp):
    label = QLabel()
    assert guard_none_refcount() is (sys.version_info < (3, 12))
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.clear()
    after = sys.getrefcount(None)
    if sys.version_info < (3, 12):
        assert before >= FLOOR - 10_000 and after > FLOOR // 2
    assert after <= before + 10          # nothing here adds references to None
