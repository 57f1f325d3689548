"""Shorten strings to a display width, marking the cut with a placeholder."""

DEFAULT_PLACEHOLDER = "..."


def truncate(text: str, width: int, placeholder: str = DEFAULT_PLACEHOLDER) -> str:
    """Return *text* cut to at most *width* characters.

    When *text* is longer than *width*, its end is replaced by *placeholder*
    so that the result is exactly *width* characters long.

    >>> truncate("Hello, world", 8)
    'Hello...'
    >>> truncate("Hello", 10)
    'Hello'
    """
    _check_width(width, placeholder)
    if len(text) >= width:
        return text[: width - len(placeholder)] + placeholder
    return text


def truncate_middle(text: str, width: int, placeholder: str = DEFAULT_PLACEHOLDER) -> str:
    """Return *text* cut to at most *width* characters by removing its middle.

    Useful for paths, where both the beginning and the file name matter.

    >>> truncate_middle("/usr/local/lib/python3.11/site-packages", 20)
    '/usr/loca...packages'
    """
    _check_width(width, placeholder)
    if len(text) <= width:
        return text
    keep = width - len(placeholder)
    head = (keep + 1) // 2
    tail = keep - head
    return text[:head] + placeholder + (text[-tail:] if tail else "")


def _check_width(width: int, placeholder: str) -> None:
    if width < len(placeholder):
        raise ValueError(
            f"width must be at least the placeholder length ({len(placeholder)}), got {width}"
        )
