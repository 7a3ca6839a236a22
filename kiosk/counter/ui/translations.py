"""Qt translations of the counter console: ``assets/translations/counter_en.ts`` → ``.qm``.

Same scheme as the kiosk (kiosk/ui/translations.py): the source language is Chinese
(``self.tr("叫号")``); English comes from the ``.qm`` that ``pyside6-lrelease`` builds.
The ``.qm`` is a build product (gitignored): ``python -m kiosk.counter.ui.translations
build`` makes it, and the console builds it on start when it is missing or older than
the ``.ts``. ``update`` re-extracts the strings with ``pyside6-lupdate`` (new ones
arrive unfinished: translate them in the ``.ts``). Texts of the pure core (actions,
notices, states) carry their own English and are not in the ``.ts``.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

ROOT = Path(__file__).resolve().parents[3]
TS = ROOT / "assets" / "translations" / "counter_en.ts"
QM = TS.with_suffix(".qm")
SOURCES = ("kiosk/counter/ui",)


def tool(name: str) -> str:
    """The path of a PySide6 tool next to this Python, or on PATH."""
    local = Path(sys.executable).with_name(name)
    found = str(local) if local.exists() else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"{name} not found: install PySide6 (pip install PySide6)")
    return found


def build(ts: Path = TS, qm: Path | None = None) -> Path:
    """Compile ``ts`` into ``qm`` (default: beside it); return the ``.qm`` path."""
    qm = qm or ts.with_suffix(".qm")
    subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return qm


def ensure_built() -> Path | None:
    """The ``.qm``, built now if missing or stale; None if it cannot be built."""
    if QM.exists() and QM.stat().st_mtime >= TS.stat().st_mtime:
        return QM
    try:
        return build()
    except (OSError, subprocess.CalledProcessError):
        return None


def update() -> None:
    """Re-extract the console's strings into the ``.ts`` (keeps existing translations)."""
    files = [str(p) for folder in SOURCES for p in sorted((ROOT / folder).rglob("*.py"))]
    subprocess.run([tool("pyside6-lupdate"), *files, "-ts", str(TS), "-no-obsolete", "-locations", "none"],
                   check=True, cwd=ROOT)


class Translations:
    """Switches the application between Chinese (no translator) and English."""

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
                path = ensure_built()
                self.loaded = bool(path) and self.translator.load(str(path))
            if self.loaded:
                self.app.installTranslator(self.translator)
        else:
            self.app.removeTranslator(self.translator)
        return True


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    verb = args[0] if args else "build"
    if verb == "build":
        print(build())
    elif verb == "update":
        update()
    else:
        print("usage: python -m kiosk.counter.ui.translations build|update", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
