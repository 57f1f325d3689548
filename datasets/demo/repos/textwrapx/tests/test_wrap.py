import pytest

from textwrapx import fill, wrap


def test_wrap_breaks_at_spaces():
    assert wrap("The quick brown fox jumps over the lazy dog", 15) == [
        "The quick brown",
        "fox jumps over",
        "the lazy dog",
    ]


def test_wrap_collapses_whitespace():
    assert wrap("a   b\n\tc", 80) == ["a b c"]


def test_long_word_gets_its_own_line():
    assert wrap("see https://example.com/a/very/long/path now", 10) == [
        "see",
        "https://example.com/a/very/long/path",
        "now",
    ]


def test_wrap_empty_text():
    assert wrap("", 10) == []


def test_wrap_rejects_non_positive_width():
    with pytest.raises(ValueError):
        wrap("text", 0)


def test_fill_joins_lines():
    assert fill("one two three", 7) == "one two\nthree"
