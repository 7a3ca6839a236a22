"""Device drivers for hallterm: one package per device kind.

Each kind has a sans-I/O ``protocol`` codec, a ``driver`` with one worker thread,
an ``emulator`` that plays the device side with the same bytes, and a ``cli``
module for ``python -m drivers probe|emulate``.
"""
