"""Qt translations of the kiosk's own words: ``assets/translations/kiosk_en.ts`` → ``.qm``.

The source language is Chinese (``self.tr("取号")``); English comes from the ``.qm``
built by ``pyside6-lrelease``. The ``.qm`` is a build product (gitignored): set-up and
tests call ``python -m kiosk.ui.translations build``; the kiosk builds it on start if
it is missing or older than the ``.ts``. ``update`` re-extracts the strings with
``pyside6-lupdate`` (new ones arrive unfinished; translate them in the ``.ts``).

The core's texts (prompts, notices) carry their own English and are not in the ``.ts``
(docs/kiosk.md "Translations").
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "assets" / "translations" / "kiosk_en.ts"
QM = TS.with_suffix(".qm")
SOURCES = ("kiosk/ui",)


def _tool(name: str) -> str:
    local = Path(sys.executable).with_name(name)
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: install PySide6 (pip install PySide6)")
    return found


def build(ts: Path = TS, qm: Path | None = None, quiet: bool = True) -> Path:
    """Compile ``ts`` into ``qm`` (default: beside it) with pyside6-lrelease; return the ``.qm``.
    The counter console uses the same builder for its own ``.ts``."""
    qm = qm or ts.with_suffix(".qm")
    subprocess.run([_tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True,
                   stdout=subprocess.DEVNULL if quiet else None, stderr=subprocess.DEVNULL if quiet else None)
    return qm


def ensure_built(ts: Path = TS) -> Path | None:
    """The ``.qm``, built now if missing or stale; None if it cannot be built (English then
    falls back to the Chinese source text, and the log says so)."""
    qm = ts.with_suffix(".qm")
    if qm.exists() and qm.stat().st_mtime >= ts.stat().st_mtime:
        return qm
    try:
        return build(ts)
    except (OSError, subprocess.CalledProcessError):
        return None


def update(ts: Path = TS, sources: tuple[str, ...] = SOURCES) -> None:
    """Re-extract the UI strings into the ``.ts`` (keeps existing translations)."""
    files = [str(p) for folder in sources for p in sorted((ROOT / folder).rglob("*.py"))]
    subprocess.run([_tool("pyside6-lupdate"), *files, "-ts", str(ts), "-no-obsolete", "-locations", "none"],
                   check=True, cwd=ROOT)


class Translations:
    """Switches the application between Chinese (no translator) and English."""

    ts = TS

    def __init__(self, app: QCoreApplication):
        self.app = app
        self.translator = QTranslator()
        self.loaded = False
        self.language = "zh"

    def use(self, language: str) -> bool:
        """Install or remove the English translator; True if the language changed."""
        if language == self.language:
            return False
        self.language = language
        if language == "en":
            if not self.loaded:
                path = ensure_built(self.ts)
                self.loaded = bool(path) and self.translator.load(str(path))
            if self.loaded:
                self.app.installTranslator(self.translator)
        else:
            self.app.removeTranslator(self.translator)
        return True


def main(argv: list[str] | None = None, *, ts: Path = TS, sources: tuple[str, ...] = SOURCES,
         prog: str = "kiosk.ui.translations") -> int:
    args = sys.argv[1:] if argv is None else argv
    verb = args[0] if args else "build"
    if verb == "build":
        print(build(ts))
    elif verb == "update":
        update(ts, sources)
    else:
        print(f"usage: python -m {prog} build|update", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
