import pytest

from textwrapx import pad


@pytest.mark.parametrize(
    ("align", "expected"),
    [("left", "ab   "), ("right", "   ab"), ("center", "  ab ")],
    ids=["left", "right", "center"],
)
def test_pad_alignments(align, expected):
    assert pad("ab", 5, align=align) == expected


def test_pad_leaves_long_text_alone():
    assert pad("abcdef", 3) == "abcdef"


def test_pad_custom_fillchar():
    assert pad("7", 3, align="right", fillchar="0") == "007"


def test_pad_rejects_unknown_alignment():
    with pytest.raises(ValueError, match="align must be one of"):
        pad("x", 3, align="middle")
