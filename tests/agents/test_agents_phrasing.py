"""What a call says: ticket and window readings, wording split into pack words."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from hall_server.agents import phrasing
from hall_server.agents.errors import PhraseError
from hall_server.config.agents import DEFAULT_CALL_TEXT

VOCABULARY = {"请", "号", "到", "窗口", "办理", "十", "百", "chime", *phrasing.DIGIT_WORDS, *"ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
DIGIT_VALUE = {w: i for i, w in enumerate(phrasing.DIGIT_WORDS)}


def read_back(words: list[str]) -> int:
    """A reader of spoken numbers written independently of the code under test."""
    total, pending = 0, None
    for word in words:
        if word == "百":
            total += (pending or 1) * 100
            pending = None
        elif word == "十":
            total += (pending if pending else 1) * 10
            pending = None
        elif word == "零":
            pending = None
        else:
            pending = DIGIT_VALUE[word]
    return total + (pending or 0)


def test_a_ticket_is_read_letter_by_letter_and_digit_by_digit():
    assert phrasing.spoken_ticket("A023") == ["A", "零", "二", "三"]
    assert phrasing.spoken_ticket("h100") == ["H", "一", "零", "零"]


def test_a_ticket_without_letters_or_digits_is_refused_in_both_languages():
    with pytest.raises(PhraseError) as caught:
        phrasing.spoken_ticket("--")
    assert "号码" in caught.value.message_zh and "nothing to read" in caught.value.message_en


@pytest.mark.parametrize("number, words", [
    (5, "五"), (10, "十"), (12, "十二"), (20, "二十"), (23, "二十三"),
    (100, "一百"), (101, "一百零一"), (110, "一百一十"), (112, "一百一十二"), (999, "九百九十九"),
])
def test_window_numbers_read_as_numbers(number, words):
    assert "".join(phrasing.spoken_window(number)) == words


def test_window_numbers_may_be_read_digit_by_digit():
    assert phrasing.spoken_window(12, "digits") == ["一", "二"]


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=999))
def test_every_window_number_reads_back_to_itself(number):
    words = phrasing.spoken_window(number)
    assert set(words) <= VOCABULARY
    assert read_back(words) == number


@pytest.mark.parametrize("number", [0, 1000, -3])
def test_window_numbers_outside_1_to_999_are_refused(number):
    with pytest.raises(PhraseError):
        phrasing.spoken_window(number)


def test_the_default_wording_becomes_pack_words_in_speaking_order():
    words = phrasing.call_words(DEFAULT_CALL_TEXT, "A023", 12, VOCABULARY)
    assert words == ["请", "A", "零", "二", "三", "号", "到", "十", "二", "号", "窗口", "办理"]
    assert phrasing.call_text(DEFAULT_CALL_TEXT, "A023", 12) == "请 A023 号 到 12 号窗口 办理"


def test_split_prefers_the_longest_word():
    assert phrasing.split_words("号窗口办理", VOCABULARY | {"窗"}) == ["号", "窗口", "办理"]


def test_a_word_the_pack_cannot_say_is_named():
    with pytest.raises(PhraseError) as caught:
        phrasing.call_words("请 {number} 号顾客 到 {window} 号窗口", "A1", 1, VOCABULARY)
    assert "顾" in caught.value.message_zh and "'顾'" in caught.value.message_en


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="请号到窗口办理十百零一二 ", max_size=20))
def test_splitting_loses_no_character(text):
    try:
        words = phrasing.split_words(text, VOCABULARY)
    except PhraseError:
        assert any(ch in "窗口办理" for ch in text)   # a lone 窗 or 办 is not a word
        return
    assert "".join(words) == "".join(text.split())
