import pytest

from csvkit_lite import CsvError, parse_line, read_records, read_rows


def test_parse_simple_line():
    assert parse_line("a,b,c") == ["a", "b", "c"]


def test_parse_empty_fields():
    assert parse_line(",x,") == ["", "x", ""]


def test_parse_quoted_field_with_delimiter():
    assert parse_line('42,"Smith, John",NY') == ["42", "Smith, John", "NY"]


def test_parse_empty_quoted_field():
    assert parse_line('"",x') == ["", "x"]


def test_quote_inside_unquoted_field_is_literal():
    assert parse_line('5" nails,3') == ['5" nails', "3"]


def test_parse_custom_delimiter():
    assert parse_line('a;"b;c";d', delimiter=";") == ["a", "b;c", "d"]


def test_unterminated_quote_raises():
    with pytest.raises(CsvError, match="unterminated"):
        parse_line('a,"open')


def test_read_rows_skips_blank_lines():
    assert read_rows("a,b\n\n c,d \n") == [["a", "b"], [" c", "d "]]


def test_read_records_uses_header():
    assert read_records("id,name\n1,Ada\n2,Grace\n") == [
        {"id": "1", "name": "Ada"},
        {"id": "2", "name": "Grace"},
    ]


def test_read_records_rejects_ragged_rows():
    with pytest.raises(CsvError, match="row 3 has 1 fields"):
        read_records("id,name\n1,Ada\n2\n")
