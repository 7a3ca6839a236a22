"""What a call says, as text and as the voice pack's words. Pure.

One wording (``[agents].call_text``, e.g. ``请 {number} 号 到 {window} 号窗口 办理``)
gives both the caption the display shows and the words the announcer plays, so the
two never differ (domain.md ACC-12). Ticket numbers are read letter by letter and
digit by digit (A023 → A 零 二 三), as halls do (anchors-queue.md #52, CNQ
strings); window numbers are read as a number (12 → 十二) or digit by digit.
"""
from __future__ import annotations

import string
from typing import Iterable

from hall_server.agents.errors import PhraseError

DIGIT_WORDS = "零一二三四五六七八九"
TEN, HUNDRED = "十", "百"
CHIME = "chime"


def call_text(template: str, number: str, window: int | str) -> str:
    """The caption of a call: ``请 A023 号 到 5 号窗口 办理``."""
    return template.format(number=number, window=window)


def spoken_ticket(number: str) -> list[str]:
    """A023 → ["A", "零", "二", "三"]: each letter and digit is one word."""
    words = []
    for char in number.upper():
        if char.isascii() and char.isdigit():
            words.append(DIGIT_WORDS[int(char)])
        elif char.isascii() and char.isalpha():
            words.append(char)
    if not words:
        raise PhraseError(f"号码“{number}”中没有可播报的字母或数字", f"ticket number {number!r} has nothing to read")
    return words


def spoken_window(number: int, reading: str = "natural") -> list[str]:
    """5 → ["五"], 12 → ["十", "二"], 105 → ["一", "百", "零", "五"]; ``digits``: 12 → ["一", "二"]."""
    if not 0 < number < 1000:
        raise PhraseError(f"窗口号 {number} 超出 1–999", f"window number {number} is outside 1-999")
    if reading == "digits":
        return [DIGIT_WORDS[int(d)] for d in str(number)]
    hundreds, tens, ones = number // 100, number // 10 % 10, number % 10
    words: list[str] = []
    if hundreds:
        words += [DIGIT_WORDS[hundreds], HUNDRED]
    if tens:
        # 十二, but 一百一十二: the 一 before 十 is dropped only at the start.
        words += ([DIGIT_WORDS[tens]] if hundreds or tens > 1 else []) + [TEN]
    elif hundreds and ones:
        words.append(DIGIT_WORDS[0])
    if ones:
        words.append(DIGIT_WORDS[ones])
    return words


def split_words(text: str, vocabulary: Iterable[str]) -> list[str]:
    """Cut literal template text into pack words, longest match first; spaces are ignored.

    Raises PhraseError naming the first character no word covers.
    """
    words = sorted({w for w in vocabulary if w and w != CHIME}, key=len, reverse=True)
    out, pos, text = [], 0, "".join(text.split())
    while pos < len(text):
        match = next((w for w in words if text.startswith(w, pos)), None)
        if match is None:
            raise PhraseError(f"语音包里没有“{text[pos]}”（在“{text}”中），请改叫号文字或补录音",
                              f"the voice pack cannot say {text[pos]!r} (in {text!r}); change the wording or add a clip")
        out.append(match)
        pos += len(match)
    return out


def call_words(template: str, number: str, window: int, vocabulary: Iterable[str],
               reading: str = "natural") -> list[str]:
    """The pack words of one call, in speaking order (no chime)."""
    vocabulary = list(vocabulary)
    out: list[str] = []
    for literal, field, _, _ in string.Formatter().parse(template):
        out += split_words(literal, vocabulary)
        if field == "number":
            out += spoken_ticket(number)
        elif field == "window":
            out += spoken_window(int(window), reading)
        elif field is not None:
            raise PhraseError(f"叫号文字中有不认识的占位符 {{{field}}}", f"unknown placeholder {{{field}}} in the wording")
    return out


def template_parts(template: str) -> list[tuple[str, str | None]]:
    """``(literal, field)`` pairs of a template, for building it from cached pieces."""
    return [(literal, field) for literal, field, _, _ in string.Formatter().parse(template)]
