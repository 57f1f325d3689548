"""Pad strings to a fixed width for column output."""

_ALIGNMENTS = ("left", "right", "center")


def pad(text: str, width: int, align: str = "left", fillchar: str = " ") -> str:
    """Return *text* padded with *fillchar* to *width* characters.

    Text that is already *width* characters or longer is returned unchanged;
    use :func:`textwrapx.truncate` first to enforce a maximum.

    >>> pad("42", 5, align="right")
    '   42'
    """
    if align not in _ALIGNMENTS:
        raise ValueError(f"align must be one of {', '.join(_ALIGNMENTS)}; got {align!r}")
    if len(fillchar) != 1:
        raise ValueError(f"fillchar must be a single character, got {fillchar!r}")
    if align == "left":
        return text.ljust(width, fillchar)
    if align == "right":
        return text.rjust(width, fillchar)
    return text.center(width, fillchar)
