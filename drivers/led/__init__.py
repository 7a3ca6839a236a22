"""LED window and strip screens (窗口屏, 条屏) on an RS-485 bus.

* :mod:`drivers.led.screen` — ``LedScreen`` and ``Delivery``, what the application codes against (pure);
* :mod:`drivers.led.protocol` — text policy, segments, the ``LedCodec`` base (pure);
* :mod:`drivers.led.vendors` — 平安力合 V2.1 and 双色屏 codecs (devices.md §3.4), pure;
* :mod:`drivers.led.driver` — ``LedBus``: one worker thread, frame queue, inter-frame gap;
* :mod:`drivers.led.emulator` — ``LedBusEmulator``;
* :mod:`drivers.led.cli` — ``python -m drivers probe|emulate led``.
"""
