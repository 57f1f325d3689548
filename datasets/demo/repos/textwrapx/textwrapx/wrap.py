"""Greedy word wrapping for plain text."""

from typing import List


def wrap(text: str, width: int) -> List[str]:
    """Split *text* into lines of at most *width* characters, breaking at spaces.

    Runs of whitespace collapse to a single space. A word longer than *width*
    is put on a line of its own rather than split.

    >>> wrap("The quick brown fox jumps over the lazy dog", 15)
    ['The quick brown', 'fox jumps over', 'the lazy dog']
    """
    if width <= 0:
        raise ValueError(f"width must be positive, got {width}")
    lines: List[str] = []
    current = ""
    for word in text.split():
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current = f"{current} {word}"
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def fill(text: str, width: int) -> str:
    """Like :func:`wrap`, but return a single string with the lines joined by newlines."""
    return "\n".join(wrap(text, width))
