"""Draw lines the printer's font cannot print (生僻字) as 1-bit images with a CJK font.

Chinese printers only hold the two-byte GB18030 areas (devices.md §2.1), so a
name with 𠮷 or 䶮 would print as garbage. Such a line is drawn here with
"Noto Sans CJK SC" (Debian ``fonts-noto-cjk``) or a configured font file and
sent as a GS v 0 raster image.
"""
from __future__ import annotations

import os
import shutil
import subprocess

from PIL import Image, ImageDraw, ImageFont

from drivers.printer.errors import FontMissing

FONT_FAMILY = "Noto Sans CJK SC"
KNOWN_FONT_FILES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2 = SC in the Debian TTC
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
)
# Windows has no fc-match: its fonts folder, Noto first (if an installer added it), then the
# fonts every Chinese Windows ships: Microsoft YaHei, SimHei, SimSun (index 0 = the SC face).
WINDOWS_FONT_FILES = (("NotoSansCJKsc-Regular.otf", 0), ("NotoSansSC-VF.ttf", 0), ("msyh.ttc", 0),
                      ("simhei.ttf", 0), ("simsun.ttc", 0))
DOT_HEIGHT = 24  # the printer's Chinese font is 24 × 24 dots (Font A, 203 dpi)
LINE_DOTS = 30   # one text line with the default line spacing (ESC 2)


def locate_font(path: str | None = None) -> tuple[str, int]:
    """Find a CJK font: ``path`` if given, else fontconfig's match, else known locations.

    Raises :class:`FontMissing` with what to install when nothing is found.
    """
    if path:
        if os.path.isfile(path):
            return path, 0
        raise FontMissing(f"找不到配置的中文字体文件：{path}", f"configured CJK font file not found: {path}")
    found = _fc_match()
    if found:
        return found
    for candidate, index in _known_files():
        if os.path.isfile(candidate):
            return candidate, index
    raise FontMissing("找不到中文字体，无法打印生僻字；请安装 fonts-noto-cjk 或配置字体文件路径",
                      "no CJK font found to print rare characters; install fonts-noto-cjk "
                      "or configure a font file path")


def _known_files() -> list[tuple[str, int]]:
    files = list(KNOWN_FONT_FILES)
    windir = os.environ.get("WINDIR") or os.environ.get("SystemRoot")
    if windir:
        files += [(os.path.join(windir, "Fonts", name), index) for name, index in WINDOWS_FONT_FILES]
    return files


def _fc_match() -> tuple[str, int] | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}\t%{index}\t%{family}", FONT_FAMILY],
                             capture_output=True, text=True, timeout=5, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    parts = out.split("\t")
    # fc-match always answers something; accept it only if it is a CJK family.
    if len(parts) == 3 and "CJK" in parts[2] and os.path.isfile(parts[0]):
        return parts[0], int(parts[1] or 0)
    return None


class LineRenderer:
    """Renders one line of text to a black-on-white 1-bit image sized for the paper."""

    def __init__(self, font_path: str | None = None, *, paper_dots: int = 576):
        self.font_file, self.font_index = locate_font(font_path)
        self.paper_dots = paper_dots
        self._fonts: dict[int, ImageFont.FreeTypeFont] = {}

    def _font(self, size: int) -> ImageFont.FreeTypeFont:
        if size not in self._fonts:
            try:
                self._fonts[size] = ImageFont.truetype(self.font_file, size, index=self.font_index)
            except OSError as exc:
                raise FontMissing(f"中文字体无法加载：{self.font_file}",
                                  f"cannot load CJK font {self.font_file}: {exc}") from exc
        return self._fonts[size]

    def render(self, text: str, *, align: str = "left", width: int = 1, height: int = 1,
               bold: bool = False) -> Image.Image:
        """``text`` at the size GS ! ``width``×``height`` would give, padded to the paper width."""
        size = DOT_HEIGHT * height
        font = self._font(size)
        stroke = 1 if bold else 0
        left, top, right, bottom = font.getbbox(text, stroke_width=stroke)
        ink = Image.new("L", (max(1, right - left), LINE_DOTS * height), 255)
        ImageDraw.Draw(ink).text((-left, 0), text, font=font, fill=0, stroke_width=stroke,
                                 stroke_fill=0)
        if width != height:
            ink = ink.resize((max(1, ink.width * width // height), ink.height))
        if ink.width > self.paper_dots:
            ink = ink.resize((self.paper_dots, max(1, ink.height * self.paper_dots // ink.width)))
        return self._place(ink, align).convert("1")

    def _place(self, ink: Image.Image, align: str) -> Image.Image:
        line = Image.new("L", (self.paper_dots, ink.height), 255)
        x = {"center": (self.paper_dots - ink.width) // 2,
             "right": self.paper_dots - ink.width}.get(align, 0)
        line.paste(ink, (x, 0))
        return line
