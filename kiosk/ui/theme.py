"""Colours, sizes and the stylesheet of the kiosk, standard and elderly (长者模式).

Sizes are in dp and turned into pixels with ``PX_PER_DP``. The reference values
(domain.md §3) are given in dp/pt for phones held at ~30 cm; a 21–32" 1080p kiosk is
read from ~50–60 cm, so one dp is taken as 1.6 px, which puts elderly body text
(≥ 18 dp, ACC-01) at ≥ 29 px and touch targets (≥ 60 dp, ACC-06) at ≥ 96 px — in the
range ACC-13 derives for kiosks (body 28–32 px, buttons ≥ 60 px).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from string import Template

PX_PER_DP = 1.6
ASSETS = Path(__file__).resolve().parents[2] / "assets"

# One palette; every text/background pair used is checked ≥ 4.5:1 by a test (ACC-03).
COLORS = {
    "bg": "#F3F5F8", "surface": "#FFFFFF", "ink": "#1B2430", "muted": "#46505F",
    "primary": "#0A4C8B", "primary_pressed": "#083B6C", "on_primary": "#FFFFFF",
    "pressed_light": "#DCE8F5", "border": "#AEB8C6",
    "disabled_bg": "#E4E8EE", "disabled_ink": "#4A5361", "disabled_border": "#C3CAD4",
    "warn_bg": "#FFF3D6", "warn_ink": "#5A3A00",
    "danger": "#A3231B", "danger_bg": "#FCE8E6",
    "ok_bg": "#E6F4EA", "ok_ink": "#1B5E32",
}

# (text, background) pairs the stylesheet puts together.
TEXT_PAIRS = (
    ("ink", "bg"), ("ink", "surface"), ("muted", "surface"), ("muted", "bg"), ("primary", "surface"),
    ("primary", "bg"), ("on_primary", "primary"), ("on_primary", "primary_pressed"),
    ("disabled_ink", "disabled_bg"), ("warn_ink", "warn_bg"), ("danger", "danger_bg"),
    ("danger", "surface"), ("ok_ink", "ok_bg"), ("primary", "pressed_light"), ("ink", "pressed_light"),
)


@dataclass(frozen=True)
class Sizes:
    """Font and target sizes in dp."""

    small: float
    body: float
    button: float
    key: float
    tile: float
    heading: float
    title: float
    huge: float
    huge_small: float
    touch: float
    wide: float
    scroll: float
    gap: float

    def px(self, name: str) -> int:
        return round(getattr(self, name) * PX_PER_DP)


STANDARD = Sizes(small=13, body=16, button=17, key=20, tile=24, heading=20, title=22, huge=72, huge_small=40,
                 touch=48, wide=150, scroll=28, gap=12)
ELDERLY = Sizes(small=18, body=20, button=22, key=26, tile=30, heading=26, title=28, huge=88, huge_small=48,
                touch=64, wide=180, scroll=36, gap=16)


def sizes(elderly: bool) -> Sizes:
    return ELDERLY if elderly else STANDARD


def stylesheet(elderly: bool) -> str:
    """The whole application stylesheet for the mode."""
    size = sizes(elderly)
    values = dict(COLORS)
    values.update({name: str(size.px(name)) for name in Sizes.__dataclass_fields__})
    template = Template((ASSETS / "qss" / "kiosk.qss").read_text(encoding="utf-8"))
    return template.substitute(values)


def icon_path(name: str) -> str:
    return str(ASSETS / "icons" / f"{name}.svg")


def relative_luminance(hex_color: str) -> float:
    """WCAG 2.x relative luminance of ``#RRGGBB``."""
    channels = [int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio between two colours (ACC-03 wants ≥ 4.5)."""
    a, b = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (a + 0.05) / (b + 0.05)
