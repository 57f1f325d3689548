"""Format rows of values as CSV text."""

from typing import Iterable, List

from csvkit_lite.errors import CsvError

QUOTE = '"'


def format_field(value: object, delimiter: str = ",") -> str:
    """Return *value* as one CSV field, quoted only when it has to be.

    >>> format_field("Smith, John")
    '"Smith, John"'
    """
    text = str(value)
    if "\n" in text or "\r" in text:
        raise CsvError(f"fields cannot contain line breaks: {text!r}")
    if delimiter in text or QUOTE in text:
        return QUOTE + text.replace(QUOTE, QUOTE * 2) + QUOTE
    return text


def format_row(values: Iterable[object], delimiter: str = ",") -> str:
    """Return one CSV record (without a line ending) for *values*."""
    return delimiter.join(format_field(value, delimiter) for value in values)


def write_rows(rows: Iterable[Iterable[object]], delimiter: str = ",") -> str:
    """Return CSV text for *rows*, one record per line, ending with a newline."""
    lines: List[str] = [format_row(row, delimiter) for row in rows]
    return "".join(line + "\n" for line in lines)
