"""Qt translations of the counter console: ``assets/translations/counter_en.ts`` → ``.qm``.

The kiosk's builder (kiosk/ui/translations.py) on the console's own catalogue: the
source language is Chinese (``self.tr("叫号")``); English comes from the ``.qm`` that
``pyside6-lrelease`` builds. The ``.qm`` is a build product (gitignored):
``python -m kiosk.counter.ui.translations build`` makes it, and the console builds it
on start when it is missing or older than the ``.ts``. ``update`` re-extracts the
strings with ``pyside6-lupdate`` (new ones arrive unfinished: translate them in the
``.ts``). Texts of the pure core (actions, notices, states) carry their own English.
"""
from __future__ import annotations

from pathlib import Path

from kiosk.ui import translations as kiosk_translations

ROOT = kiosk_translations.ROOT
TS = ROOT / "assets" / "translations" / "counter_en.ts"
QM = TS.with_suffix(".qm")
SOURCES = ("kiosk/counter/ui",)


def build(ts: Path = TS, qm: Path | None = None) -> Path:
    """Compile ``ts`` into ``qm`` (default: beside it); return the ``.qm`` path."""
    return kiosk_translations.build(ts, qm)


def ensure_built() -> Path | None:
    """The ``.qm``, built now if missing or stale; None if it cannot be built."""
    return kiosk_translations.ensure_built(TS)


def update() -> None:
    """Re-extract the console's strings into the ``.ts`` (keeps existing translations)."""
    kiosk_translations.update(TS, SOURCES)


class Translations(kiosk_translations.Translations):
    """Switches the console between Chinese (no translator) and English."""

    ts = TS


def main(argv: list[str] | None = None) -> int:
    return kiosk_translations.main(argv, ts=TS, sources=SOURCES, prog="kiosk.counter.ui.translations")


if __name__ == "__main__":
    raise SystemExit(main())
