"""Parse CSV text into rows of string fields."""

from typing import Dict, List

from csvkit_lite.errors import CsvError

QUOTE = '"'


def parse_line(line: str, delimiter: str = ",") -> List[str]:
    """Split one CSV record into its fields.

    A field that starts with a double quote is quoted: it ends at the next
    closing quote and may contain the delimiter. A quote in the middle of an
    unquoted field is kept as is.

    >>> parse_line('42,"Smith, John",NY')
    ['42', 'Smith, John', 'NY']
    """
    fields: List[str] = []
    field: List[str] = []
    in_quotes = False
    at_field_start = True
    pos = 0
    while pos < len(line):
        char = line[pos]
        if in_quotes:
            if char == QUOTE:
                in_quotes = False
            else:
                field.append(char)
        elif char == delimiter:
            fields.append("".join(field))
            field = []
            at_field_start = True
            pos += 1
            continue
        elif char == QUOTE and at_field_start:
            in_quotes = True
        else:
            field.append(char)
        at_field_start = False
        pos += 1
    if in_quotes:
        raise CsvError(f"unterminated quoted field in line: {line!r}")
    fields.append("".join(field))
    return fields


def read_rows(text: str, delimiter: str = ",") -> List[List[str]]:
    """Parse every non-empty line of *text* with :func:`parse_line`."""
    return [parse_line(line, delimiter) for line in text.splitlines() if line.strip()]


def read_records(text: str, delimiter: str = ",") -> List[Dict[str, str]]:
    """Parse *text* whose first row is a header into one dict per data row.

    >>> read_records("id,name\\n1,Ada\\n")
    [{'id': '1', 'name': 'Ada'}]
    """
    rows = read_rows(text, delimiter)
    if not rows:
        return []
    header, *data = rows
    records = []
    for number, row in enumerate(data, start=2):
        if len(row) != len(header):
            raise CsvError(f"row {number} has {len(row)} fields, the header has {len(header)}")
        records.append(dict(zip(header, row)))
    return records
