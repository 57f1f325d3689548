"""A tiny RFC 4180 CSV reader and writer for single-line records."""

from csvkit_lite.errors import CsvError
from csvkit_lite.reader import parse_line, read_records, read_rows
from csvkit_lite.writer import format_field, format_row, write_rows

__all__ = [
    "CsvError",
    "format_field",
    "format_row",
    "parse_line",
    "read_records",
    "read_rows",
    "write_rows",
]
__version__ = "0.1.0"
