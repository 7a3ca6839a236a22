"""Colours and the style sheet of the console and the resident's evaluation screen.

Text colours are chosen for a contrast of at least 4.5:1 on their background
(domain.md ACC-03); colour never carries meaning alone — every coloured chip also
has its words (ACC-04). Touch targets facing the resident are at least 60×60 px (ACC-06).
"""
from __future__ import annotations

FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif'

NAVY = "#0b3d91"        # header; white on it 10.4:1
INK = "#1a1a1a"
MUTED = "#4a4a4a"       # 8.9:1 on white
PAPER = "#f3f5f8"
GREEN = "#1b5e20"       # white on it 7.9:1
AMBER = "#ffb300"       # ink on it 10.8:1
RED = "#b71c1c"         # white on it 6.6:1
BLUE = "#0d47a1"        # white on it 8.6:1

# Five levels on the resident's screen: (background, text), 非常满意 … 非常不满意.
LEVEL_COLOURS = {5: ("#1b5e20", "#ffffff"), 4: ("#2e7d32", "#ffffff"), 3: ("#f9a825", "#1a1a1a"),
                 2: ("#bf360c", "#ffffff"), 1: ("#b71c1c", "#ffffff")}

CONSOLE_QSS = f"""
QWidget {{ font-family: {FONT}; color: {INK}; }}
QMainWindow, #body {{ background: {PAPER}; }}
#header {{ background: {NAVY}; }}
#header QLabel {{ color: #ffffff; }}
#windowName {{ font-size: 26px; font-weight: 700; }}
#clerkLine, #clock {{ font-size: 18px; }}
#header #badge {{ border-radius: 6px; padding: 4px 12px; font-size: 18px; font-weight: 700; }}
#header #badge[state="open"] {{ background: {GREEN}; color: #ffffff; }}
#header #badge[state="paused"] {{ background: {AMBER}; color: {INK}; }}
#header #badge[state="closed"] {{ background: #e0e0e0; color: {INK}; }}
#header #chip {{ border-radius: 6px; padding: 4px 10px; font-size: 16px; background: #ffffff; color: {GREEN};
                 font-weight: 700; }}
#header #chip[ok="false"] {{ background: {RED}; color: #ffffff; }}
#header QPushButton {{ background: #ffffff; color: {NAVY}; border-radius: 6px; padding: 6px 14px;
                       font-size: 16px; font-weight: 600; }}
#card, #side {{ background: #ffffff; border-radius: 12px; }}
#number {{ font-size: 96px; font-weight: 800; color: {NAVY}; }}
#ticketState {{ font-size: 22px; font-weight: 700; border-radius: 6px; padding: 4px 12px;
                background: {BLUE}; color: #ffffff; }}
#ticketState[state="suspended"] {{ background: {AMBER}; color: {INK}; }}
#ticketState[state="serving"] {{ background: {GREEN}; }}
#detail {{ font-size: 20px; color: {MUTED}; }}
#person {{ font-size: 20px; }}
#timer {{ font-size: 40px; font-weight: 700; font-family: "DejaVu Sans Mono", monospace; color: {INK}; }}
#empty {{ font-size: 26px; color: {MUTED}; }}
#evaluation {{ font-size: 18px; color: {MUTED}; }}
#mark {{ border-radius: 6px; padding: 2px 10px; font-size: 16px; font-weight: 700; background: #e3f2fd; color: {BLUE}; }}
#mark[mark="green"] {{ background: {GREEN}; color: #ffffff; }}
#mark[mark="appointment"] {{ background: {BLUE}; color: #ffffff; }}
#mark[mark="requeued"] {{ background: {AMBER}; color: {INK}; }}
QPushButton#action {{ min-height: 76px; font-size: 22px; font-weight: 700; border-radius: 10px;
                      background: #ffffff; color: {NAVY}; border: 2px solid {NAVY}; }}
QPushButton#action[primary="true"] {{ background: {NAVY}; color: #ffffff; }}
QPushButton#action:disabled {{ background: #eceff1; color: #757575; border-color: #bdbdbd; }}
QPushButton#action:focus {{ border: 3px solid {AMBER}; }}
#sideTitle {{ font-size: 20px; font-weight: 700; }}
QListWidget {{ font-size: 20px; border: none; }}
QListWidget::item {{ padding: 8px 6px; border-bottom: 1px solid #e0e0e0; }}
QListWidget::item:selected {{ background: #bbdefb; color: {INK}; }}
QPushButton#small {{ min-height: 48px; font-size: 18px; border-radius: 8px; background: {NAVY}; color: #ffffff; }}
QPushButton#small:disabled {{ background: #eceff1; color: #757575; }}
#notice {{ font-size: 19px; padding: 10px 16px; background: #ffffff; }}
#notice[severity="none"] {{ background: {PAPER}; color: {MUTED}; }}
#notice[severity="warning"] {{ background: #fff8e1; }}
#notice[severity="error"] {{ background: {RED}; color: #ffffff; }}
QDialog {{ background: #ffffff; }}
QDialog QLabel {{ font-size: 18px; }}
QDialog QLineEdit, QDialog QComboBox {{ font-size: 20px; min-height: 44px; padding: 0 8px; }}
QDialog QPushButton {{ font-size: 18px; min-height: 48px; padding: 0 18px; }}
QDialog QRadioButton, QDialog QCheckBox {{ font-size: 18px; min-height: 40px; }}
#error {{ color: {RED}; }}
"""

RESIDENT_QSS = f"""
QWidget {{ font-family: {FONT}; color: {INK}; }}
#resident {{ background: {PAPER}; }}
#clerkName {{ font-size: 40px; font-weight: 800; }}
#clerkMeta {{ font-size: 26px; color: {MUTED}; }}
#welcome {{ font-size: 44px; font-weight: 700; color: {NAVY}; }}
#prompt {{ font-size: 40px; font-weight: 800; }}
#sub {{ font-size: 24px; color: {MUTED}; }}
#countdown {{ font-size: 22px; color: {MUTED}; }}
QPushButton#level {{ min-width: 170px; min-height: 170px; border-radius: 18px; font-size: 30px; font-weight: 800; }}
QPushButton#reason {{ min-height: 72px; font-size: 26px; border-radius: 12px; background: #ffffff; color: {INK};
                     border: 2px solid #9e9e9e; padding: 0 18px; }}
QPushButton#reason:checked {{ background: {BLUE}; color: #ffffff; border-color: {BLUE}; }}
QPushButton#submit {{ min-height: 80px; min-width: 240px; font-size: 30px; font-weight: 800; border-radius: 14px;
                     background: {GREEN}; color: #ffffff; }}
QPushButton#submit:disabled {{ background: #cfd8dc; color: {MUTED}; }}
QPushButton#secondary {{ min-height: 64px; min-width: 160px; font-size: 24px; border-radius: 12px;
                        background: #ffffff; color: {NAVY}; border: 2px solid {NAVY}; }}
QLineEdit#comment {{ min-height: 64px; font-size: 24px; border: 2px solid #9e9e9e; border-radius: 10px; padding: 0 12px;
                    background: #ffffff; }}
#thanks {{ font-size: 56px; font-weight: 800; color: {GREEN}; }}
#hint {{ font-size: 26px; color: {RED}; font-weight: 700; }}
"""
