"""QR / barcode scanner in three modes (devices.md §4; docs/devices/scanner.md).

* serial / USB-CDC: :class:`drivers.scanner.driver.SerialScanner`;
* keyboard wedge in Qt: :class:`drivers.scanner.wedge.WedgeScanFilter`, or on Linux the
  scanner's own grabbed input device: :class:`drivers.scanner.evdev_reader.EvdevScanner`;
* camera: :class:`drivers.scanner.camera.CameraScanner`.

The pure core is :mod:`drivers.scanner.protocol` (and :mod:`drivers.scanner.keymap`).
Nothing is imported here so that picking one mode never loads another's libraries
(Qt, OpenCV, evdev).
"""
