"""Protection against a PySide6 binding bug that crashes the process.

PySide6/shiboken6 6.12.0 on Python 3.11 drops one reference to ``None`` on every
call of a Qt method that returns nothing (``QPainter.drawRect``, ``setPen``,
``QObject.setObjectName``…): the wheels assume Python 3.12's immortal ``None``
(PEP 683). After a few thousand such calls — one A4 certificate with a long table —
``None``'s count reaches zero and CPython aborts ("none_dealloc: deallocating
None"). Python 3.12+ is immune; so is a fixed PySide6.

:func:`protect_none` checks whether the running binding has the bug and, only then,
gives ``None`` a refcount as large as Python 3.12 gives immortal objects, so it
can never reach zero. ``None`` is never freed anyway: nothing else changes.
"""
from __future__ import annotations

import ctypes
import sys

_PROTECTED = False
_HEADROOM = 1 << 60


def binding_drops_none(calls: int = 64) -> bool:
    """Whether ``calls`` void Qt calls lower ``None``'s reference count (the 6.12.0 bug)."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(calls):
        probe.setObjectName("none-probe")
    return sys.getrefcount(None) <= before - calls // 2


def protect_none() -> bool:
    """Make ``None`` effectively immortal if this process needs it; True if it did (once)."""
    global _PROTECTED
    if _PROTECTED or sys.version_info >= (3, 12) or not binding_drops_none():
        return False
    # The GIL is held: no other thread touches reference counts while this runs.
    ctypes.c_ssize_t.from_address(id(None)).value += _HEADROOM
    _PROTECTED = True
    return True
