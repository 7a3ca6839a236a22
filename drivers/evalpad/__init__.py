"""Evaluation pads (评价器) with optional caller keys (叫号器).

* :mod:`drivers.evalpad.pad` — what the application codes against: ``EvaluationPad``,
  ``Rating``, ``RatingTimeout``, ``KeyPress``, ``Clerk`` (pure);
* :mod:`drivers.evalpad.protocol`, :mod:`~drivers.evalpad.frame`, :mod:`~drivers.evalpad.link`
  — HEP/1 (protocols/evalpad.md), sans-I/O;
* :mod:`drivers.evalpad.driver` — ``Hep1Pad``, the HEP/1 adapter on a worker thread;
* :mod:`drivers.evalpad.emulator` — ``PadEmulator`` and ``PadBus``;
* :mod:`drivers.evalpad.cli` — ``python -m drivers probe|emulate evalpad``.
"""
