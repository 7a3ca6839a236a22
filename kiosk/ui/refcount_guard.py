"""Guard against PySide6 6.12.0 dropping a reference to ``None`` on every void call.

On CPython 3.11, PySide6 6.12.0 returns ``None`` from void methods (``setText``,
``setVisible``, ``clear``, ``polish``…) without taking a reference, so ``None``'s
reference count falls by one per call; when it reaches zero the interpreter aborts
with "none_dealloc: deallocating None" — within minutes on a kiosk that redraws every
second (tests/kiosk/ui/test_kiosk_ui_refcount.py measures it). CPython 3.12+ makes
``None`` immortal, so the loss is harmless there. Until the dependency is pinned to a
fixed PySide6, the kiosk raises ``None``'s count far out of reach at start: at 2**40,
a million lost references a day would take three million years to reach zero.
"""
from __future__ import annotations

import ctypes
import sys

FLOOR = 1 << 40


def guard_none_refcount() -> bool:
    """Raise the reference counts of ``None``, ``True`` and ``False`` to ``FLOOR`` on
    CPython < 3.12 (bool-returning calls lose references to ``True``/``False`` the same
    way); True if it did."""
    if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return False
    for constant in (None, True, False):
        refcount = ctypes.c_ssize_t.from_address(id(constant))
        if refcount.value < FLOOR:
            refcount.value = FLOOR
    return True
