import pytest

from textwrapx import truncate, truncate_middle


def test_short_text_is_unchanged():
    assert truncate("Hello", 10) == "Hello"


def test_long_text_is_cut_to_width():
    assert truncate("Hello, world", 8) == "Hello..."


def test_custom_placeholder():
    assert truncate("Hello, world", 8, placeholder="~") == "Hello, ~"


def test_empty_placeholder_cuts_hard():
    assert truncate("Hello, world", 5, placeholder="") == "Hello"


def test_width_smaller_than_placeholder_raises():
    with pytest.raises(ValueError, match="placeholder length"):
        truncate("Hello, world", 2)


@pytest.mark.parametrize("width", [3, 4, 7, 12, 20])
def test_result_never_exceeds_width(width):
    assert len(truncate("The quick brown fox", width)) <= width


def test_truncate_middle_keeps_both_ends():
    assert truncate_middle("/usr/local/lib/python3.11/site-packages", 20) == "/usr/loca...packages"


def test_truncate_middle_short_text_is_unchanged():
    assert truncate_middle("/tmp", 10) == "/tmp"


def test_truncate_middle_with_no_room_for_tail():
    assert truncate_middle("abcdefgh", 4) == "a..."
