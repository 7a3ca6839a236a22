"""Thermal ESC/POS queue-ticket printer (devices.md §2).

* :mod:`.protocol` — pure codec: Chinese-mode text, DLE EOT status, PrinterStatus;
* :mod:`.tokenizer` — pure ESC/POS stream tokenizer (the emulator's parser);
* :mod:`.receipts` — TicketReceipt / ChecklistReceipt and their layout;
* :mod:`.encoder` — receipt → job bytes (python-escpos ``Dummy`` + raster lines);
* :mod:`.driver` — :class:`TicketPrinter` worker; :mod:`.emulator` — the device side.

Submodules are imported on use so the pure ones stay light.
"""
