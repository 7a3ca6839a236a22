"""Files that ship with the terminals, found the same way from a checkout and a frozen build.

From a checkout the root is the repository; in a PyInstaller one-folder build it is the
bundle's data folder (``sys._MEIPASS``, ``_internal/`` next to the executable), where
pyinstaller.spec puts ``assets/`` under the same relative path. Fonts in
``assets/fonts/`` (none in the repository; a build made with ``HALLTERM_FONTS=<dir>``
carries them, docs/packaging.md "Fonts") are registered with Qt at start, so a kiosk
whose system lacks Noto Sans CJK SC still draws with it.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path

log = logging.getLogger(__name__)

FONT_SUFFIXES = (".otf", ".ttf", ".ttc")


def bundle_root() -> Path:
    """The folder that holds ``assets/``: the PyInstaller bundle when frozen, else the repository."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parents[1]


def asset(*parts: str) -> Path:
    """A path under ``assets/`` (it may not exist)."""
    return bundle_root().joinpath("assets", *parts)


def load_fonts(folder: Path | None = None) -> list[str]:
    """Register every font file in ``folder`` (default ``assets/fonts``) with Qt; return the families.

    Needs a QGuiApplication. A missing folder is the normal case (system fonts are used);
    a file Qt cannot read is logged and skipped, never fatal.
    """
    from PySide6.QtGui import QFontDatabase

    folder = folder or asset("fonts")
    families: list[str] = []
    if not folder.is_dir():
        return families
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("font file not usable: %s", path.name)
            continue
        families.extend(f for f in QFontDatabase.applicationFontFamilies(font_id) if f not in families)
    return families


def configure_logging(app_name: str) -> Path | None:
    """Log to stderr, or — in a windowed build on Windows, where there is no stderr —
    to a daily-rotated file under %LOCALAPPDATA%/hallterm (or ~/.local/state/hallterm),
    so an operator always finds the traceback. Returns the file when one is used."""
    import logging
    import logging.handlers
    import os
    import sys
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    if sys.stderr is not None:
        logging.basicConfig(level=logging.INFO, format=fmt)
        return None
    base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / ".local" / "state") / "hallterm"
    base.mkdir(parents=True, exist_ok=True)
    path = base / f"{app_name}.log"
    handler = logging.handlers.TimedRotatingFileHandler(path, when="midnight", backupCount=200, encoding="utf-8")
    logging.basicConfig(level=logging.INFO, format=fmt, handlers=[handler])
    return path
