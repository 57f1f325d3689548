import pytest

from csvkit_lite import CsvError, format_field, format_row, write_rows


def test_plain_field_is_not_quoted():
    assert format_field("hello") == "hello"


def test_field_with_delimiter_is_quoted():
    assert format_field("Smith, John") == '"Smith, John"'


def test_quotes_are_doubled():
    assert format_field('say "hi"') == '"say ""hi"""'


def test_non_string_values():
    assert format_row([1, 2.5, None]) == "1,2.5,None"


def test_custom_delimiter():
    assert format_row(["a;b", "c"], delimiter=";") == '"a;b";c'


def test_line_breaks_are_rejected():
    with pytest.raises(CsvError, match="line breaks"):
        format_field("two\nlines")


def test_write_rows():
    assert write_rows([["id", "name"], [1, "Ada"]]) == "id,name\n1,Ada\n"
